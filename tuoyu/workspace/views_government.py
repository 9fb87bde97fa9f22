"""An official's workspace (issue 11): what waits for them, counts for their area, and a map.

One page for every government role, built from what the role may do: filings to decide (the filing
reviewers), open coordination cases (the commission and the departments in them), the complaints the
complaint queue shows this user (a street or town officer only their unit's), the figures of
`core.counts` for each street and town of their area, and a map of the institutions and open cases.
Every item links to its own page. The page costs the same number of queries however many items wait:
lists are cut at LIST_ROWS with a link to the full queue, and all the deadlines of a page are read from
the working-day calendar at once.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.capabilities import (
    GOVERNMENT,
    can_manage_subsidies,
    can_review_filings,
    can_view_complaints,
    can_view_inspections,
    is_department_officer,
    is_health_commission,
    is_street_officer,
)
from tuoyu.core import counts
from tuoyu.core.access import role_required
from tuoyu.core.counts import Period
from tuoyu.core.excel import xlsx_response
from tuoyu.core.geo import to_map_crs
from tuoyu.core.workdays import SHANGHAI, deadline_statuses
from tuoyu.feedback.selectors import OPEN_STATUSES, QueueFilters, complaint_queue, due_on, waiting_counts
from tuoyu.feedback.workflow import awaits_acknowledgement
from tuoyu.filings.selectors import cases_for_user, review_queue
from tuoyu.filings.workflow import CaseStatus
from tuoyu.inspections.models import Finding, InspectionStatus
from tuoyu.inspections.selectors import drawn_for, findings_overseen_by, inspector_of
from tuoyu.inspections.workflow import FINDING_AWAITS_EVIDENCE, FINDING_AWAITS_INSPECTOR, FINDING_OPEN
from tuoyu.institutions.forms import institution_markers, map_settings
from tuoyu.institutions.models import Institution
from tuoyu.institutions.workflow import PUBLIC
from tuoyu.regions.models import Unit
from tuoyu.regions.selectors import area_unit, grassroots_units
from tuoyu.subsidies.models import EntitlementStatus
from tuoyu.subsidies.selectors import entitlements_for, is_finance_officer
from tuoyu.subsidies.workflow import ENTITLEMENT_TRANSITIONS

# The figures of the counts table, by their core.counts names: the register's institutions and slots,
# the children enrolled, and the complaints of the year.
COUNT_SOURCES = (
    "institutions.filed_institutions",
    "institutions.filed_slots",
    "institutions.public_benefit_slots",
    "bookings.enrolled_children",
    "feedback.complaints_received",
    "feedback.complaints_closed",
)
LIST_ROWS = 20  # items of each list on the page; the full queue is one click away
MAP_INSTITUTIONS = 1000  # far more than a district has; bounds the page if a city is configured
MAP_CASES = 300


def _today() -> date:
    return timezone.localdate(timezone=SHANGHAI)


# --- what waits ------------------------------------------------------------------------------------------


@dataclass
class Waiting:
    rows: list  # the first LIST_ROWS items
    total: int
    overdue: int
    to_acknowledge: int = 0  # complaints only: not yet taken up by a department …
    to_answer: int = 0  # … and taken up, not yet answered


def _filings_to_decide(user, today: date) -> Waiting | None:
    if not can_review_filings(user):
        return None
    qs = review_queue()
    figures = qs.order_by().aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    return Waiting(rows=list(qs[:LIST_ROWS]), total=figures["total"], overdue=figures["overdue"])


def _open_cases(user, today: date) -> Waiting | None:
    if not (is_health_commission(user) or is_department_officer(user)):
        return None
    qs = (
        cases_for_user(user)
        .filter(status=CaseStatus.OPEN)
        .select_related("filing__institution")
        .order_by("deadline", "id")
    )
    figures = qs.order_by().aggregate(
        total=Count("pk", distinct=True), overdue=Count("pk", filter=Q(deadline__lt=today), distinct=True)
    )
    return Waiting(rows=list(qs[:LIST_ROWS]), total=figures["total"], overdue=figures["overdue"])


def _open_complaints(user, today: date) -> tuple[QuerySet | None, Waiting | None]:
    """The open cases of the complaint queue as it is scoped for this user, overdue first."""
    if not can_view_complaints(user):
        return None, None
    qs = complaint_queue(user, QueueFilters(status=OPEN_STATUSES), on=today)
    figures = waiting_counts(qs, on=today)
    rows = list(qs.order_by("-is_overdue", "open_first", "answer_due_on", "-received_at", "-id")[:LIST_ROWS])
    for complaint in rows:
        complaint.due = due_on(complaint)
        complaint.awaits_acknowledgement = awaits_acknowledgement(complaint)
    waiting = Waiting(
        rows=rows,
        total=figures["to_acknowledge"] + figures["to_answer"],
        overdue=figures["overdue"],
        to_acknowledge=figures["to_acknowledge"],
        to_answer=figures["to_answer"],
    )
    return qs, waiting


@dataclass
class Supervision:
    """Inspections (issue 12): what the roster's inspector must do, and the open findings followed."""

    to_inspect: Waiting | None  # on the roster: inspections drawn for me, not yet submitted
    to_decide: Waiting | None  # on the roster: rectification evidence (or a re-inspection) awaiting me
    open_findings: Waiting  # my unit's or my department's findings not yet put right


def _supervision(user, today: date) -> Supervision | None:
    if not can_view_inspections(user):
        return None
    to_inspect = to_decide = None
    if inspector_of(user) is not None:
        assigned = (
            drawn_for(user)
            .filter(status=InspectionStatus.ASSIGNED)
            .select_related("institution", "plan")
            .order_by("plan__period_end", "id")
        )
        figures = assigned.order_by().aggregate(
            total=Count("pk"), overdue=Count("pk", filter=Q(plan__period_end__lt=today))
        )
        to_inspect = Waiting(
            rows=list(assigned[:LIST_ROWS]), total=figures["total"], overdue=figures["overdue"]
        )
        awaiting = (
            Finding.objects.filter(
                inspection__in=drawn_for(user).values("pk"), status__in=list(FINDING_AWAITS_INSPECTOR)
            )
            .select_related("inspection__institution", "item")
            .order_by("deadline", "id")
        )
        to_decide = Waiting(rows=list(awaiting[:LIST_ROWS]), total=awaiting.order_by().count(), overdue=0)
    open_qs = (
        findings_overseen_by(user)
        .filter(status__in=list(FINDING_OPEN))
        .select_related("inspection__institution", "item")
        .order_by("deadline", "id")
    )
    # Late: the deadline passed and no evidence came (what inspection_deadlines escalates).
    late = Q(status__in=list(FINDING_AWAITS_EVIDENCE), deadline__lt=today)
    figures = open_qs.order_by().aggregate(total=Count("pk"), overdue=Count("pk", filter=late))
    open_findings = Waiting(
        rows=list(open_qs[:LIST_ROWS]), total=figures["total"], overdue=figures["overdue"]
    )
    return Supervision(to_inspect=to_inspect, to_decide=to_decide, open_findings=open_findings)


def _supervision_findings(supervision: Supervision | None) -> list:
    """The findings shown on the page (open in my area, awaiting my decision), for their deadlines."""
    if supervision is None:
        return []
    return supervision.open_findings.rows + (supervision.to_decide.rows if supervision.to_decide else [])


# --- subsidies (issue 15) ----------------------------------------------------------------------------------


@dataclass
class SubsidyWork:
    """Entitlements waiting for this person's step: the commission reviews what the institutions confirmed
    or disputed; finance approves what was reviewed and records the payment of what was approved."""

    to_review: Waiting | None
    to_approve: Waiting | None
    to_pay: Waiting | None


def _leading_to(status: str) -> list[str]:
    """The statuses the workflow's table lets move to `status` (so this page never restates the table)."""
    return sorted(s for s, targets in ENTITLEMENT_TRANSITIONS.items() if status in targets)


def _entitlements_waiting(user, status: str) -> Waiting:
    waiting = (
        entitlements_for(user)
        .filter(status__in=_leading_to(status))
        .order_by("period__start", "institution__name", "kind", "pk")
    )
    return Waiting(rows=list(waiting[:LIST_ROWS]), total=waiting.order_by().count(), overdue=0)


def _subsidies(user) -> SubsidyWork | None:
    manages, finance = can_manage_subsidies(user), is_finance_officer(user)
    if not (manages or finance):
        return None
    return SubsidyWork(
        to_review=_entitlements_waiting(user, EntitlementStatus.REVIEWED) if manages else None,
        to_approve=_entitlements_waiting(user, EntitlementStatus.APPROVED) if finance else None,
        to_pay=_entitlements_waiting(user, EntitlementStatus.PAID) if finance else None,
    )


# --- counts for the area ---------------------------------------------------------------------------------


def _area_of(user) -> Unit | None:
    """The unit whose figures the user reads: a street or town officer's own, the district for the rest."""
    if is_street_officer(user):
        return user.unit
    return area_unit()


def count_table(user, today: date) -> dict:
    """One row per 街道/镇/乡 of the user's area (a street or town officer: their own unit), each figure
    read through core.counts for this year so far, and a total for the whole area."""
    area = _area_of(user)
    period = Period(date(today.year, 1, 1), today)
    known = counts.sources()
    names = [name for name in COUNT_SOURCES if name in known]
    if area is not None and area.is_grassroots:
        units, total_unit = [area], None
    else:
        units, total_unit = list(grassroots_units(area)), area
    rows = [
        {"unit": unit, "values": [counts.count(name, unit=unit, period=period) for name in names]}
        for unit in units
    ]
    total = None
    if total_unit is not None:
        total = {
            "unit": total_unit,
            "values": [counts.count(name, unit=total_unit, period=period) for name in names],
        }
    return {
        "labels": [known[name].label for name in names],
        "names": names,
        "rows": rows,
        "total": total,
        "period": period,
    }


# --- the map ---------------------------------------------------------------------------------------------


def _map_markers(user, complaints, crs: str) -> list[dict]:
    """Filed institutions of the user's area, then the open cases the user may see with a point (their
    own, or the institution's they are about). A case carries kind "case" so the map may tell it apart."""
    area = _area_of(user)
    institutions = Institution.objects.filter(status__in=list(PUBLIC)).only(
        "pk", "name", "lat", "lng", "is_puhui", "capacity_total", "enrolled_total"
    )
    if area is not None:
        institutions = institutions.filter(unit__path__startswith=area.path)
    markers = institution_markers(institutions.order_by("pk")[:MAP_INSTITUTIONS], crs)
    if complaints is not None:
        placed = complaints.filter(Q(lat__isnull=False) | Q(institution__isnull=False)).order_by("-id")
        for case in placed[:MAP_CASES]:
            point = (
                (case.lat, case.lng) if case.lat is not None else (case.institution.lat, case.institution.lng)
            )
            lat, lng = to_map_crs(point[0], point[1], crs)
            markers.append(
                {
                    "id": case.pk,
                    "kind": "case",
                    "name": f"{case.tracking_number} · {case.get_category_display()} · {case.subject_name}",
                    "lat": round(lat, 6),
                    "lng": round(lng, 6),
                    "puhui": False,
                    "vacancies": 0,
                    "url": reverse("feedback:handle", args=[case.pk]),
                }
            )
    return markers


# --- the pages -------------------------------------------------------------------------------------------


@role_required(*GOVERNMENT)
def home(request):
    user = request.user
    today = _today()
    filings = _filings_to_decide(user, today)
    cases = _open_cases(user, today)
    complaint_qs, complaints = _open_complaints(user, today)
    supervision = _supervision(user, today)
    subsidies = _subsidies(user)
    dues = [day for f in (filings.rows if filings else []) for day in (f.due_on, f.check_due_on) if day]
    dues += [c.deadline for c in (cases.rows if cases else [])]
    findings = _supervision_findings(supervision)
    dues += [f.deadline for f in findings]
    deadlines = deadline_statuses(dues, today=today)
    for filing in filings.rows if filings else []:
        filing.deadline = deadlines.get(filing.due_on)
        filing.overdue_days = -filing.deadline.days_left if filing.deadline and filing.deadline.overdue else 0
        # The after-the-fact compliance check (15 working days) runs beside the decision.
        filing.check_deadline = deadlines.get(filing.check_due_on)
    for case in cases.rows if cases else []:
        case.deadline_info = deadlines[case.deadline]
        case.overdue_days = -case.deadline_info.days_left if case.deadline_info.overdue else 0
    for finding in findings:
        finding.deadline_info = deadlines[finding.deadline]
        finding.late = finding.status in FINDING_AWAITS_EVIDENCE and finding.deadline_info.overdue
        finding.overdue_days = -finding.deadline_info.days_left if finding.late else 0
    settings = map_settings()
    markers = _map_markers(user, complaint_qs, settings["crs"])
    return render(
        request,
        "workspace/home.html",
        {
            "filings": filings,
            "cases": cases,
            "complaints": complaints,
            "supervision": supervision,
            "subsidies": subsidies,
            "overdue_total": sum(
                part.overdue
                for part in (
                    filings,
                    cases,
                    complaints,
                    supervision and supervision.to_inspect,
                    supervision and supervision.open_findings,
                )
                if part
            ),
            "table": count_table(user, today),
            "map": settings,
            "markers": markers,
            "institution_markers": sum(1 for m in markers if m["kind"] == "institution"),
            "case_markers": sum(1 for m in markers if m["kind"] == "case"),
        },
    )


@role_required(*GOVERNMENT)
def counts_export(request):
    """The counts table as a spreadsheet, the same figures as the page."""
    today = _today()
    table = count_table(request.user, today)
    rows = [[row["unit"].name, *row["values"]] for row in table["rows"]]
    if table["total"] is not None:
        rows.append([_("Total: %(area)s") % {"area": table["total"]["unit"].name}, *table["total"]["values"]])
    period = table["period"]
    return xlsx_response(
        filename=f"area-counts-{today:%Y%m%d}.xlsx",
        sheet=_("Counts by street or town"),
        headers=[_("Street or town"), *table["labels"]],
        rows=rows,
        note=_("From %(start)s to %(end)s; slots, institutions and children as they stood on %(end)s.")
        % {"start": f"{period.start:%Y-%m-%d}", "end": f"{period.end:%Y-%m-%d}"},
    )
