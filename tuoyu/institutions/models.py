"""The register of childcare institutions (SPEC §1): what a family compares and a department supervises."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.core import limits
from tuoyu.core.models import TransitionEvent
from tuoyu.core.validators import validate_uscc
from tuoyu.regions import names


class InstitutionType(models.TextChoices):
    CHILDCARE = "childcare", _("Childcare institution")  # 托育机构
    KINDERGARTEN = "kindergarten", _("Kindergarten nursery class")  # 幼儿园托班
    EMPLOYER = "employer", _("Employer-run childcare")  # 用人单位办托
    COMMUNITY = "community", _("Community childcare point")  # 社区托育点
    SERVICE_CENTRE = "centre", _("Comprehensive service centre")  # 托育综合服务中心


class Ownership(models.TextChoices):
    PUBLIC = "public", _("Public")  # 公办
    PRIVATE = "private", _("Private")  # 民办
    PUBLIC_BUILT_PRIVATE_RUN = "public_built_private_run", _("Publicly built, privately run")  # 公建民营
    PRIVATE_WITH_PUBLIC_AID = "private_public_aid", _("Private with public aid")  # 民办公助


class RegistrationBody(models.TextChoices):
    """Who registered the legal person: decides the prefix of its social credit code (national rules)."""

    PUBLIC_INSTITUTION = "public_institution", _("Public institution (编制部门)")  # 事业单位, USCC prefix 12
    SOCIAL_ORGANISATION = "social_organisation", _("Social service organisation (民政部门)")  # USCC prefix 52
    ENTERPRISE = "enterprise", _("Enterprise (市场监管部门)")  # USCC prefix 91/92/93


# The first two characters of a unified social credit code name the registering authority and the
# kind of legal person (GB 32100-2015): 12 事业单位 (编制部门), 52 社会服务机构 (民政), 91 企业 (市场监管).
USCC_PREFIXES = {
    RegistrationBody.PUBLIC_INSTITUTION: ("12",),
    RegistrationBody.SOCIAL_ORGANISATION: ("52",),
    RegistrationBody.ENTERPRISE: ("91",),
}


def uscc_matches_body(uscc: str, body: str) -> bool:
    return uscc[:2] in USCC_PREFIXES.get(body, ())


class AgeGroup(models.TextChoices):
    INFANT = "infant", _("Infant class (6–12 months)")  # 乳儿班
    TODDLER = "toddler", _("Toddler class (12–24 months)")  # 托小班
    PRESCHOOL = "preschool", _("Older toddler class (24–36 months)")  # 托大班
    MIXED = "mixed", _("Mixed-age class (18–36 months)")  # 混合班


# The national standard (托育机构设置标准) caps each class; the database enforces it too.
CLASS_SIZE_LIMITS = {AgeGroup.INFANT: 10, AgeGroup.TODDLER: 15, AgeGroup.PRESCHOOL: 20, AgeGroup.MIXED: 18}
# The ages each class type takes, in months from (included) to (excluded), by the national standard
# (托育机构设置标准): the one place these ranges are kept; bookings and the public search read them here.
AGE_GROUP_MONTHS = {
    AgeGroup.INFANT: (6, 12),
    AgeGroup.TODDLER: (12, 24),
    AgeGroup.PRESCHOOL: (24, 36),
    AgeGroup.MIXED: (18, 36),
}
MAX_CHILDCARE_MONTHS = max(high for _low, high in AGE_GROUP_MONTHS.values())


def age_groups_for_months(months: int) -> list[str]:
    """The class types that take a child of this age: an 18-month-old goes to 托小班 or 混合班."""
    return [group.value for group, (low, high) in AGE_GROUP_MONTHS.items() if low <= months < high]


AGE_GROUP_SHORT = {
    AgeGroup.INFANT: _("Infant"),
    AgeGroup.TODDLER: _("Toddler"),
    AgeGroup.PRESCHOOL: _("Older toddler"),
    AgeGroup.MIXED: _("Mixed"),
}


class ServiceType(models.TextChoices):
    FULL_DAY = "full_day", _("Full day")  # 全日托
    HALF_DAY = "half_day", _("Half day")  # 半日托
    HOURLY = "hourly", _("Hourly")  # 计时托
    TEMPORARY = "temporary", _("Temporary")  # 临时托


class PriceType(models.TextChoices):
    GOVERNMENT_GUIDED = (
        "government_guided",
        _("Government-guided price"),
    )  # 政府指导价 (public institutions, §9)
    MARKET = "market", _("Market price")  # 市场调节价


class FeePeriod(models.TextChoices):
    MONTH = "month", _("per month")
    DAY = "day", _("per day")
    HOUR = "hour", _("per hour")


class InstitutionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # entered but not filed: never public
    FILED = "filed", _("Filed")  # 已备案: public in search, map and pages
    SUSPENDED = "suspended", _("Suspended")  # temporarily not operating: hidden from the public
    DEREGISTERED = "deregistered", _("Deregistered")  # 已注销: old links show a notice page


class Institution(models.Model):
    name = models.CharField(_("name"), max_length=100)
    # The name's toneless pinyin without spaces (温泉幼儿园 → wenquanyoueryuan), set on save, so a
    # family typing pinyin finds it with a plain substring match (regions.names.normalize on the input).
    name_pinyin = models.CharField(max_length=400, blank=True, editable=False)
    type = models.CharField(_("type"), max_length=20, choices=InstitutionType.choices)
    ownership = models.CharField(_("ownership"), max_length=30, choices=Ownership.choices)
    is_puhui = models.BooleanField(_("inclusive (普惠)"), default=False)
    registration_body = models.CharField(
        _("registration body"), max_length=30, choices=RegistrationBody.choices
    )
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    unit = models.ForeignKey(
        "regions.Unit",
        on_delete=models.PROTECT,
        related_name="institutions",
        verbose_name=_("street or town"),
    )
    address = models.CharField(_("address"), max_length=200)
    lat = models.FloatField(_("latitude (WGS-84)"))
    lng = models.FloatField(_("longitude (WGS-84)"))
    phone = models.CharField(_("contact telephone"), max_length=20, blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    open_days = models.CharField(_("open days"), max_length=50, blank=True)
    offers_full_day = models.BooleanField(_("full day"), default=False)
    offers_half_day = models.BooleanField(_("half day"), default=False)
    offers_hourly = models.BooleanField(_("hourly"), default=False)
    offers_temporary = models.BooleanField(_("temporary"), default=False)
    serves_meals = models.BooleanField(_("serves meals"), default=False)
    description = models.TextField(_("introduction"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InstitutionStatus.choices, default=InstitutionStatus.DRAFT
    )
    filing_number = models.CharField(_("filing number"), max_length=40, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    deregistered_on = models.DateField(_("deregistered on"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)
    # Kept in step by services.institution_refresh_totals so lists sort and show them without joins.
    capacity_total = models.PositiveIntegerField(_("slots"), default=0, editable=False)
    enrolled_total = models.PositiveIntegerField(_("enrolled"), default=0, editable=False)
    fee_from = models.DecimalField(
        _("monthly fee from"), max_digits=9, decimal_places=2, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        indexes = [
            # The public nearest search filters on status and a lat/lng box.
            models.Index(fields=["status", "lat", "lng"], name="inst_status_lat_lng"),
            models.Index(fields=["status", "unit"], name="inst_status_unit"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="inst_coords_on_earth",
            ),
            models.CheckConstraint(
                condition=models.Q(enrolled_total__lte=models.F("capacity_total")),
                name="inst_enrolled_within_capacity",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="filed") | ~models.Q(filing_number=""),
                name="inst_filed_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin = names.pinyin(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_pinyin"}
        super().save(*args, **kwargs)

    @property
    def vacancies(self) -> int:
        return max(self.capacity_total - self.enrolled_total, 0)

    @property
    def service_types(self) -> list[str]:
        flags = [
            (self.offers_full_day, ServiceType.FULL_DAY),
            (self.offers_half_day, ServiceType.HALF_DAY),
            (self.offers_hourly, ServiceType.HOURLY),
            (self.offers_temporary, ServiceType.TEMPORARY),
        ]
        return [value for flag, value in flags if flag]

    @property
    def service_type_labels(self) -> list[str]:
        return [ServiceType(value).label for value in self.service_types]

    @property
    def is_public(self) -> bool:
        return self.status == InstitutionStatus.FILED

    def clean(self):
        from tuoyu.regions.selectors import area_bounds

        bounds = area_bounds()
        if (
            self.lat is not None
            and self.lng is not None
            and bounds is not None
            and not bounds.contains(self.lat, self.lng)
        ):
            raise ValidationError(
                {
                    "lat": _(
                        "The location is outside the district this service covers. Please check the point on the map."
                    )
                }
            )
        if self.uscc and self.registration_body and not uscc_matches_body(self.uscc, self.registration_body):
            raise ValidationError(
                {
                    "registration_body": _(
                        "The credit code %(code)s does not belong to a %(body)s: its first two characters show who registered it."
                    )
                    % {"code": self.uscc, "body": RegistrationBody(self.registration_body).label}
                }
            )
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("Closing time must be after opening time.")})


SERVICE_TYPE_FIELDS = {
    ServiceType.FULL_DAY: "offers_full_day",
    ServiceType.HALF_DAY: "offers_half_day",
    ServiceType.HOURLY: "offers_hourly",
    ServiceType.TEMPORARY: "offers_temporary",
}


def _class_limit_condition() -> models.Q:
    condition = models.Q()
    for group, limit in CLASS_SIZE_LIMITS.items():
        condition |= models.Q(age_group=group, capacity__lte=limit)
    return condition


class ClassGroup(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="classes")
    name = models.CharField(_("class name"), max_length=50)
    age_group = models.CharField(_("age group"), max_length=12, choices=AgeGroup.choices)
    capacity = models.PositiveSmallIntegerField(_("slots"), validators=[MinValueValidator(1)])
    enrolled = models.PositiveSmallIntegerField(_("enrolled"), default=0)

    class Meta:
        ordering = ["institution", "age_group", "name"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="class_capacity_positive"),
            models.CheckConstraint(
                condition=_class_limit_condition(), name="class_capacity_within_national_limit"
            ),
            models.CheckConstraint(
                condition=models.Q(enrolled__lte=models.F("capacity")), name="class_enrolled_within_capacity"
            ),
            models.UniqueConstraint(fields=["institution", "name"], name="class_unique_name_per_institution"),
        ]
        indexes = [models.Index(fields=["age_group", "institution"], name="class_age_inst")]

    def __str__(self) -> str:
        return self.name

    @property
    def vacancies(self) -> int:
        return max(self.capacity - self.enrolled, 0)

    def clean(self):
        limit = CLASS_SIZE_LIMITS.get(self.age_group)
        if limit is not None and self.capacity is not None and self.capacity > limit:
            raise ValidationError(
                {
                    "capacity": _("A %(group)s may have at most %(limit)s children (national standard).")
                    % {"group": AgeGroup(self.age_group).label, "limit": limit}
                }
            )
        if self.capacity is not None and self.enrolled is not None and self.enrolled > self.capacity:
            raise ValidationError({"enrolled": _("Enrolled children cannot exceed the class's slots.")})


class Fee(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="fees")
    age_group = models.CharField(
        _("age group"),
        max_length=12,
        choices=AgeGroup.choices,
        blank=True,
        help_text=_("Empty: every age group."),
    )
    service_type = models.CharField(_("service type"), max_length=12, choices=ServiceType.choices)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    period = models.CharField(_("period"), max_length=8, choices=FeePeriod.choices, default=FeePeriod.MONTH)
    price_type = models.CharField(_("price type"), max_length=20, choices=PriceType.choices)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["institution", "service_type", "age_group"]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="fee_amount_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.get_service_type_display()} {self.amount}"


class InstitutionPhoto(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="institution-photos/")
    caption = models.CharField(_("caption"), max_length=limits.PHOTO_CAPTION_MAX_CHARS, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class InstitutionMembership(models.Model):
    """Which signed-in people act for an institution, and as what."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="institution_memberships"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["institution", "user"], name="membership_unique")]
        verbose_name = _("institution membership")
        verbose_name_plural = _("institution memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.institution}"


class InstitutionEvent(TransitionEvent):
    """One row per status change: the institution's timeline (who, from, to, when, note)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=InstitutionStatus.choices)
    to_status = models.CharField(max_length=20, choices=InstitutionStatus.choices)

    class Meta(TransitionEvent.Meta):
        verbose_name = _("institution status change")
        verbose_name_plural = _("institution status changes")

    def __str__(self) -> str:
        return f"{self.institution_id}: {self.from_status} → {self.to_status}"
