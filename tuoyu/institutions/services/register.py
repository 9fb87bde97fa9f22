"""Every write to the register: an institution with its classes and fees, their totals, and its status.
Each function is one transaction; bad input raises ValidationError and leaves nothing behind."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.core.audit import update_audited
from tuoyu.core.statemachine import lock, transition
from tuoyu.core.validators import normalize_uscc

from ..models import ClassGroup, Fee, FeePeriod, Institution, InstitutionStatus
from ..workflow import WORKFLOW


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


def institution_refresh_totals(*, institution: Institution, by=None) -> None:
    """Recompute slots, enrolled and the lowest monthly fee from the classes and fees.

    Written with update_audited: the totals are counts the public sees, so each change is in the audit
    log with who caused it (`by`, else the request's user)."""
    totals = ClassGroup.objects.filter(institution=institution).aggregate(
        capacity=Sum("capacity"), enrolled=Sum("enrolled")
    )
    fee_from = Fee.objects.filter(institution=institution, period=FeePeriod.MONTH).aggregate(m=Min("amount"))[
        "m"
    ]
    update_audited(
        Institution,
        pk=institution.pk,
        actor=by,
        capacity_total=totals["capacity"] or 0,
        enrolled_total=totals["enrolled"] or 0,
        fee_from=fee_from,
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


def institution_validate(
    *,
    fields: dict[str, Any],
    classes: list[ClassSpec],
    fees: list[FeeSpec],
    instance: Institution | None = None,
) -> tuple[Institution, list[ClassGroup], list[Fee]]:
    """Build unsaved rows and validate them all, reporting every problem at once. Nothing is written.

    Filing review (and anything else that proposes register data) calls this before a person commits.
    """
    fields = dict(fields)
    if fields.get("uscc"):
        try:
            fields["uscc"] = normalize_uscc(fields["uscc"])
        except ValidationError as exc:
            raise ValidationError({"uscc": exc.messages}) from exc
    if instance is None:
        institution = Institution(**fields, status=InstitutionStatus.DRAFT)
    else:
        institution = Institution.objects.get(pk=instance.pk)
        for name, value in fields.items():
            setattr(institution, name, value)
    class_rows = [ClassGroup(institution=institution, **vars(spec)) for spec in classes]
    fee_rows = [Fee(institution=institution, **vars(spec)) for spec in fees]
    errors: dict[str, list] = {}
    for rows, exclude in (([institution], None), (class_rows, ["institution"]), (fee_rows, ["institution"])):
        try:
            _clean_all(rows, exclude=exclude)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    names = [row.name for row in class_rows]
    if len(names) != len(set(names)):
        errors.setdefault("classes", []).append(_("Each class needs its own name."))
    if errors:
        raise ValidationError(errors)
    return institution, class_rows, fee_rows


@transaction.atomic
def institution_create(
    *, fields: dict[str, Any], classes: list[ClassSpec], fees: list[FeeSpec], by=None, is_demo: bool = False
) -> Institution:
    """A new institution in draft, with its classes and fees, all validated before anything is written."""
    institution, class_rows, fee_rows = institution_validate(fields=fields, classes=classes, fees=fees)
    institution.is_demo = is_demo
    institution.save()
    for row in class_rows + fee_rows:
        row.institution = institution
    ClassGroup.objects.bulk_create(class_rows)
    Fee.objects.bulk_create(fee_rows)
    institution_refresh_totals(institution=institution, by=by)
    return institution


@transaction.atomic
def institution_apply_change(
    *,
    institution: Institution,
    fields: dict[str, Any],
    classes: list[ClassSpec],
    fees: list[FeeSpec],
    by=None,
) -> Institution:
    """Apply approved register data (a filed change, 变更). Classes match by name; children already
    enrolled stay enrolled, so a class that still has children cannot be removed or shrunk below them."""
    locked = Institution.objects.select_for_update().get(pk=institution.pk)
    current = {row.name: row for row in ClassGroup.objects.select_for_update().filter(institution=locked)}
    kept = [
        ClassSpec(
            name=spec.name,
            age_group=spec.age_group,
            capacity=spec.capacity,
            enrolled=current[spec.name].enrolled,
        )
        if spec.name in current
        else spec
        for spec in classes
    ]
    removed = [row for name, row in current.items() if name not in {spec.name for spec in classes}]
    busy = [row.name for row in removed if row.enrolled]
    if busy:
        raise ValidationError(
            {
                "classes": [
                    _("Class %(name)s still has enrolled children and cannot be removed.") % {"name": n}
                    for n in busy
                ]
            }
        )
    validated, class_rows, fee_rows = institution_validate(
        fields=fields, classes=kept, fees=fees, instance=locked
    )
    validated.save()
    ClassGroup.objects.filter(pk__in=[row.pk for row in removed]).delete()
    for row in class_rows:
        existing = current.get(row.name)
        if existing is not None:
            existing.age_group, existing.capacity = row.age_group, row.capacity
            existing.save(update_fields=["age_group", "capacity"])
        else:
            row.institution = validated
            row.save()
    Fee.objects.filter(institution=validated).delete()
    for row in fee_rows:
        row.institution = validated
    Fee.objects.bulk_create(fee_rows)
    institution_refresh_totals(institution=validated, by=by)
    return validated


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
    # The guard (the table, the filing number) is checked under the same lock the change is made under.
    locked = lock(WORKFLOW, institution)
    if not WORKFLOW.can(locked.status, to_status):
        raise ValidationError(
            _("An institution that is %(from)s cannot become %(to)s.")
            % {"from": InstitutionStatus(locked.status).label, "to": InstitutionStatus(to_status).label},
            code="transition",
        )
    today = on or timezone.localdate()
    changes: dict[str, Any] = {}
    if to_status == InstitutionStatus.FILED and locked.status == InstitutionStatus.DRAFT:
        if not filing_number:
            raise ValidationError(
                _("A filing number is required to file an institution."), code="filing_number"
            )
        changes.update(filing_number=filing_number, filed_on=today)
    if to_status == InstitutionStatus.DEREGISTERED:
        changes["deregistered_on"] = today
    return transition(WORKFLOW, locked, to_status, by=by, note=note, changes=changes, locked=True)


@transaction.atomic
def institution_grade_set(*, institution: Institution, grade: str, by=None) -> Institution:
    """Set the quality grade the register shows (written by grading when a result is published or a review
    decided), audited with who caused it, as every register write is."""
    update_audited(Institution, pk=institution.pk, actor=by, grade=grade[:20])
    institution.grade = grade[:20]
    return institution
