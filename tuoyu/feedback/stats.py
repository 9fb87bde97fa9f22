"""Public complaint statistics (投诉举报统计): counts only, never a reporter, a description or a number
that could lead back to one.

A duplicate merged into another report is counted once, through the report it joined. A report counts
as substantiated when its finding was substantiated or partly substantiated. Each figure is one grouped
query, so the pages cost the same whatever the number of complaints.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from tuoyu.core.workdays import SHANGHAI
from tuoyu.institutions.models import Institution
from tuoyu.regions.models import Unit
from tuoyu.regions.selectors import grassroots_units

from .models import Category, Complaint, ComplaintStatus, Finding
from .selectors import overdue_q, today

SUBSTANTIATED = Q(finding__in=[Finding.SUBSTANTIATED, Finding.PARTLY])
ANSWERED = Q(answered_at__isnull=False)
ON_TIME = Q(answered_on_time=True)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def counted(since: date | None = None, until: date | None = None) -> QuerySet[Complaint]:
    """The complaints a statistic counts: merged duplicates out, received in [since, until)."""
    qs = Complaint.objects.exclude(status=ComplaintStatus.MERGED)
    if since is not None:
        qs = qs.filter(received_at__gte=_start_of(since))
    if until is not None:
        qs = qs.filter(received_at__lt=_start_of(until))
    return qs


def closed(since: date | None = None, until: date | None = None) -> QuerySet[Complaint]:
    """The complaints closed (rated, or not rated in time) in [since, until); merged duplicates are not
    closed but handled with the report they joined, as counted() leaves them out."""
    qs = Complaint.objects.filter(status=ComplaintStatus.CLOSED)
    if since is not None:
        qs = qs.filter(closed_at__gte=_start_of(since))
    if until is not None:
        qs = qs.filter(closed_at__lt=_start_of(until))
    return qs


def in_unit(qs: QuerySet[Complaint], unit: Unit | None) -> QuerySet[Complaint]:
    """Complaints placed in the unit or a unit below it (an institution's complaint is placed in the
    institution's unit); None is the whole district."""
    return qs if unit is None else qs.filter(unit__path__startswith=unit.path)


# --- one institution, for its public page ----------------------------------------------------------


@dataclass
class CategoryRow:
    category: str
    label: str
    received: int = 0
    substantiated: int = 0
    answered_on_time: int = 0


@dataclass
class InstitutionComplaintStats:
    since: date
    rows: list[CategoryRow]  # only the categories with a complaint, in Category order
    total: CategoryRow


def institution_complaint_stats(institution: Institution, years: int = 3) -> InstitutionComplaintStats:
    """Per category over the last `years` years (rolling from today), in one grouped query."""
    since = _years_before(today(), years)
    grouped = {
        row["category"]: row
        for row in counted(since)
        .filter(institution=institution)
        .values("category")
        .annotate(
            received=Count("id"),
            substantiated=Count("id", filter=SUBSTANTIATED),
            answered_on_time=Count("id", filter=ON_TIME),
        )
        .order_by()
    }
    rows = []
    total = CategoryRow("", "")
    for value, label in Category.choices:
        row = grouped.get(value)
        if row is None:
            continue
        line = CategoryRow(value, str(label), row["received"], row["substantiated"], row["answered_on_time"])
        rows.append(line)
        total.received += line.received
        total.substantiated += line.substantiated
        total.answered_on_time += line.answered_on_time
    return InstitutionComplaintStats(since=since, rows=rows, total=total)


# --- the district, per street or town and per category ---------------------------------------------


@dataclass
class Counts:
    received: int = 0
    substantiated: int = 0
    answered: int = 0
    answered_on_time: int = 0
    overdue_open: int = 0

    def add(self, other: "Counts") -> None:
        self.received += other.received
        self.substantiated += other.substantiated
        self.answered += other.answered
        self.answered_on_time += other.answered_on_time
        self.overdue_open += other.overdue_open

    def as_row(self) -> list[int]:
        return [self.received, self.substantiated, self.answered, self.answered_on_time, self.overdue_open]


@dataclass
class UnitRow:
    unit: Unit | None  # None: complaints placed above any street or town (the district as a whole)
    counts: Counts = field(default_factory=Counts)

    @property
    def name(self) -> str:
        return self.unit.name if self.unit is not None else ""


def _annotated(qs: QuerySet[Complaint], by: str) -> QuerySet:
    on = today()
    return (
        qs.values(by)
        .annotate(
            received=Count("id"),
            substantiated=Count("id", filter=SUBSTANTIATED),
            answered=Count("id", filter=ANSWERED),
            answered_on_time=Count("id", filter=ON_TIME),
            overdue_open=Count("id", filter=overdue_q(on)),
        )
        .order_by()
    )


def _counts(row: dict) -> Counts:
    return Counts(
        row["received"], row["substantiated"], row["answered"], row["answered_on_time"], row["overdue_open"]
    )


def unit_complaint_stats(since: date, until: date | None = None) -> list[UnitRow]:
    """Per grassroots unit (街道/镇/乡), in their own order: one grouped query by the complaint's unit,
    folded up to its street or town by path, so units below that level count where they belong.
    A last row without a unit holds complaints filed against the district as a whole, when any are."""
    units = list(grassroots_units())
    rows = {u.pk: UnitRow(u) for u in units}
    by_path = sorted(units, key=lambda u: len(u.path), reverse=True)
    grouped = list(_annotated(counted(since, until), "unit_id"))
    paths = dict(Unit.objects.filter(pk__in={r["unit_id"] for r in grouped}).values_list("pk", "path"))
    rest = UnitRow(None)
    for row in grouped:
        target = rows.get(row["unit_id"])
        if target is None:
            path = paths.get(row["unit_id"], "")
            owner = next((u for u in by_path if path.startswith(u.path)), None)
            target = rows[owner.pk] if owner is not None else rest
        target.counts.add(_counts(row))
    result = [rows[u.pk] for u in units]
    if rest.counts.received:
        result.append(rest)
    return result


def category_complaint_stats(since: date, until: date | None = None) -> list[tuple[str, Counts]]:
    """Per category (label, counts) in Category order, every category listed: one grouped query."""
    grouped = {row["category"]: _counts(row) for row in _annotated(counted(since, until), "category")}
    return [(str(label), grouped.get(value, Counts())) for value, label in Category.choices]


def totals(rows: list[UnitRow]) -> Counts:
    total = Counts()
    for row in rows:
        total.add(row.counts)
    return total


def first_complaint_year() -> int | None:
    first = Complaint.objects.aggregate(first=Min("received_at"))["first"]
    if first is None:
        return None
    return timezone.localtime(first, SHANGHAI).year
