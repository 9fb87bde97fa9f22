"""Every write to the register. Each function is one transaction; bad input raises ValidationError
and leaves nothing behind."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.core.validators import normalize_uscc

from .models import ClassGroup, Fee, FeePeriod, Institution, InstitutionEvent, InstitutionStatus
from .workflow import can_transition


@dataclass(frozen=True)
class ClassSpec:
    name: str
    age_group: str
    capacity: int
    enrolled: int = 0


@dataclass(frozen=True)
class FeeSpec:
    service_type: str
    amount: Decimal
    price_type: str
    age_group: str = ""
    period: str = FeePeriod.MONTH


def institution_refresh_totals(*, institution: Institution) -> None:
    """Recompute slots, enrolled and the lowest monthly fee from the classes and fees."""
    totals = ClassGroup.objects.filter(institution=institution).aggregate(
        capacity=Sum("capacity"), enrolled=Sum("enrolled")
    )
    fee_from = Fee.objects.filter(institution=institution, period=FeePeriod.MONTH).aggregate(m=Min("amount"))[
        "m"
    ]
    Institution.objects.filter(pk=institution.pk).update(
        capacity_total=totals["capacity"] or 0, enrolled_total=totals["enrolled"] or 0, fee_from=fee_from
    )
    institution.capacity_total = totals["capacity"] or 0
    institution.enrolled_total = totals["enrolled"] or 0
    institution.fee_from = fee_from


def _clean_all(objects: list[Any], exclude: list[str] | None = None) -> None:
    """Validate every object and report all problems at once, so the user fixes them in one pass."""
    errors: dict[str, list] = {}
    for index, obj in enumerate(objects):
        try:
            obj.full_clean(exclude=exclude)
        except ValidationError as exc:
            prefix = "" if index == 0 else f"{obj._meta.model_name}[{index}]."
            for field, messages in exc.message_dict.items():
                errors.setdefault(prefix + field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def institution_create(
    *, fields: dict[str, Any], classes: list[ClassSpec], fees: list[FeeSpec], by=None, is_demo: bool = False
) -> Institution:
    """A new institution in draft, with its classes and fees, all validated before anything is written."""
    fields = dict(fields)
    if "uscc" in fields:
        try:
            fields["uscc"] = normalize_uscc(fields["uscc"])
        except ValidationError as exc:
            raise ValidationError({"uscc": exc.messages}) from exc
    institution = Institution(**fields, status=InstitutionStatus.DRAFT, is_demo=is_demo)
    class_rows = [ClassGroup(institution=institution, **vars(spec)) for spec in classes]
    fee_rows = [Fee(institution=institution, **vars(spec)) for spec in fees]
    _clean_all([institution])
    _clean_all(class_rows, exclude=["institution"])
    _clean_all(fee_rows, exclude=["institution"])
    institution.save()
    for row in class_rows + fee_rows:
        row.institution = institution
    ClassGroup.objects.bulk_create(class_rows)
    Fee.objects.bulk_create(fee_rows)
    institution_refresh_totals(institution=institution)
    return institution


@transaction.atomic
def institution_transition(
    *,
    institution: Institution,
    to_status: str,
    by=None,
    note: str = "",
    filing_number: str = "",
    on: date | None = None,
) -> Institution:
    """Change the public status through the workflow table, with an event row for the timeline."""
    locked = Institution.objects.select_for_update().get(pk=institution.pk)
    if not can_transition(locked.status, to_status):
        raise ValidationError(
            _("An institution that is %(from)s cannot become %(to)s.")
            % {"from": InstitutionStatus(locked.status).label, "to": InstitutionStatus(to_status).label},
            code="transition",
        )
    today = on or timezone.localdate()
    from_status = locked.status
    if to_status == InstitutionStatus.FILED and from_status == InstitutionStatus.DRAFT:
        if not filing_number:
            raise ValidationError(
                _("A filing number is required to file an institution."), code="filing_number"
            )
        locked.filing_number = filing_number
        locked.filed_on = today
    if to_status == InstitutionStatus.DEREGISTERED:
        locked.deregistered_on = today
    locked.status = to_status
    locked.save(update_fields=["status", "filing_number", "filed_on", "deregistered_on", "updated_at"])
    InstitutionEvent.objects.create(
        institution=locked, from_status=from_status, to_status=to_status, by=by, note=note
    )
    return locked
