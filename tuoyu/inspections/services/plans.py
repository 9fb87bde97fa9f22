"""Inspection plans (检查计划): created and edited while a draft, cancelled, closed once every inspection is
done; and the inspectors' declared links (回避), which the draw reads.

Who may: the health commission for any plan, an officer of the plan's lead department for theirs
(selectors.may_manage_plan). Every check runs before the first row is written, so bad input leaves
nothing half-saved; a refused change names what to put right.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.core.statemachine import lock, refuse, transition
from tuoyu.core.validators import required_text
from tuoyu.institutions.models import Institution, InstitutionStatus
from tuoyu.workforce.selectors.experts import experts_available

from ..draw import MIN_PER_INSPECTION
from ..models import (
    Domain,
    InspectionPlan,
    InspectionStatus,
    Inspector,
    InspectorLink,
    PlanStatus,
)
from ..selectors import may_manage_plan
from ..workflow import INSPECTION_WORKFLOW, PLAN_WORKFLOW

# The register's institutions a plan may inspect: filed ones, and suspended ones (still under supervision).
INSPECTABLE = (InstitutionStatus.FILED, InstitutionStatus.SUSPENDED)

_FIELDS = (
    "title",
    "lead_department",
    "departments",
    "unit",
    "period_start",
    "period_end",
    "domains",
    "checklist",
    "sample_percent",
    "sample_size",
    "inspectors_per_inspection",
    "institutions",
    "inspectors",
    "experts_per_inspection",
    "experts",
)


def guard_planner(by, *, lead_department=None, plan: InspectionPlan | None = None) -> None:
    """The commission plans for any department; a department officer for their own department only."""
    if plan is not None:
        if not may_manage_plan(by, plan):
            raise PermissionDenied
        return
    if not capabilities.can_plan_inspections(by):
        raise PermissionDenied
    if capabilities.is_health_commission(by):
        return
    if lead_department is None or by.department_id != getattr(lead_department, "pk", lead_department):
        raise PermissionDenied


def default_institutions(unit) -> list[Institution]:
    """Every filed institution in the unit and the units below it, or in the district when unit is None."""
    qs = Institution.objects.filter(status=InstitutionStatus.FILED)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return list(qs.order_by("pk"))


def _validate(values: dict) -> dict:
    """Check a plan's values as a whole; returns them cleaned (lists, stripped text) or raises a
    ValidationError naming each field to put right."""
    errors: dict[str, list[str]] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors.setdefault("title", []).append(_("Give the plan a title."))
    values["title"] = title

    departments = list(values.get("departments") or [])
    lead = values.get("lead_department")
    if lead is None:
        errors.setdefault("lead_department", []).append(_("Choose the lead department."))
    elif lead.pk not in {d.pk for d in departments}:
        errors.setdefault("departments", []).append(
            _("The lead department must be one of the departments taking part.")
        )
    values["departments"] = departments

    start, end = values.get("period_start"), values.get("period_end")
    if not isinstance(start, date):
        errors.setdefault("period_start", []).append(_("Give the first day of the period."))
    if not isinstance(end, date):
        errors.setdefault("period_end", []).append(_("Give the last day of the period."))
    if isinstance(start, date) and isinstance(end, date) and end < start:
        errors.setdefault("period_end", []).append(_("The period must end on or after its first day."))
    if isinstance(end, date) and end < timezone.localdate():
        errors.setdefault("period_end", []).append(_("The period cannot end in the past."))

    domains = sorted({str(d) for d in values.get("domains") or []})
    if not domains:
        errors.setdefault("domains", []).append(_("Choose at least one domain to inspect."))
    elif set(domains) - set(Domain.values):
        errors.setdefault("domains", []).append(_("Choose domains from the list."))
    values["domains"] = domains

    checklist = list(values.get("checklist") or [])
    if not checklist:
        errors.setdefault("checklist", []).append(_("The checklist cannot be empty: choose its items."))
    values["checklist"] = checklist

    percent, size = values.get("sample_percent"), values.get("sample_size")
    if (percent is None) == (size is None):
        errors.setdefault("sample_percent", []).append(
            _("Give either a sample percentage or a number of institutions, not both.")
        )
    elif percent is not None and not 1 <= int(percent) <= 100:
        errors.setdefault("sample_percent", []).append(_("The sample percentage is between 1 and 100."))
    elif size is not None and int(size) < 1:
        errors.setdefault("sample_size", []).append(_("Draw at least one institution."))

    per = values.get("inspectors_per_inspection")
    if per is None or int(per) < MIN_PER_INSPECTION:
        errors.setdefault("inspectors_per_inspection", []).append(
            _("Each inspection needs at least %(count)d inspectors.") % {"count": MIN_PER_INSPECTION}
        )

    institutions = values.get("institutions")
    if institutions is None:
        institutions = default_institutions(values.get("unit"))
    institutions = list(institutions)
    if not institutions:
        errors.setdefault("institutions", []).append(_("There is no filed institution to draw from."))
    elif any(i.status not in INSPECTABLE for i in institutions):
        errors.setdefault("institutions", []).append(
            _("Only filed (or suspended) institutions can be inspected.")
        )
    elif size is not None and int(size) > len(institutions):
        errors.setdefault("sample_size", []).append(
            _("The sample is larger than the %(count)d institutions to draw from.")
            % {"count": len(institutions)}
        )
    values["institutions"] = institutions

    inspectors = [i for i in values.get("inspectors") or [] if i.active]
    if per is not None and int(per) >= MIN_PER_INSPECTION and len(inspectors) < int(per):
        errors.setdefault("inspectors", []).append(
            _("The inspector pool needs at least %(count)d inspectors on the roster.") % {"count": int(per)}
        )
    values["inspectors"] = inspectors

    # Experts of the pool drawn with the inspectors (0: none). The plan's expert pool defaults to every
    # expert available for inspections; the draw reads those still available then.
    experts_per = values.get("experts_per_inspection") or 0
    if int(experts_per) < 0:
        errors.setdefault("experts_per_inspection", []).append(_("The number of experts cannot be negative."))
        experts_per = 0
    values["experts_per_inspection"] = int(experts_per)
    available = {e.pk: e for e in experts_available("inspection")}
    experts = [e for e in values.get("experts") or [] if e.pk in available]
    if experts_per and not experts:
        experts = list(available.values())
    if experts_per and len(experts) < int(experts_per):
        errors.setdefault("experts", []).append(
            _("The expert pool needs at least %(count)d experts available for inspections.")
            % {"count": int(experts_per)}
        )
    values["experts"] = experts
    if errors:
        raise ValidationError(errors)
    return values


def _save(plan: InspectionPlan, values: dict) -> InspectionPlan:
    for name in ("title", "lead_department", "unit", "period_start", "period_end", "domains"):
        setattr(plan, name, values[name])
    plan.sample_percent = values.get("sample_percent")
    plan.sample_size = values.get("sample_size")
    plan.inspectors_per_inspection = int(values["inspectors_per_inspection"])
    plan.experts_per_inspection = values["experts_per_inspection"]
    plan.save()
    plan.departments.set(values["departments"])
    plan.checklist.set(values["checklist"])
    plan.institutions.set(values["institutions"])
    plan.inspectors.set(values["inspectors"])
    plan.experts.set(values["experts"])
    return plan


@transaction.atomic
def plan_create(
    *,
    by,
    title: str,
    lead_department,
    departments,
    period_start: date,
    period_end: date,
    domains,
    checklist,
    inspectors,
    unit=None,
    sample_percent: int | None = None,
    sample_size: int | None = None,
    inspectors_per_inspection: int = MIN_PER_INSPECTION,
    institutions=None,
    experts_per_inspection: int = 0,
    experts=None,
) -> InspectionPlan:
    """A draft plan. `institutions` defaults to every filed institution in `unit` (or the district).
    `experts_per_inspection` experts of the pool are drawn for each inspection too (0: none); `experts`
    defaults to every expert available for inspections (workforce.selectors.experts_available)."""
    guard_planner(by, lead_department=lead_department)
    values = _validate(
        {
            "title": title,
            "lead_department": lead_department,
            "departments": departments,
            "unit": unit,
            "period_start": period_start,
            "period_end": period_end,
            "domains": domains,
            "checklist": checklist,
            "sample_percent": sample_percent,
            "sample_size": sample_size,
            "inspectors_per_inspection": inspectors_per_inspection,
            "institutions": institutions,
            "inspectors": inspectors,
            "experts_per_inspection": experts_per_inspection,
            "experts": experts,
        }
    )
    return _save(InspectionPlan(created_by=by), values)


@transaction.atomic
def plan_update(*, plan: InspectionPlan, by, **changes) -> InspectionPlan:
    """Change a draft plan; any of plan_create's fields. After the draw nothing changes (a redraw is the
    way to draw again, with its reason)."""
    guard_planner(by, plan=plan)
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        raise TypeError(f"plan_update() got unexpected fields {sorted(unknown)}")
    locked = lock(PLAN_WORKFLOW, plan)
    if locked.status != PlanStatus.DRAFT:
        raise ValidationError(_("Only a draft plan can be changed."), code="status")
    current = {
        "title": locked.title,
        "lead_department": locked.lead_department,
        "departments": list(locked.departments.all()),
        "unit": locked.unit,
        "period_start": locked.period_start,
        "period_end": locked.period_end,
        "domains": locked.domains,
        "checklist": list(locked.checklist.all()),
        "sample_percent": locked.sample_percent,
        "sample_size": locked.sample_size,
        "inspectors_per_inspection": locked.inspectors_per_inspection,
        "institutions": list(locked.institutions.all()),
        "inspectors": list(locked.inspectors.all()),
        "experts_per_inspection": locked.experts_per_inspection,
        "experts": list(locked.experts.all()),
    }
    if "sample_percent" in changes and "sample_size" not in changes and changes["sample_percent"] is not None:
        current["sample_size"] = None  # choosing the other way replaces the first
    if "sample_size" in changes and "sample_percent" not in changes and changes["sample_size"] is not None:
        current["sample_percent"] = None
    if "unit" in changes and "institutions" not in changes:
        current["institutions"] = None  # a new area: its filed institutions
    current.update(changes)
    if current["lead_department"].pk != locked.lead_department_id:
        guard_planner(by, lead_department=current["lead_department"])
    return _save(locked, _validate(current))


@transaction.atomic
def plan_cancel(*, plan: InspectionPlan, by, reason: str) -> InspectionPlan:
    """Cancel a plan, draft or drawn; the inspections not yet done are cancelled with it. Refused while an
    inspection has findings open (they are followed to the end)."""
    guard_planner(by, plan=plan)
    reason = (reason or "").strip()
    locked = lock(PLAN_WORKFLOW, plan)
    if not PLAN_WORKFLOW.can(locked.status, PlanStatus.CANCELLED):
        raise refuse(locked.status, PlanStatus.CANCELLED, model=InspectionPlan)
    if not reason:
        raise ValidationError({"reason": [_("Say why the plan is cancelled.")]})
    inspections = list(locked.inspections.select_for_update().order_by("pk"))
    if any(i.status == InspectionStatus.SUBMITTED for i in inspections):
        raise ValidationError(
            _("Some inspections have findings still open; the plan can be closed once they are put right."),
            code="open",
        )
    for inspection in inspections:
        if inspection.status == InspectionStatus.ASSIGNED:
            transition(
                INSPECTION_WORKFLOW, inspection, InspectionStatus.CANCELLED, by=by, note=reason, locked=True
            )
    return transition(PLAN_WORKFLOW, locked, PlanStatus.CANCELLED, by=by, note=reason, locked=True)


@transaction.atomic
def plan_close(*, plan: InspectionPlan, by) -> InspectionPlan:
    """Close a drawn plan once every inspection is closed or cancelled."""
    guard_planner(by, plan=plan)
    locked = lock(PLAN_WORKFLOW, plan)
    if not PLAN_WORKFLOW.can(locked.status, PlanStatus.CLOSED):
        raise refuse(locked.status, PlanStatus.CLOSED, model=InspectionPlan)
    waiting = locked.inspections.exclude(
        status__in=[InspectionStatus.CLOSED, InspectionStatus.CANCELLED]
    ).count()
    if waiting:
        raise ValidationError(
            _("%(count)d inspections are not finished yet; the plan closes when every one is.")
            % {"count": waiting},
            code="open",
        )
    return transition(PLAN_WORKFLOW, locked, PlanStatus.CLOSED, by=by)


@transaction.atomic
def declare_link(*, inspector: Inspector, institution: Institution, reason: str, by) -> InspectorLink:
    """Record a tie between an inspector and an institution (回避): the draw never sends them there.
    Declared by the inspector, an officer of their department, or the commission."""
    own = getattr(by, "pk", None) is not None and inspector.user_id == by.pk
    if not (
        own
        or capabilities.is_health_commission(by)
        or (
            capabilities.can_plan_inspections(by)
            and by.department_id
            and by.department_id == inspector.department_id
        )
    ):
        raise PermissionDenied
    reason = required_text(
        reason,
        field="reason",
        message=_("Say what the link is (a relative works there, a former employer …)."),
    )
    if InspectorLink.objects.filter(inspector=inspector, institution=institution).exists():
        raise ValidationError(_("This link is already declared."), code="duplicate")
    return InspectorLink.objects.create(
        inspector=inspector, institution=institution, reason=reason, declared_by=by
    )
