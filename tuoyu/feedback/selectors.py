"""Reads of complaints and reports for the people who handle them and the institutions they are about.

A case reaches a government user only through `access_complaint_for_user` (built on
complaints_for_user) and an institution's people only through
`access_complaint_for_institution_user`; both answer 404 for anything else, so a stranger cannot tell
a case they may not see from one that does not exist.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import BooleanField, Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import User
from tuoyu.core.geo import bounding_box, haversine_km
from tuoyu.core.workdays import SHANGHAI, beijing_today
from tuoyu.institutions.selectors import institutions_of
from tuoyu.regions.models import Department, Unit

from .models import Complaint, ComplaintEvent, ComplaintStatus
from .workflow import ACCEPTS_INFORMATION, AWAITS_ACKNOWLEDGEMENT, OPEN, awaits_acknowledgement

S = ComplaintStatus

QUEUE_PAGE_SIZE = 50
# A filter value of the queue's status choice: every case someone still has to act on.
OPEN_STATUSES = "open"

DUPLICATE_WINDOW_DAYS = 30
DUPLICATE_RADIUS_KM = 0.5


# The complaints' "today" is the working-day calendar's (Beijing time).
today = beijing_today


def overdue_q(on: date | None = None) -> Q:
    """Open cases past their acknowledgement or answer date, as one filter the queue and counts share."""
    on = on or today()
    return Q(status__in=list(AWAITS_ACKNOWLEDGEMENT), acknowledge_due_on__lt=on) | Q(
        status__in=list(OPEN), answer_due_on__lt=on
    )


def is_overdue(complaint: Complaint, on: date | None = None) -> bool:
    on = on or today()
    if (
        awaits_acknowledgement(complaint)
        and complaint.acknowledge_due_on
        and complaint.acknowledge_due_on < on
    ):
        return True
    return bool(complaint.status in OPEN and complaint.answer_due_on and complaint.answer_due_on < on)


def complaints_for_user(user: User) -> QuerySet[Complaint]:
    """The cases a government user may see: all for the health commission, the department's own and
    co-handled ones for a department officer, the unit's for a street or town officer (§16)."""
    qs = Complaint.objects.all()
    # The health commission leads the whole programme (§15, §16): its reviewers and admins see every case.
    if capabilities.is_health_commission(user):
        return qs
    # The other handlers are departments' officers …
    if capabilities.can_handle_complaints(user):
        if not user.department_id:
            return qs.none()
        return qs.filter(
            Q(department_id=user.department_id) | Q(co_departments=user.department_id)
        ).distinct()
    # … and the other viewers streets' and towns' officers.
    if capabilities.can_view_complaints(user) and user.unit_id:
        return qs.filter(unit__path__startswith=user.unit.path)
    return qs.none()


def complaints_for_institution_user(user: User) -> QuerySet[Complaint]:
    """Cases about the institutions the user works at: the institution answers, never learns who complained."""
    ids = institutions_of(user).values("pk")
    return Complaint.objects.filter(institution_id__in=ids).exclude(status=S.MERGED)


def public_timeline(complaint: Complaint) -> list[ComplaintEvent]:
    return list(complaint.events.filter(public=True).select_related("department"))


def duplicate_suggestions(complaint: Complaint) -> list[Complaint]:
    """Reports that are probably the same matter: same category, same institution (or within 500 m for a
    place not in the register), received within 30 days either side, still being handled or answered."""
    window = timedelta(days=DUPLICATE_WINDOW_DAYS)
    qs = (
        Complaint.objects.filter(
            category=complaint.category,
            received_at__gte=complaint.received_at - window,
            received_at__lte=complaint.received_at + window,
            status__in=list(ACCEPTS_INFORMATION),
        )
        .exclude(pk=complaint.pk)
        .select_related("institution", "department")
    )
    if complaint.institution_id:
        return list(qs.filter(institution_id=complaint.institution_id)[:20])
    if complaint.lat is None:
        # Not on the map yet: only the same words for the same place suggest the same matter.
        return list(qs.filter(institution__isnull=True, lat__isnull=True, address=complaint.address)[:20])
    box = bounding_box(complaint.lat, complaint.lng, DUPLICATE_RADIUS_KM)
    near = qs.filter(
        institution__isnull=True,
        lat__range=(box.min_lat, box.max_lat),
        lng__range=(box.min_lng, box.max_lng),
    )[:50]
    return [
        c for c in near if haversine_km(complaint.lat, complaint.lng, c.lat, c.lng) <= DUPLICATE_RADIUS_KM
    ][:20]


def access_complaint_for_user(user: User, pk: int) -> Complaint:
    complaint = (
        complaints_for_user(user)
        .select_related("institution", "unit", "department", "merged_into")
        .filter(pk=pk)
        .first()
    )
    if complaint is None:
        raise Http404
    return complaint


def access_complaint_for_institution_user(user: User, pk: int) -> Complaint:
    complaint = complaints_for_institution_user(user).filter(pk=pk).first()
    if complaint is None:
        raise Http404
    return complaint


def can_see_identity(user: User, complaint: Complaint) -> bool:
    return sees_identity_columns(user) and not complaint.anonymous


def sees_identity_columns(user: User) -> bool:
    # Who may read the reporter's name and number: the handling departments call the reporter back.
    # Street and town officers see the case but never who reported it (PIPL: least privilege).
    return capabilities.can_handle_complaints(user)


@dataclass(frozen=True)
class QueueFilters:
    department: Department | None = None
    unit: Unit | None = None
    category: str = ""
    status: str = ""  # "", OPEN_STATUSES or a ComplaintStatus value
    overdue: bool = False
    number: str = ""  # part of a tracking number


def complaint_queue(user: User, filters: QueueFilters, *, on: date | None = None) -> QuerySet[Complaint]:
    """The cases the user may see, filtered; open cases first, the nearest answer date first.

    Each row carries `is_overdue` computed in the database (the same rule as overdue_q), so the
    page costs one query however many rows it shows.
    """
    on = on or today()
    qs = complaints_for_user(user)
    if filters.department is not None:
        qs = qs.filter(department=filters.department)
    if filters.unit is not None:
        qs = qs.filter(unit__path__startswith=filters.unit.path)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status == OPEN_STATUSES:
        qs = qs.filter(status__in=list(OPEN))
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(overdue_q(on))
    number = filters.number.strip().upper()
    if number:
        qs = qs.filter(tracking_number__contains=number)
    return (
        qs.select_related("institution", "unit", "department")
        .annotate(
            is_overdue=Case(
                When(overdue_q(on), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            open_first=Case(
                When(status__in=list(OPEN), then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
        )
        .order_by("open_first", "answer_due_on", "-received_at", "-id")
    )


def queue_counts(qs: QuerySet[Complaint], *, on: date | None = None) -> dict[str, int]:
    """Open, overdue and answered-on-time-this-year among the cases shown, in one query."""
    on = on or today()
    year_start = datetime(on.year, 1, 1, tzinfo=SHANGHAI)
    # A department officer's cases come DISTINCT (co-handled ones join twice): count ids, not rows.
    return qs.order_by().aggregate(
        open=Count("pk", filter=Q(status__in=list(OPEN)), distinct=True),
        overdue=Count("pk", filter=overdue_q(on), distinct=True),
        answered_on_time=Count(
            "pk", filter=Q(answered_on_time=True, answered_at__gte=year_start), distinct=True
        ),
    )


def due_on(complaint: Complaint) -> date | None:
    """The date the case waits for next: its acknowledgement until it is taken up, then its answer."""
    if awaits_acknowledgement(complaint) and complaint.acknowledge_due_on:
        return complaint.acknowledge_due_on
    if complaint.status in OPEN:
        return complaint.answer_due_on
    return None


def export_rows(qs: QuerySet[Complaint], *, identity: bool) -> Iterator[list]:
    """Every matching case as a spreadsheet row, streamed from the database in chunks. The reporter's
    name and number are added only for a user who may see them, and never for an anonymous report."""
    for c in qs.iterator(chunk_size=500):
        row = [
            c.tracking_number,
            c.received_at,
            c.get_category_display(),
            c.subject_name,
            c.address or (c.institution.address if c.institution_id else ""),
            c.unit.name,
            str(c.department) if c.department_id else "",
            c.get_status_display(),
            c.acknowledge_due_on,
            c.answer_due_on,
            _yes(c.is_overdue),
            c.escalated_at,
            c.get_finding_display() if c.finding else "",
            c.answered_at,
            "" if c.answered_on_time is None else _yes(c.answered_on_time),
            "" if c.satisfied is None else _yes(c.satisfied),
        ]
        if identity:
            row += ["", ""] if c.anonymous else [c.reporter_name, c.reporter_phone]
        yield row


def _yes(value: bool) -> str:
    return gettext("yes") if value else gettext("no")


def waiting_counts(qs: QuerySet[Complaint], *, on: date | None = None) -> dict[str, int]:
    """Among the cases shown: how many wait for an acknowledgement, how many for an answer, how many are
    overdue, in one query (the official workspace's headline)."""
    on = on or today()
    return qs.order_by().aggregate(
        to_acknowledge=Count("pk", filter=Q(status__in=list(AWAITS_ACKNOWLEDGEMENT)), distinct=True),
        to_answer=Count("pk", filter=Q(status__in=list(OPEN - AWAITS_ACKNOWLEDGEMENT)), distinct=True),
        overdue=Count("pk", filter=overdue_q(on), distinct=True),
    )


def complaints_of(user: User) -> QuerySet[Complaint]:
    """The reports a signed-in family made under its own name (an anonymous report is nobody's, by
    design), newest first, with their public timeline prefetched: 我的办件 lists them in two queries."""
    if not capabilities.is_family(user):
        return Complaint.objects.none()
    from django.db.models import Prefetch

    public = Prefetch(
        "events",
        queryset=ComplaintEvent.objects.filter(public=True).select_related("department").order_by("at", "id"),
        to_attr="public_events",
    )
    return (
        Complaint.objects.filter(reporter=user)
        .select_related("institution", "merged_into")
        .prefetch_related(public)
        .order_by("-received_at", "-id")
    )


# --- facts for the register's comparison page (core.facts: institutions reads them by name) ---------

from tuoyu.core.facts import institution_fact  # noqa: E402  (appended section, kept together)


@institution_fact("ratings")
def ratings_of(institution_ids: list[int]) -> dict[int, dict]:
    """Average overall score and count of the published reviews (each stands on an attended visit or an
    enrolment), per institution: one grouped query."""
    from django.db.models import Avg

    from .models import Review, ReviewStatus

    rows = (
        Review.objects.filter(institution_id__in=institution_ids, status=ReviewStatus.PUBLISHED)
        .order_by()
        .values("institution_id")
        .annotate(n=Count("id"), average=Avg("overall"))
    )
    return {
        row["institution_id"]: {"count": row["n"], "average": round(float(row["average"]), 1)} for row in rows
    }


@institution_fact("complaints")
def complaints_about(institution_ids: list[int], *, on: date | None = None) -> dict[int, dict]:
    """Complaints and reports about each institution received in the last 12 months (a merged duplicate
    counts once, in the case it joined), how many are closed and how many were found substantiated in
    full or in part: one grouped query."""
    from .models import Finding

    on = on or today()
    since = datetime.combine(on - timedelta(days=365), datetime.min.time(), tzinfo=SHANGHAI)
    rows = (
        Complaint.objects.filter(institution_id__in=institution_ids, received_at__gte=since)
        .exclude(status=S.MERGED)
        .order_by()
        .values("institution_id")
        .annotate(
            total=Count("id"),
            closed=Count("id", filter=Q(status=S.CLOSED)),
            upheld=Count("id", filter=Q(finding__in=[Finding.SUBSTANTIATED, Finding.PARTLY])),
        )
    )
    return {
        row["institution_id"]: {"total": row["total"], "closed": row["closed"], "upheld": row["upheld"]}
        for row in rows
    }
