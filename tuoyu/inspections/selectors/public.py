"""一公开: what the public reads of supervision, and the facts the register shows on an institution's page.

The public sees, of a published inspection: the date, the plan's title and departments, the institution's
name, filing number and street or town, the result, the findings counted by severity, how many are put
right, open or overdue (read live), and an active suspension with its public reason. Never the on-site
record: answers, notes, photos, signatures, the institution's signatory, inspectors' names.

Every list here is one query for the rows (counts and the suspension are annotations) and one prefetch
for the departments, whatever the number of rows.
"""

from collections import defaultdict
from datetime import date

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from tuoyu.core.facts import institution_fact
from tuoyu.regions.models import Department

from ..models import Finding, FindingStatus, Inspection, InspectionPlan, Severity, Suspension
from ..workflow import FINDING_OPEN
from . import published_results
from .suspensions import active_suspension_of

# The institution's page lists this many results; a link leads to all of them in the public list.
RESULTS_ON_INSTITUTION_PAGE = 5


def _overdue_q(today: date) -> Q:
    """Overdue, read live: escalated already, or waiting for evidence past its deadline (the daily
    escalation may not have run yet)."""
    return Q(findings__status=FindingStatus.OVERDUE) | Q(
        findings__status=FindingStatus.OPEN, findings__deadline__lt=today
    )


def with_public_facts(qs: QuerySet[Inspection], *, today: date | None = None) -> QuerySet[Inspection]:
    """Rows ready for a public page or the API: related names joined, counts and the active suspension
    annotated, the plan's departments prefetched (one extra query)."""
    today = today or timezone.localdate()
    overdue = _overdue_q(today)
    active = Suspension.objects.filter(finding__inspection=OuterRef("pk"), lifted_at__isnull=True).order_by(
        "-starts_on", "-id"
    )
    return (
        qs.select_related("plan", "institution", "institution__unit")
        .prefetch_related(
            Prefetch(
                "plan__departments",
                queryset=Department.objects.order_by("code"),
                to_attr="public_departments",
            )
        )
        .annotate(
            findings_minor=Count("findings", filter=Q(findings__severity=Severity.MINOR)),
            findings_major=Count("findings", filter=Q(findings__severity=Severity.MAJOR)),
            findings_serious=Count("findings", filter=Q(findings__severity=Severity.SERIOUS)),
            findings_total=Count("findings"),
            findings_rectified=Count("findings", filter=Q(findings__status=FindingStatus.RECTIFIED)),
            findings_overdue=Count("findings", filter=overdue),
            findings_open=Count("findings", filter=Q(findings__status__in=FINDING_OPEN) & ~overdue),
            suspension_reason=Subquery(active.values("reason")[:1]),
            suspension_since=Subquery(active.values("starts_on")[:1]),
        )
    )


def department_names(inspection: Inspection) -> list[str]:
    """The plan's departments by short name (rows from with_public_facts)."""
    departments = getattr(inspection.plan, "public_departments", None)
    if departments is None:
        departments = list(inspection.plan.departments.order_by("code"))
    return [str(d) for d in departments]


def public_results(
    *,
    unit=None,
    department: int | None = None,
    result: str | None = None,
    year: int | None = None,
    institution: int | None = None,
) -> QuerySet[Inspection]:
    """Published results (5 years), newest first, filtered as the public list and the API offer."""
    qs = published_results()
    if unit is not None:
        qs = qs.filter(institution__unit__path__startswith=unit.path)
    if department is not None:
        # A subquery, not a join: a joint plan would otherwise list its inspection once per department.
        qs = qs.filter(plan__in=InspectionPlan.objects.filter(departments=department).values("pk"))
    if result:
        qs = qs.filter(result=result)
    if year is not None:
        qs = qs.filter(inspected_on__year=year)
    if institution is not None:
        qs = qs.filter(institution_id=institution)
    return qs


def published_result(pk: int) -> Inspection | None:
    """One published result (within the 5 years) with its public facts, or None."""
    return with_public_facts(published_results().filter(pk=pk)).first()


def publication_years() -> list[int]:
    """The years of inspection the public list can filter by, newest first."""
    return sorted(
        {d.year for d in published_results().exclude(inspected_on=None).dates("inspected_on", "year")},
        reverse=True,
    )


def public_row(inspection: Inspection) -> dict:
    """What the institution's page shows of one result (from with_public_facts), under the same names as
    the annotated rows, so one template shows either."""
    return {
        "pk": inspection.pk,
        "inspected_on": inspection.inspected_on,
        "published_at": inspection.published_at,
        "plan": {"title": inspection.plan.title},
        "department_list": department_names(inspection),
        "result": inspection.result,
        "result_label": inspection.get_result_display(),
        **{name: getattr(inspection, name) for name in COUNTED},
    }


COUNTED = (
    "findings_minor",
    "findings_major",
    "findings_serious",
    "findings_total",
    "findings_rectified",
    "findings_open",
    "findings_overdue",
)


@institution_fact("inspections")
def results_of(institution_ids: list[int]) -> dict[int, dict]:
    """Each institution's published results of the last 5 years: the latest few and how many in all.

    One query for the rows of every id and one for the departments. The register shows them on the
    institution's page (filed, suspended or deregistered alike)."""
    rows = with_public_facts(published_results().filter(institution_id__in=institution_ids))
    by_id: dict[int, dict] = defaultdict(lambda: {"latest": [], "count": 0})
    for inspection in rows:
        entry = by_id[inspection.institution_id]
        entry["count"] += 1
        if len(entry["latest"]) < RESULTS_ON_INSTITUTION_PAGE:
            entry["latest"].append(public_row(inspection))
    return dict(by_id)


@institution_fact("suspension")
def suspension_of(institution_ids: list[int]) -> dict[int, dict]:
    """{id: {"reason", "since"}} for institutions under an active suspension (not lifted), one query
    through the suspensions' own selector."""
    return {
        pk: {"reason": suspension.reason, "since": suspension.starts_on}
        for pk, suspension in active_suspension_of(institution_ids).items()
    }


def findings_open_at(day: date) -> QuerySet[Finding]:
    """Findings still to be put right at the end of `day` (a stock, for counts.py): recorded by then and
    not rectified by then."""
    return Finding.objects.filter(created_at__date__lte=day).filter(
        Q(rectified_at__isnull=True) | Q(rectified_at__date__gt=day)
    )
