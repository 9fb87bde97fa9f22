"""The filing form's data: raw values as typed, parsed and validated only when it matters.

A draft keeps whatever the operator typed (strings), so half-finished work saves and resumes. On
submit and on approval the same forms parse it, and the register's own rules validate the result.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuoyu.institutions.models import (
    AgeGroup,
    FeePeriod,
    Institution,
    InstitutionType,
    Ownership,
    PriceType,
    RegistrationBody,
    ServiceType,
)
from tuoyu.institutions.services import ClassSpec, FeeSpec, institution_validate
from tuoyu.regions.models import Unit
from tuoyu.regions.selectors import grassroots_units

# Classes or fees one filing may list: the form's formsets, the API's lists and the stored data agree.
MAX_ROWS = 40

INSTITUTION_FIELDS = [
    "name",
    "type",
    "ownership",
    "is_puhui",
    "registration_body",
    "uscc",
    "legal_representative",
    "unit",
    "address",
    "lat",
    "lng",
    "phone",
    "opens_at",
    "closes_at",
    "open_days",
    "offers_full_day",
    "offers_half_day",
    "offers_hourly",
    "offers_temporary",
    "serves_meals",
    "description",
]


class InstitutionSection(forms.Form):
    name = forms.CharField(label=_("Institution name"), max_length=100)
    type = forms.ChoiceField(label=_("Type"), choices=InstitutionType.choices)
    ownership = forms.ChoiceField(label=_("Ownership"), choices=Ownership.choices)
    is_puhui = forms.BooleanField(label=_("Applies as inclusive (普惠)"), required=False)
    registration_body = forms.ChoiceField(label=_("Registered with"), choices=RegistrationBody.choices)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50)
    unit = forms.ChoiceField(label=_("Street or town"), choices=())
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        help_text=_("Road and number; the street or town is chosen above."),
    )
    lat = forms.FloatField(
        label=_("Latitude"),
        widget=forms.HiddenInput,
        error_messages={"required": _("Please mark the location on the map.")},
    )
    lng = forms.FloatField(
        label=_("Longitude"),
        widget=forms.HiddenInput,
        error_messages={"required": _("Please mark the location on the map.")},
    )
    phone = forms.CharField(label=_("Contact telephone"), max_length=20)
    opens_at = forms.TimeField(label=_("Opens at"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=_("Closes at"), widget=forms.TimeInput(attrs={"type": "time"}))
    open_days = forms.CharField(label=_("Open days"), max_length=50, initial="周一至周五")
    offers_full_day = forms.BooleanField(label=_("Full day"), required=False)
    offers_half_day = forms.BooleanField(label=_("Half day"), required=False)
    offers_hourly = forms.BooleanField(label=_("Hourly"), required=False)
    offers_temporary = forms.BooleanField(label=_("Temporary"), required=False)
    serves_meals = forms.BooleanField(
        label=_("Serves meals (a food business licence is then required)"), required=False
    )
    description = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—")] + [(u.code, u.name) for u in grassroots_units()]

    def clean(self):
        data = super().clean()
        if not any(
            data.get(f) for f in ("offers_full_day", "offers_half_day", "offers_hourly", "offers_temporary")
        ):
            raise ValidationError(_("Choose at least one service type."))
        return data


class ClassRow(forms.Form):
    name = forms.CharField(label=_("Class name"), max_length=50)
    age_group = forms.ChoiceField(label=_("Age group"), choices=AgeGroup.choices)
    capacity = forms.IntegerField(label=_("Places"), min_value=1)
    enrolled = forms.IntegerField(label=_("Enrolled now"), min_value=0, initial=0)


class FeeRow(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    age_group = forms.ChoiceField(
        label=_("Age group"), choices=[("", _("All"))] + list(AgeGroup.choices), required=False
    )
    amount = forms.DecimalField(label=_("Fee (yuan)"), min_value=Decimal("0"), max_digits=9, decimal_places=2)
    period = forms.ChoiceField(label=_("Per"), choices=FeePeriod.choices, initial=FeePeriod.MONTH)
    price_type = forms.ChoiceField(label=_("Price type"), choices=PriceType.choices)


class StaffSection(forms.Form):
    total = forms.IntegerField(label=_("Staff in total"), min_value=0)
    caregivers = forms.IntegerField(label=_("Caregivers (保育人员)"), min_value=0)
    certified_caregivers = forms.IntegerField(
        label=_("Caregivers with a 保育师/育婴员 certificate"), min_value=0
    )
    health_staff = forms.IntegerField(label=_("Health staff (保健人员)"), min_value=0)

    def clean(self):
        data = super().clean()
        if (
            None not in (data.get("caregivers"), data.get("certified_caregivers"))
            and data["certified_caregivers"] > data["caregivers"]
        ):
            self.add_error("certified_caregivers", _("Certified caregivers cannot be more than caregivers."))
        if (
            None not in (data.get("total"), data.get("caregivers"), data.get("health_staff"))
            and data["caregivers"] + data["health_staff"] > data["total"]
        ):
            self.add_error("total", _("The total must include the caregivers and health staff."))
        return data


ClassFormSet = forms.formset_factory(ClassRow, extra=0, min_num=1, validate_min=True, max_num=MAX_ROWS)
FeeFormSet = forms.formset_factory(FeeRow, extra=0, min_num=1, validate_min=True, max_num=MAX_ROWS)


@dataclass
class ParsedFiling:
    fields: dict[str, Any]
    classes: list[ClassSpec]
    fees: list[FeeSpec]
    staff: dict[str, int]


def _formset_data(prefix: str, rows: list[dict]) -> dict[str, Any]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "1",
        f"{prefix}-MAX_NUM_FORMS": str(MAX_ROWS),
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def bound_sections(data: dict[str, Any]):
    """The four forms bound to a filing's stored raw data."""
    institution_data = {f"inst-{k}": v for k, v in (data.get("institution") or {}).items()}
    institution = InstitutionSection(institution_data, prefix="inst")
    classes = ClassFormSet(_formset_data("classes", data.get("classes") or []), prefix="classes")
    fees = FeeFormSet(_formset_data("fees", data.get("fees") or []), prefix="fees")
    staff = StaffSection({f"staff-{k}": v for k, v in (data.get("staff") or {}).items()}, prefix="staff")
    return institution, classes, fees, staff


def _messages(form) -> list[str]:
    found = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            found.append(
                gettext("%(label)s: %(message)s") % {"label": label, "message": error}
                if label
                else str(error)
            )
    return found


def parse_filing_data(
    data: dict[str, Any], *, instance: Institution | None = None
) -> tuple[ParsedFiling | None, dict[str, list[str]]]:
    """Parse and validate the stored data; errors are grouped by section for the operator to fix."""
    institution, classes, fees, staff = bound_sections(data)
    errors: dict[str, list[str]] = {}
    if not institution.is_valid():
        errors["institution"] = _messages(institution)
    if not classes.is_valid():
        errors["classes"] = [str(e) for e in classes.non_form_errors()] + [
            m for f in classes.forms for m in _messages(f)
        ]
    if not fees.is_valid():
        errors["fees"] = [str(e) for e in fees.non_form_errors()] + [
            m for f in fees.forms for m in _messages(f)
        ]
    if not staff.is_valid():
        errors["staff"] = _messages(staff)
    if errors:
        return None, errors
    fields = dict(institution.cleaned_data)
    fields["unit"] = Unit.objects.get(code=fields["unit"])
    class_specs = [ClassSpec(**row.cleaned_data) for row in classes.forms]
    fee_specs = [FeeSpec(**row.cleaned_data) for row in fees.forms]
    try:
        institution_validate(fields=fields, classes=class_specs, fees=fee_specs, instance=instance)
    except ValidationError as exc:
        # The register's messages name the problem themselves ("a toddler class may have at most 15 …").
        errors["register"] = [m for messages in exc.message_dict.values() for m in messages]
        return None, errors
    return ParsedFiling(fields=fields, classes=class_specs, fees=fee_specs, staff=staff.cleaned_data), {}


def data_from_institution(institution: Institution) -> dict[str, Any]:
    """Raw form data describing a filed institution: the starting point of a change (变更)."""

    def raw(value):
        if isinstance(value, bool):
            return "on" if value else ""
        if value is None:
            return ""
        if hasattr(value, "strftime") and not isinstance(value, str):
            return value.strftime("%H:%M")
        return str(value)

    fields = {name: raw(getattr(institution, name)) for name in INSTITUTION_FIELDS if name != "unit"}
    fields["unit"] = institution.unit.code
    return {
        "institution": fields,
        "classes": [
            {
                "name": c.name,
                "age_group": c.age_group,
                "capacity": str(c.capacity),
                "enrolled": str(c.enrolled),
            }
            for c in institution.classes.all()
        ],
        "fees": [
            {
                "service_type": f.service_type,
                "age_group": f.age_group,
                "amount": str(f.amount),
                "period": f.period,
                "price_type": f.price_type,
            }
            for f in institution.fees.all()
        ],
        "staff": {},
    }


def _display(field: forms.Field, value: Any) -> str:
    if isinstance(field, forms.BooleanField):
        return gettext("yes") if value == "on" or value is True else gettext("no")
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value or ""))
    return str(value or "")


def describe(data: dict[str, Any]) -> dict[str, Any]:
    """The stored raw data as labelled, readable rows for the reviewer and the version history."""
    inst_form, staff_form = InstitutionSection(), StaffSection()
    class_form, fee_form = ClassRow(), FeeRow()
    institution = data.get("institution") or {}
    staff = data.get("staff") or {}
    return {
        "institution": [
            (inst_form.fields[k].label, _display(inst_form.fields[k], institution.get(k)))
            for k in INSTITUTION_FIELDS
        ],
        "classes": [
            [
                _display(class_form.fields[k], row.get(k))
                for k in ("name", "age_group", "capacity", "enrolled")
            ]
            for row in data.get("classes") or []
        ],
        "fees": [
            [
                _display(fee_form.fields[k], row.get(k))
                for k in ("service_type", "age_group", "amount", "period", "price_type")
            ]
            for row in data.get("fees") or []
        ],
        "staff": [
            (staff_form.fields[k].label, staff.get(k, ""))
            for k in ("total", "caregivers", "certified_caregivers", "health_staff")
        ],
    }
