"""One parser for the search's query string, shared by the map page and the API, so both accept the
same filters and refuse the same bad values with the same message."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.core import limits
from tuoyu.core.geo import from_map_crs, to_map_crs
from tuoyu.regions.models import Unit
from tuoyu.regions.selectors import area_unit, place_unit

from .models import (
    AGE_GROUP_MONTHS,
    MAX_CHILDCARE_MONTHS,
    AgeGroup,
    InstitutionType,
    Ownership,
    ServiceType,
    age_groups_for_months,
)
from .selectors import NEAR_SORT_KEYS, SearchParams

MAX_RADIUS_KM = limits.SEARCH_MAX_RADIUS_KM
BIRTH_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})")


def _blank(choices):
    return [("", _("Any")), *choices]


class InstitutionSearchForm(forms.Form):
    place = forms.CharField(label=_("Street, town or place"), max_length=50, required=False)
    unit = forms.CharField(label=_("Street or town"), max_length=32, required=False)
    puhui = forms.ChoiceField(
        label=_("Inclusive (普惠)"),
        required=False,
        choices=[("", _("Any")), ("true", _("Inclusive only")), ("false", _("Not inclusive"))],
    )
    age_group = forms.ChoiceField(label=_("Vacancy for"), required=False, choices=_blank(AgeGroup.choices))
    # A family knows the child's age, not the class names (托小班, 混合班): either one is enough.
    age_months = forms.IntegerField(
        label=_("Child's age in months"),
        required=False,
        min_value=0,
        max_value=999,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": _("e.g. 18")}),
    )
    birth_month = forms.CharField(
        label=_("or month of birth"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-06"}),
    )
    service_type = forms.ChoiceField(
        label=_("Service type"), required=False, choices=_blank(ServiceType.choices)
    )
    ownership = forms.ChoiceField(label=_("Ownership"), required=False, choices=_blank(Ownership.choices))
    type = forms.ChoiceField(label=_("Type"), required=False, choices=_blank(InstitutionType.choices))
    fee_min = forms.DecimalField(
        label=_("Monthly fee from (yuan)"), required=False, min_value=0, max_digits=9, decimal_places=2
    )
    fee_max = forms.DecimalField(
        label=_("Monthly fee up to (yuan)"), required=False, min_value=0, max_digits=9, decimal_places=2
    )
    q = forms.CharField(label=_("Name or address"), max_length=50, required=False)
    near = forms.CharField(label=_("Near (latitude,longitude)"), max_length=60, required=False)
    crs = forms.ChoiceField(
        required=False, choices=[("", "WGS-84"), ("wgs84", "WGS-84"), ("gcj02", "GCJ-02")]
    )
    radius_km = forms.FloatField(
        label=_("Within (km)"), required=False, min_value=0.1, max_value=MAX_RADIUS_KM
    )
    ordering = forms.ChoiceField(
        label=_("Order by"),
        required=False,
        choices=[
            ("", _("Nearest first (by name if no place is given)")),
            ("distance", _("Nearest first")),
            ("name", _("Name")),
            ("fee", _("Lowest fee")),
            ("vacancies", _("Most vacancies")),
        ],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=limits.MAX_PAGE)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=limits.MAX_PAGE_SIZE)

    def clean_unit(self):
        code = self.cleaned_data["unit"]
        if not code:
            return None
        area = area_unit()
        unit = Unit.objects.filter(code=code).first()
        if unit is None or (area is not None and not unit.path.startswith(area.path)):
            raise ValidationError(_("Unknown street or town: %(code)s."), params={"code": code}, code="unit")
        return unit

    def clean_near(self):
        raw = self.cleaned_data["near"].strip()
        if not raw:
            return None
        try:
            lat_text, lng_text = raw.split(",")
            lat, lng = float(lat_text), float(lng_text)
        except ValueError as exc:
            raise ValidationError(
                _("Give the point as latitude,longitude, for example 31.16,108.39."), code="near"
            ) from exc
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise ValidationError(
                _("Give the point as latitude,longitude, for example 31.16,108.39."), code="near"
            )
        return lat, lng

    def _check_age(self, months: int) -> int:
        if months >= MAX_CHILDCARE_MONTHS:
            raise ValidationError(
                _(
                    "Childcare classes take children under 3 years (%(n)s months). "
                    "For an older child, please look for a kindergarten."
                ),
                params={"n": MAX_CHILDCARE_MONTHS},
                code="age",
            )
        if not age_groups_for_months(months):
            raise ValidationError(
                _(
                    "The youngest classes take children from %(n)s months. Leave the age out, or give "
                    "the age the child will be when starting."
                ),
                params={"n": min(low for low, _high in AGE_GROUP_MONTHS.values())},
                code="age",
            )
        return months

    def clean_age_months(self):
        months = self.cleaned_data["age_months"]
        return None if months is None else self._check_age(months)

    def clean_birth_month(self):
        raw = self.cleaned_data["birth_month"].strip()
        if not raw:
            return None
        match = BIRTH_MONTH.fullmatch(raw)
        if match is None or not 1 <= int(match["month"]) <= 12:
            raise ValidationError(
                _("Give the month of birth as year-month, for example 2025-06."), code="birth_month"
            )
        today = timezone.localdate()
        months = (today.year - int(match["year"])) * 12 + today.month - int(match["month"])
        if months < 0:
            raise ValidationError(_("The month of birth cannot be in the future."), code="birth_month")
        return self._check_age(months)

    def clean_puhui(self):
        return {"": None, "true": True, "false": False}[self.cleaned_data["puhui"]]

    def clean(self):
        data = super().clean()
        if (
            data.get("fee_min") is not None
            and data.get("fee_max") is not None
            and data["fee_min"] > data["fee_max"]
        ):
            self.add_error("fee_max", _("The highest fee must not be below the lowest fee."))
        near = data.get("near")
        if near is not None and data.get("crs") == "gcj02":
            # A click on a GCJ-02 map: convert back to the WGS-84 we store.
            data["near"] = from_map_crs(near[0], near[1], "gcj02")
        place = (data.get("place") or "").strip()
        # A typed place wins over a point carried over from an earlier tap (the hidden `near` field):
        # the map's own tap clears `place`, so both arrive together only when the place is newer.
        if place:
            # As people write it: 温泉镇, 温泉, 开州区温泉镇, wenquan, Wenquan Town.
            unit = place_unit(place)
            if unit is None:
                self.add_error(
                    "place",
                    _("We could not find %(place)s. Try the name of a street or town.") % {"place": place},
                )
            else:
                data["near"] = (unit.center_lat, unit.center_lng)
                data["place_unit"] = unit
        return data

    def to_params(self, *, default_page_size: int = limits.PAGE_SIZE) -> SearchParams:
        data = self.cleaned_data
        ordering = data.get("ordering") or ""
        if ordering not in NEAR_SORT_KEYS:
            ordering = ""
        return SearchParams(
            unit=data.get("unit"),
            puhui=data.get("puhui"),
            age_group=data.get("age_group") or None,
            # The month of birth, when given, is the surer of the two: it does not go out of date.
            age_months=data["birth_month"] if data.get("birth_month") is not None else data.get("age_months"),
            service_type=data.get("service_type") or None,
            ownership=data.get("ownership") or None,
            type=data.get("type") or None,
            fee_min=data.get("fee_min"),
            fee_max=data.get("fee_max"),
            q=(data.get("q") or "").strip(),
            near=data.get("near"),
            radius_km=data.get("radius_km"),
            ordering=ordering,
            page=data.get("page") or 1,
            page_size=data.get("page_size") or default_page_size,
        )


def map_settings() -> dict:
    return {
        "tiles": settings.TUOYU_MAP_TILES,
        "subdomains": settings.TUOYU_MAP_SUBDOMAINS,
        "crs": settings.TUOYU_MAP_CRS,
        "attribution": settings.TUOYU_MAP_ATTRIBUTION,
    }


def institution_markers(rows, crs: str) -> list[dict]:
    """What static/js/map.js draws for each institution, in the map provider's system `crs`: the search,
    home and institution pages and the official workspace all send these."""
    markers = []
    for row in rows:
        lat, lng = to_map_crs(row.lat, row.lng, crs)
        markers.append(
            {
                "id": row.pk,
                "kind": "institution",
                "name": row.name,
                "lat": round(lat, 6),
                "lng": round(lng, 6),
                "puhui": row.is_puhui,
                "vacancies": row.vacancies,
                "url": reverse("institutions:detail", args=[row.pk]),
            }
        )
    return markers


DEFAULT_CENTER = (31.16, 108.39)  # Kaizhou, when the configured area has no centre


def map_picker_settings() -> dict:
    """map_settings() plus where a location picker opens: the centre of the configured area."""
    from tuoyu.regions.selectors import area_unit

    area = area_unit()
    center = (
        (area.center_lat, area.center_lng)
        if area is not None and area.center_lat is not None
        else DEFAULT_CENTER
    )
    return {**map_settings(), "center_lat": center[0], "center_lng": center[1]}


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG or PNG, up to 10 MB. We remove the location and camera details stored in it."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    caption = forms.CharField(label=_("Caption (optional)"), max_length=100, required=False)
