"""Who sees which inspections, findings and plans: the one place the object rules are written.

- The on-site record (answers, notes, photos, signatures) is the drawn inspectors' work: they see it, and
  the health commission, which runs the programme, reads it. Another inspector does not, even of their
  own department (`may_open_record`, `drawn_for`).
- Oversight lists (`inspections_overseen_by`, `findings_overseen_by`, `plans_visible_to`): the commission
  sees everything; a department officer the plans their department takes part in and what came of them;
  a street or town officer the inspections and findings at institutions in their unit; an inspector also
  what they were drawn for.
- An institution's people see their own institution's inspections once submitted, and its findings
  (`findings_of_member`), never another's.
- The public sees published results only (`published_results`), for 5 years, after deregistration too.
"""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from tuoyu.accounts import capabilities
from tuoyu.institutions.selectors import institutions_of

from ..models import Finding, Inspection, InspectionPlan, InspectionStatus, Inspector

PUBLIC_YEARS = 5  # 一公开: results stay public this long, after deregistration too


def inspector_of(user) -> Inspector | None:
    """The signed-in person's row on the inspector roster, if they are on it."""
    if not capabilities.can_view_inspections(user):
        return None
    return Inspector.objects.filter(user=user, active=True).first()


def drawn_for(user) -> QuerySet[Inspection]:
    """The inspections this person was drawn to carry out (cancelled ones included, for the record)."""
    if not capabilities.can_view_inspections(user):
        return Inspection.objects.none()
    return Inspection.objects.filter(inspectors__user=user)


def may_open_record(user, inspection: Inspection) -> bool:
    """The on-site record: its drawn inspectors, and the commission."""
    if capabilities.is_health_commission(user):
        return True
    return drawn_for(user).filter(pk=inspection.pk).exists()


def _unit_q(user, prefix: str = "institution__") -> Q:
    unit = getattr(user, "unit", None)
    if unit is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}unit__path__startswith": unit.path})


def inspections_overseen_by(user) -> QuerySet[Inspection]:
    """The inspections a government person follows (summary, status, result, findings)."""
    qs = Inspection.objects.all()
    if capabilities.is_health_commission(user):
        return qs
    if not capabilities.can_view_inspections(user):
        return qs.none()
    q = Q(inspectors__user=user)
    if capabilities.is_department_officer(user) and user.department_id:
        q |= Q(plan__departments=user.department_id)
    if capabilities.is_street_officer(user):
        q |= _unit_q(user)
    return qs.filter(q).distinct()


def findings_overseen_by(user) -> QuerySet[Finding]:
    return Finding.objects.filter(inspection__in=inspections_overseen_by(user).values("pk"))


def plans_visible_to(user) -> QuerySet[InspectionPlan]:
    qs = InspectionPlan.objects.all()
    if capabilities.is_health_commission(user):
        return qs
    if capabilities.is_department_officer(user) and user.department_id:
        return qs.filter(departments=user.department_id).distinct()
    if capabilities.is_street_officer(user):
        return qs.filter(inspections__in=inspections_overseen_by(user).values("pk")).distinct()
    return qs.none()


def may_manage_plan(user, plan: InspectionPlan) -> bool:
    """Edit, draw and redraw: the commission, or an officer of the plan's lead department."""
    if not capabilities.can_plan_inspections(user):
        return False
    if capabilities.is_health_commission(user):
        return True
    return bool(user.department_id) and user.department_id == plan.lead_department_id


def inspections_of_member(user) -> QuerySet[Inspection]:
    """An institution's people: their own institutions' inspections, once the record is submitted."""
    return Inspection.objects.filter(
        institution__in=institutions_of(user), submitted_at__isnull=False
    ).exclude(status=InspectionStatus.CANCELLED)


def findings_of_member(user) -> QuerySet[Finding]:
    return Finding.objects.filter(inspection__in=inspections_of_member(user).values("pk"))


def published_results() -> QuerySet[Inspection]:
    """一公开: what the public sees, newest first, for PUBLIC_YEARS after publication."""
    since = timezone.now() - timedelta(days=365 * PUBLIC_YEARS + PUBLIC_YEARS // 4 + 1)
    return Inspection.objects.filter(published_at__gte=since).order_by("-published_at", "-id")


# core.facts imports `selectors` modules only: this registers the register's facts (results, suspension).
from . import public  # noqa: E402, F401
