"""The officials' summary (counts, never a child) per institution, per street or town and for the district,
as it stood on a day; the same reading is indicator 8's source (counts.py), so the page, the Excel, the API
and the indicator agree.

What each figure means, on the day `on`:
- enrolled: children attending an institution that day (bookings' enrolment dates: started by then, not
  ended before it). A child is counted once in a street's or the district's total even if attending two
  institutions.
- records: those children with a health record opened by then (wherever it is kept: a record waiting for
  the guardian's consent to move still counts for the child).
- complete: records complete that day by `rules.is_complete` (the entry check and the vaccination check
  dated on or before the day, at least one measurement on or before it); rate = complete ÷ enrolled
  (电子健康档案建设管理率, indicator 8).
- checks: morning and midday check rows (one child at one check) recorded in the 30 days ending on the day
  (CHECK_DAYS): a rolling window, so the figure of any day reads the same way whatever the month.
- vaccination gaps: records whose certificate check found doses missing (not yet caught up).
- growth flags: children whose latest measurement on or before the day carries the flag, by kind.
- alerts open: outbreak alerts not closed (now: an alert's past states are not replayed).

A fixed number of queries whatever the institutions and children (five), with the children's facts counted
in Python over one query of the records annotated with their latest measurement's flags, so the same code
runs on SQLite and PostgreSQL.
"""

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Q, Subquery, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy

from tuoyu.accounts import capabilities
from tuoyu.bookings.selectors import enrolments_attending_on
from tuoyu.institutions.models import Institution, InstitutionStatus
from tuoyu.regions.models import Unit

from .. import rules
from ..models import AlertStatus, DailyCheck, HealthRecord, Measurement, OutbreakAlert, VaccinationStatus

ON_REGISTER = (InstitutionStatus.FILED, InstitutionStatus.SUSPENDED)
CHECK_DAYS = 30
# The growth flags a measurement may carry (growth.Flag's values), in the order the tables show them.
FLAG_KINDS = ("underweight", "stunted", "wasted", "overweight", "obese")
FLAG_LABELS = {
    "underweight": gettext_lazy("Underweight"),  # 低体重
    "stunted": gettext_lazy("Stunted"),  # 生长迟缓
    "wasted": gettext_lazy("Wasted"),  # 消瘦
    "overweight": gettext_lazy("Overweight"),  # 超重
    "obese": gettext_lazy("Obese"),  # 肥胖
}


@dataclass(frozen=True)
class ChildFacts:
    """What the summary needs of one enrolled child's record, as it stood on the day."""

    has_record: bool = False
    complete: bool = False
    vaccination_gap: bool = False
    flags: tuple[str, ...] = ()


NO_RECORD = ChildFacts()


def complete_rate(complete: int, enrolled: int) -> Decimal | None:
    """Per cent with one decimal; None when no child is enrolled (no rate, rather than 0 %)."""
    if not enrolled:
        return None
    return (Decimal(100) * complete / enrolled).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """One row of the summary: an institution, a street or town, or the district. Children are kept by id
    so a total counts a child once; the table shows counts only."""

    name: str
    unit_id: int | None = None
    institutions: int = 0
    checks: int = 0
    alerts_open: int = 0
    children: dict[int, ChildFacts] = field(default_factory=dict)

    # (records, complete, vaccination gaps, {flag: children}), counted once in one pass and kept until a
    # row is added: a page asks each figure of the district's total several times.
    _tally: tuple | None = field(default=None, repr=False, compare=False)

    def _counts(self) -> tuple:
        if self._tally is None:
            records = complete = gaps = 0
            flags = dict.fromkeys(FLAG_KINDS, 0)
            for child in self.children.values():
                if child.has_record:
                    records += 1
                    complete += child.complete
                    gaps += child.vaccination_gap
                    for kind in child.flags:
                        if kind in flags:
                            flags[kind] += 1
            self._tally = (records, complete, gaps, flags)
        return self._tally

    @property
    def enrolled(self) -> int:
        return len(self.children)

    @property
    def records(self) -> int:
        return self._counts()[0]

    @property
    def complete(self) -> int:
        return self._counts()[1]

    @property
    def rate(self) -> Decimal | None:
        return complete_rate(self.complete, self.enrolled)

    @property
    def vaccination_gaps(self) -> int:
        return self._counts()[2]

    @property
    def flags(self) -> dict[str, int]:
        """{kind: children whose latest measurement has it}, every kind present (0 when none)."""
        return dict(self._counts()[3])

    @property
    def flag_list(self) -> list[tuple[str, str, int]]:
        """(kind, label, children) in FLAG_KINDS order, for templates."""
        return [(kind, FLAG_LABELS[kind], n) for kind, n in self.flags.items()]

    def add(self, other: "Figures") -> None:
        self._tally = None
        self.institutions += other.institutions
        self.checks += other.checks
        self.alerts_open += other.alerts_open
        self.children.update(other.children)


@dataclass
class Summary:
    on: date
    unit: Unit | None
    total: Figures
    units: list[Figures]  # per street or town (the institution's unit), by name
    institutions: list[tuple[Institution, Figures]]  # by name


def unit_for(user, chosen: Unit | None) -> tuple[Unit | None, bool]:
    """The unit a person's summary covers and whether they may see any: a street or town officer their own
    unit only (nothing without one), whatever they chose; the other officials the district or their choice."""
    if capabilities.is_street_officer(user):
        return user.unit, user.unit_id is not None
    return chosen, True


def _in_unit(qs, unit: Unit | None, through: str):
    if unit is None:
        return qs
    return qs.filter(**{f"{through}unit__path__startswith": unit.path})


def attending(unit: Unit | None, on: date) -> list[tuple[int, int]]:
    """(institution id, child id) of the children attending an institution of the unit on the day."""
    qs = _in_unit(enrolments_attending_on(on), unit, "institution__")
    return list(qs.order_by().values_list("institution_id", "child_id").distinct())


def child_facts(unit: Unit | None, on: date) -> dict[int, ChildFacts]:
    """{child id: facts} for the children attending in the unit on the day who have a record opened by then:
    one query, each record with its latest measurement's flags on or before the day (NULL: not measured).

    The flags come back as the JSON text and are parsed only when not empty: at city scale most children
    carry none, and decoding 60,000 "[]" was a third of the selector's time (bench/health_summary.py)."""
    children = _in_unit(enrolments_attending_on(on), unit, "institution__").values("child_id")
    latest = (
        Measurement.objects.filter(record=OuterRef("pk"), measured_on__lte=on)
        .order_by("-measured_on", "-pk")
        .annotate(flags_text=Cast("flags", TextField()))
        .values("flags_text")[:1]
    )
    records = (
        HealthRecord.objects.filter(child_id__in=children, opened_at__date__lte=on)
        .order_by()
        .annotate(latest_flags=Subquery(latest, output_field=TextField()))
        .values_list(
            "child_id",
            "entry_check_on",
            "entry_check_result",
            "vaccination_checked_on",
            "vaccination_status",
            "latest_flags",
        )
    )
    facts = {}
    missing = VaccinationStatus.MISSING
    for child_id, entry_on, result, vacc_on, vacc_status, latest_flags in records:
        # A certificate check dated after the day had not happened yet: its status does not count either.
        vaccination = vacc_status if (vacc_on is None or vacc_on <= on) else VaccinationStatus.NOT_CHECKED
        flags = (
            () if latest_flags is None or latest_flags.strip() == "[]" else tuple(json.loads(latest_flags))
        )
        facts[child_id] = ChildFacts(
            has_record=True,
            complete=rules.is_complete(
                entry_check_on=entry_on,
                entry_check_result=result,
                vaccination_status=vaccination,
                vaccination_checked_on=vacc_on,
                # The latest measurement on or before the day exists: at least one.
                measurements=0 if latest_flags is None else 1,
                on=on,
            ),
            vaccination_gap=vaccination == missing,
            flags=flags,
        )
    return facts


def totals(unit: Unit | None, on: date) -> Figures:
    """The children's figures of a unit (None: every institution) on a day, each child once: what the
    indicator counts. Two queries."""
    facts = child_facts(unit, on)
    total = Figures(name="")
    for _institution_id, child_id in attending(unit, on):
        total.children[child_id] = facts.get(child_id, NO_RECORD)
    return total


def summary(unit: Unit | None = None, *, on: date) -> Summary:
    """Rows per institution (on the register in the unit, or with children attending there), per street or
    town, and the total of the unit (None: the district). Five queries whatever the rows."""
    pairs = attending(unit, on)
    facts = child_facts(unit, on)
    # Subqueries rather than lists of ids: thousands of parameters cost more to send than to count.
    with_children = _in_unit(enrolments_attending_on(on), unit, "institution__").values("institution_id")
    institutions = list(
        _in_unit(Institution.objects.all(), unit, "")
        .filter(Q(status__in=ON_REGISTER) | Q(pk__in=with_children))
        .select_related("unit")
        .only("pk", "name", "unit", "unit__name")
        .order_by("name", "pk")
    )
    checks = dict(
        _in_unit(DailyCheck.objects.all(), unit, "institution__")
        .filter(day__gt=on - timedelta(days=CHECK_DAYS), day__lte=on)
        .order_by()
        .values("institution_id")
        .annotate(n=Count("pk"))
        .values_list("institution_id", "n")
    )
    alerts = dict(
        _in_unit(OutbreakAlert.objects.all(), unit, "institution__")
        .exclude(status=AlertStatus.CLOSED)
        .order_by()
        .values("institution_id")
        .annotate(n=Count("pk"))
        .values_list("institution_id", "n")
    )
    rows: dict[int, Figures] = {}
    for institution in institutions:
        rows[institution.pk] = Figures(
            name=institution.name,
            unit_id=institution.unit_id,
            institutions=1,
            checks=checks.get(institution.pk, 0),
            alerts_open=alerts.get(institution.pk, 0),
        )
    for institution_id, child_id in pairs:
        if institution_id in rows:  # before any figure is asked: nothing counted yet to go stale
            rows[institution_id].children[child_id] = facts.get(child_id, NO_RECORD)
    total = Figures(name=unit.name if unit else "", unit_id=unit.pk if unit else None)
    by_unit: dict[int, Figures] = {}
    for institution in institutions:
        row = rows[institution.pk]
        total.add(row)
        part = by_unit.setdefault(
            institution.unit_id, Figures(name=institution.unit.name, unit_id=institution.unit_id)
        )
        part.add(row)
    return Summary(
        on=on,
        unit=unit,
        total=total,
        units=sorted(by_unit.values(), key=lambda f: (f.name, f.unit_id)),
        institutions=[(i, rows[i.pk]) for i in institutions],
    )
