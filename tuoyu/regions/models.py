"""Administrative units in a tree of any depth (like DHIS2 organisation units), their population and
the departments that work in them. Everything here is district configuration, loaded from a file."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.core.geo import Bounds

from . import names


class Unit(models.Model):
    class Level(models.TextChoices):
        NATION = "nation", _("Nation")
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District or county")
        STREET = "street", _("Subdistrict (街道)")
        TOWN = "town", _("Town (镇)")
        TOWNSHIP = "township", _("Township (乡)")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # "Hanfeng Subdistrict": from the name's pinyin when left empty; the data file may spell it out.
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    # What the public search compares Latin input with: the pinyin of the name and of the name without
    # its suffix and the English name, normalised and space-separated (names.latin_keys), set on save.
    search_key = models.CharField(max_length=400, blank=True, editable=False)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of codes ("/500000/500154/"): a unit's descendants are one indexed prefix query,
    # so figures aggregate up a tree of any depth without recursive SQL.
    path = models.CharField(max_length=512, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    center_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    center_lng = models.FloatField(_("centre longitude"), null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    min_lng = models.FloatField(null=True, blank=True)
    max_lng = models.FloatField(null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["path"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_lat__isnull=True) | models.Q(min_lat__lte=models.F("max_lat")),
                name="unit_bounds_ordered_lat",
            ),
            models.CheckConstraint(
                condition=models.Q(min_lng__isnull=True) | models.Q(min_lng__lte=models.F("max_lng")),
                name="unit_bounds_ordered_lng",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent else "/") + f"{self.code}/"
        self.depth = self.parent.depth + 1 if self.parent else 0
        if not self.name_en:
            self.name_en = names.english_name(self.name, self.level)
        self.search_key = " ".join(names.latin_keys(self.name, self.level, self.name_en))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_en", "search_key"}
        super().save(*args, **kwargs)

    @property
    def short_name(self) -> str:
        """温泉 for 温泉镇: what people often type."""
        return names.short_name(self.name, self.level)

    @property
    def bounds(self) -> Bounds | None:
        if None in (self.min_lat, self.max_lat, self.min_lng, self.max_lng):
            return None
        return Bounds(self.min_lat, self.max_lat, self.min_lng, self.max_lng)  # type: ignore[arg-type]

    @property
    def is_grassroots(self) -> bool:
        """街道/镇/乡: the level at which §16's territorial responsibility sits."""
        return self.level in (self.Level.STREET, self.Level.TOWN, self.Level.TOWNSHIP)


class Population(models.Model):
    """Population per unit per year. Figures are data, and say where they came from."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.PositiveIntegerField(_("resident population"))
    under_three = models.PositiveIntegerField(_("children under 3"), null=True, blank=True)
    illustrative = models.BooleanField(
        _("illustrative figure"),
        default=False,
        help_text=_("Synthetic demo figure, not an official statistic."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["unit__path", "-year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="population_unique_unit_year")]
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


class Department(models.Model):
    """A supervising department of the district (卫健委, 教委, 市场监管 …)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="departments")
    is_health_commission = models.BooleanField(_("is the health commission"), default=False)

    class Meta:
        ordering = ["unit__path", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.short_name or self.name
