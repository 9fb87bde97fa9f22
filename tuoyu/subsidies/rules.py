"""The subsidy rules as pure functions: facts in (dataclasses read by selectors/compute.py in a fixed
number of queries per batch of institutions), entitlements with their lines out. No database here, so the
hand-computed cases in tests/test_rules.py run in microseconds and a what-if uses the very same code with
other rates (unsaved RuleSet instances are fine: the rules only read their attributes).

`explain(line)` writes a line's words (the same in the page, the PDF notice and the Excel); it accepts a
`ComputedLine` or a saved `EntitlementLine` and reads nothing from the database: everything it needs is in
the line's fields and its `params`.

The params contract (every value a string, or a list of strings / of dicts of strings; never a float):

- every line: ``rule_set_from`` (ISO date of the rules used; "" when none was in force) and
  ``rule_set_name``.
- CHILD (运营补贴, one per child, class type and rule set): ``count_day`` (the part-month rule: a month
  counts when the child was enrolled on this day), ``month_list`` (["2024-01", …], the months counted).
  Fields: child_id, age_group, months, rate (per year), amount = money.pro_rated(rate, months).
- CONSTRUCTION (建设补助): ``rule`` ("chain" or "single"), ``slots`` (the recipient's), ``members``
  ([{"id", "name", "slots"}], the chain's qualifying members; [] for one institution),
  ``investor_uscc``, ``min_institutions``, ``min_slots_each``, ``single_min_slots``.
- DEMONSTRATION (示范奖励): ``tier`` ("small", "medium", "large"), ``children`` (enrolled at the period's
  end), ``year`` (of the title), ``small_below``, ``large_from``.
- ADJUSTMENT (a later correction of an earlier period): adjusted_period_id, and ``period_name``,
  ``recomputed`` (the earlier period's child lines computed again today), ``paid`` (the child lines of
  the paid entitlement), ``earlier_adjustments`` (adjustment lines for that period already proposed in
  other periods), ``difference`` (recomputed − paid − earlier adjustments); ``to_recover`` when only part
  of a negative difference could be set off in this period (see `apply_adjustments`).
- NIL (nothing due): reason = NilReason; for BELOW_THRESHOLD ``slots``, ``single_min_slots``,
  ``min_institutions``, ``min_slots_each``; for ALREADY_RECEIVED through a chain ``recipient`` (name);
  for operating ``count_day``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .money import money, pro_rated

ZERO = Decimal("0.00")

# The model's choices, spelled here so the pure rules import no model (LineKind, SubsidyKind).
OPERATING, CONSTRUCTION, DEMONSTRATION = "operating", "construction", "demonstration"
CHILD, ADJUSTMENT, NIL = "child", "adjustment", "nil"
AGE_GROUP_ORDER = ("infant", "toddler", "preschool", "mixed")
RATE_FIELD = {
    "infant": "rate_infant",
    "toddler": "rate_toddler",
    "preschool": "rate_preschool",
    "mixed": "rate_mixed",
}


class NilReason(models.TextChoices):
    """Why an institution is due nothing of a kind: shown with every zero."""

    NOT_PUHUI = "not_puhui", _("Not an inclusive (普惠) institution")
    NOT_FILED = "not_filed", _("Not filed in the period")
    NO_CHILDREN = "no_children", _("No child enrolled on a counting day in the period")
    SUSPENDED = "suspended", _("Suspended for the whole period")
    ALREADY_RECEIVED = "already_received", _("Already received the one-time subsidy")
    BELOW_THRESHOLD = "below_threshold", _("Does not meet the slot thresholds")
    NO_TITLE = "no_title", _("No demonstration title in the period")


# --- facts ---


@dataclass(frozen=True)
class EnrolmentFact:
    child_id: int
    age_group: str  # institutions.AgeGroup of the class
    start: date
    end: date | None  # None: still attending


@dataclass(frozen=True)
class InstitutionFacts:
    """What the rules know of one institution. `is_puhui` is the register's flag as it is now: the
    register keeps no history of it, so a period computed again later uses today's flag (a substantiated
    finding that removes 普惠 status therefore shows as an adjustment of the periods it touches)."""

    id: int
    name: str = ""
    is_puhui: bool = False
    filed_on: date | None = None
    deregistered_on: date | None = None
    capacity_total: int = 0
    investor_uscc: str = ""
    suspensions: tuple[tuple[date, date | None], ...] = ()  # (starts_on, lifted on or None)
    enrolments: tuple[EnrolmentFact, ...] = ()
    municipal_titles: tuple[int, ...] = ()  # years of 重庆市托育服务示范单位 titles

    def filed_on_day(self, day: date) -> bool:
        return (
            self.filed_on is not None
            and self.filed_on <= day
            and (self.deregistered_on is None or day < self.deregistered_on)
        )

    def suspended_on(self, day: date) -> bool:
        # Suspended that day unless lifted before it.
        return any(start <= day and (lifted is None or lifted >= day) for start, lifted in self.suspensions)

    def children_on(self, day: date) -> int:
        """Distinct children whose enrolment covers `day`."""
        return len(
            {e.child_id for e in self.enrolments if e.start <= day and (e.end is None or e.end >= day)}
        )


@dataclass(frozen=True)
class PeriodFacts:
    id: int | None
    name: str
    start: date
    end: date


@dataclass(frozen=True)
class PaidOperating:
    """An earlier period's paid operating entitlement, to be recomputed (adjustments)."""

    period: PeriodFacts
    paid: Decimal  # the sum of its child lines
    earlier_adjustments: Decimal = ZERO  # adjustment lines for this period proposed in other periods


@dataclass(frozen=True)
class History:
    """What earlier (or other) periods granted: the once-ever subsidies and the paid operating ones."""

    construction_institutions: frozenset[int] = frozenset()
    construction_investors: frozenset[str] = frozenset()
    demonstration_titles: frozenset[tuple[int, int]] = frozenset()  # (institution id, title year) paid
    paid_operating: dict[int, tuple[PaidOperating, ...]] = field(default_factory=dict)


# --- results ---


@dataclass(frozen=True)
class ComputedLine:
    """One line of an explanation, before it is saved as an EntitlementLine (same fields)."""

    kind: str  # models.LineKind
    amount: Decimal
    child_id: int | None = None
    age_group: str = ""
    months: int | None = None
    rate: Decimal | None = None
    rule_set_id: int | None = None
    adjusted_period_id: int | None = None
    reason: str = ""  # NilReason, for a NIL line
    params: dict = field(default_factory=dict)  # strings only (never a float)


@dataclass(frozen=True)
class ComputedEntitlement:
    institution_id: int
    kind: str  # models.SubsidyKind
    amount: Decimal  # the sum of the lines' amounts, never rounded again
    lines: tuple[ComputedLine, ...]
    nil_reason: str = ""
    investor_uscc: str = ""


# --- helpers ---


def rule_set_on(rule_sets: Sequence, day: date):
    """The version in force on `day`: the latest whose effective_from is on or before it (None if none)."""
    chosen = None
    for rule_set in sorted(rule_sets, key=lambda r: r.effective_from):
        if rule_set.effective_from <= day:
            chosen = rule_set
    return chosen


def _rs_params(rule_set) -> dict:
    if rule_set is None:
        return {"rule_set_from": "", "rule_set_name": ""}
    return {"rule_set_from": rule_set.effective_from.isoformat(), "rule_set_name": str(rule_set.name)}


def months_of(start: date, end: date) -> list[tuple[int, int]]:
    """(year, month) of every month that starts or ends within [start, end]."""
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _nil(institution_id: int, kind: str, reason: str, params: dict | None = None, **extra):
    line = ComputedLine(kind=NIL, amount=ZERO, reason=reason, params=params or {})
    return ComputedEntitlement(
        institution_id=institution_id, kind=kind, amount=ZERO, lines=(line,), nil_reason=reason, **extra
    )


def _total(lines: Iterable[ComputedLine]) -> Decimal:
    return money(sum((line.amount for line in lines), ZERO))


# --- operating subsidy (运营补贴) ---


# The counting days of a span depend only on the span and the versions, not on the institution: computed
# once per span and reused for every institution (the cache holds the versions it keys by id, so an id
# cannot be reused while its entry lives).
_DAYS_CACHE: dict[tuple, tuple] = {}


def counting_days(start: date, end: date, rule_sets: Sequence) -> tuple:
    """((day, "YYYY-MM", rule set), …) of [start, end] in date order: each month's counting day
    (RuleSet.count_day of the version in force that day; a month with no version in force is left out)."""
    key = (start, end, tuple(id(r) for r in rule_sets))
    cached = _DAYS_CACHE.get(key)
    if cached is not None:
        return cached[0]
    ordered = sorted(rule_sets, key=lambda r: r.effective_from)
    days = []
    for year, month in months_of(start, end):
        rule_set = rule_set_on(ordered, date(year, month, 1))
        if rule_set is None:
            continue
        # The version in force on the counting day decides, so read it on that day.
        rule_set = rule_set_on(ordered, date(year, month, rule_set.count_day)) or rule_set
        day = date(year, month, rule_set.count_day)
        if start <= day <= end:
            days.append((day, f"{year:04d}-{month:02d}", rule_set))
    if len(_DAYS_CACHE) > 64:
        _DAYS_CACHE.clear()
    _DAYS_CACHE[key] = (tuple(days), tuple(rule_sets))
    return tuple(days)


def _line_params(rule_set) -> dict:
    return {**_rs_params(rule_set), "count_day": str(rule_set.count_day)}


def operating_lines(inst: InstitutionFacts, start: date, end: date, rule_sets: Sequence):
    """The child lines of [start, end] and, when there are none, the reason (in the order not_puhui,
    not_filed, suspended, no_children).

    Each month of the period counts on its counting day (RuleSet.count_day of the version in force that
    day, so a rate change in the middle of a period applies from its month): for a child whose enrolment
    covers the day, while the institution is filed that day (filed_on ≤ day < deregistered_on), is 普惠
    (today's flag, see InstitutionFacts) and is not suspended that day. One line per (child, class type,
    rule set): months × rate ÷ 12, rounded once at the line (money.pro_rated)."""
    all_days = counting_days(start, end, rule_sets)
    count_day = all_days[-1][2].count_day if all_days else None
    filed = [d for d in all_days if inst.filed_on_day(d[0])]
    open_days = [d for d in filed if not inst.suspended_on(d[0])]
    if not inst.is_puhui:
        return [], NilReason.NOT_PUHUI, count_day
    if not filed:
        return [], NilReason.NOT_FILED, count_day
    if not open_days:
        return [], NilReason.SUSPENDED, count_day
    dates = [d[0] for d in open_days]
    # The days an enrolment covers are a run of the sorted days: found by bisection, not day by day.
    # A set per (child, class type, version): two records of one child in one class count a month once.
    counted: dict[tuple[int, str, int], set[int]] = defaultdict(set)
    for enrolment in inst.enrolments:
        first = bisect_left(dates, enrolment.start)
        last = len(dates) if enrolment.end is None else bisect_right(dates, enrolment.end)
        for index in range(first, last):
            counted[(enrolment.child_id, enrolment.age_group, id(open_days[index][2]))].add(index)
    lines = []
    # Most children share a class, a version and a number of months: each amount is computed once.
    amounts: dict[tuple[int, str, int], tuple[Decimal, Decimal, dict]] = {}
    for (child_id, age_group, version), indexes in counted.items():
        ordered = sorted(indexes)
        rule_set = open_days[ordered[0]][2]
        key = (version, age_group, len(ordered))
        if key not in amounts:
            rate = getattr(rule_set, RATE_FIELD.get(age_group, "rate_mixed"))
            amounts[key] = (pro_rated(rate, len(ordered)), money(rate), _line_params(rule_set))
        amount, rate, params = amounts[key]
        lines.append(
            ComputedLine(
                kind=CHILD,
                amount=amount,
                child_id=child_id,
                age_group=age_group,
                months=len(ordered),
                rate=rate,
                rule_set_id=rule_set.pk,
                params={**params, "month_list": [open_days[i][1] for i in ordered]},
            )
        )
    lines.sort(
        key=lambda line: (
            line.params["rule_set_from"],
            AGE_GROUP_ORDER.index(line.age_group) if line.age_group in AGE_GROUP_ORDER else 9,
            line.child_id,
        )
    )
    if not lines:
        return [], NilReason.NO_CHILDREN, count_day
    return lines, "", count_day


def operating(
    inst: InstitutionFacts,
    period: PeriodFacts,
    rule_sets: Sequence,
    paid: Sequence[PaidOperating] = (),
) -> ComputedEntitlement:
    """The operating entitlement of `period`, with the adjustments of earlier paid periods."""
    lines, reason, count_day = operating_lines(inst, period.start, period.end, rule_sets)
    adjustments = adjustment_lines(inst, period, rule_sets, paid)
    if not lines:
        nil_params = {**_rs_params(rule_set_on(rule_sets, period.end))}
        if count_day is not None:
            nil_params["count_day"] = str(count_day)
        lines = [ComputedLine(kind=NIL, amount=ZERO, reason=reason, params=nil_params)]
    lines = apply_adjustments(lines + adjustments)
    amount = _total(lines)
    nil_reason = reason if amount == ZERO else ""
    return ComputedEntitlement(
        institution_id=inst.id, kind=OPERATING, amount=amount, lines=tuple(lines), nil_reason=nil_reason
    )


# --- adjustments of earlier periods ---


def adjustment_lines(
    inst: InstitutionFacts, period: PeriodFacts, rule_sets: Sequence, paid: Sequence[PaidOperating]
) -> list[ComputedLine]:
    """For every earlier period with a paid operating entitlement: compute it again from today's records;
    recomputed − paid − earlier adjustments ≠ 0 → an adjustment line (it may be negative). A paid
    entitlement is never edited."""
    lines = []
    for earlier in sorted(paid, key=lambda p: p.period.start):
        if earlier.period.start >= period.start or earlier.period.id == period.id:
            continue
        child_lines, _reason, _day = operating_lines(
            inst, earlier.period.start, earlier.period.end, rule_sets
        )
        recomputed = _total(child_lines)
        difference = money(recomputed - earlier.paid - earlier.earlier_adjustments)
        if difference == ZERO:
            continue
        lines.append(
            ComputedLine(
                kind=ADJUSTMENT,
                amount=difference,
                adjusted_period_id=earlier.period.id,
                params={
                    **_rs_params(rule_set_on(rule_sets, earlier.period.end)),
                    "period_name": earlier.period.name,
                    "recomputed": str(recomputed),
                    "paid": str(money(earlier.paid)),
                    "earlier_adjustments": str(money(earlier.earlier_adjustments)),
                    "difference": str(difference),
                },
            )
        )
    return lines


def apply_adjustments(lines: list[ComputedLine]) -> list[ComputedLine]:
    """An entitlement is never negative (the database says amount ≥ 0). When negative adjustments exceed
    what is due, the adjustments are set off only as far as the other lines allow, the last ones first:
    each shortened line keeps the part set off as its amount and states the rest in ``to_recover``.
    Because the next period compares with the adjustments actually set off, the rest is proposed again
    there, until it is recovered."""
    total = _total(lines)
    if total >= ZERO:
        return lines
    deficit = -total
    result = list(lines)
    for index in range(len(result) - 1, -1, -1):
        line = result[index]
        if deficit == ZERO:
            break
        if line.kind != ADJUSTMENT or line.amount >= ZERO:
            continue
        reduce_by = min(-line.amount, deficit)
        deficit -= reduce_by
        result[index] = ComputedLine(
            **{
                **line.__dict__,
                "amount": money(line.amount + reduce_by),
                "params": {**line.params, "to_recover": str(money(reduce_by))},
            }
        )
    return result


# --- one-time construction subsidy (建设补助) ---


def construction(
    inst: InstitutionFacts,
    period: PeriodFacts,
    rule_sets: Sequence,
    chain_members: Sequence[InstitutionFacts] = (),
    history: History | None = None,
) -> ComputedEntitlement:
    """Judged on the period's end, once ever per institution or investor.

    A chain: an investor (the same unified social credit code) with at least `chain_min_institutions`
    filed institutions of at least `chain_min_slots_each` slots each → one entitlement for the investor,
    given to the member filed first (filed_on, then id), its line naming the members and their slots.
    One institution: filed, with at least `single_min_slots` slots. Already received (a non-nil
    construction entitlement of another period for the same institution or investor) → already_received;
    otherwise below_threshold; not filed on the period's end → not_filed. `chain_members` are every
    institution of `inst`'s investor (inst included), whatever batch they are in."""
    history = history or History()
    rule_set = rule_set_on(rule_sets, period.end)
    day = period.end
    if rule_set is None or not inst.filed_on_day(day):
        return _nil(inst.id, CONSTRUCTION, NilReason.NOT_FILED, _rs_params(rule_set))
    base = _rs_params(rule_set)
    thresholds = {
        "min_institutions": str(rule_set.chain_min_institutions),
        "min_slots_each": str(rule_set.chain_min_slots_each),
        "single_min_slots": str(rule_set.single_min_slots),
    }
    uscc = inst.investor_uscc
    if inst.id in history.construction_institutions or (uscc and uscc in history.construction_investors):
        return _nil(inst.id, CONSTRUCTION, NilReason.ALREADY_RECEIVED, base)
    if uscc:
        qualifying = sorted(
            (
                m
                for m in chain_members
                if m.investor_uscc == uscc
                and m.filed_on_day(day)
                and m.capacity_total >= rule_set.chain_min_slots_each
            ),
            key=lambda m: (m.filed_on, m.id),
        )
        if len(qualifying) >= rule_set.chain_min_institutions and any(m.id == inst.id for m in qualifying):
            recipient = qualifying[0]
            if recipient.id != inst.id:
                return _nil(
                    inst.id,
                    CONSTRUCTION,
                    NilReason.ALREADY_RECEIVED,
                    {**base, "recipient": recipient.name},
                )
            members = [{"id": str(m.id), "name": m.name, "slots": str(m.capacity_total)} for m in qualifying]
            line = ComputedLine(
                kind=CONSTRUCTION,
                amount=money(rule_set.construction_amount),
                rule_set_id=rule_set.pk,
                params={
                    **base,
                    **thresholds,
                    "rule": "chain",
                    "slots": str(inst.capacity_total),
                    "members": members,
                    "investor_uscc": uscc,
                },
            )
            return ComputedEntitlement(
                institution_id=inst.id,
                kind=CONSTRUCTION,
                amount=line.amount,
                lines=(line,),
                investor_uscc=uscc,
            )
    if inst.capacity_total >= rule_set.single_min_slots:
        line = ComputedLine(
            kind=CONSTRUCTION,
            amount=money(rule_set.construction_amount),
            rule_set_id=rule_set.pk,
            params={
                **base,
                **thresholds,
                "rule": "single",
                "slots": str(inst.capacity_total),
                "members": [],
                "investor_uscc": uscc,
            },
        )
        return ComputedEntitlement(
            institution_id=inst.id, kind=CONSTRUCTION, amount=line.amount, lines=(line,)
        )
    return _nil(
        inst.id,
        CONSTRUCTION,
        NilReason.BELOW_THRESHOLD,
        {**base, **thresholds, "slots": str(inst.capacity_total)},
    )


# --- demonstration award (示范奖励) ---


def demonstration(
    inst: InstitutionFacts, period: PeriodFacts, rule_sets: Sequence, history: History | None = None
) -> ComputedEntitlement:
    """A municipal (重庆市) demonstration title of the period's end year, not yet awarded in another
    period (once per title): the tier by the distinct children enrolled on the period's end — fewer than
    `demonstration_small_below` → small, fewer than `demonstration_large_from` → medium, else large."""
    history = history or History()
    rule_set = rule_set_on(rule_sets, period.end)
    year = period.end.year
    base = _rs_params(rule_set)
    if (
        rule_set is None
        or year not in inst.municipal_titles
        or (inst.id, year) in history.demonstration_titles
    ):
        return _nil(inst.id, DEMONSTRATION, NilReason.NO_TITLE, base)
    children = inst.children_on(period.end)
    if children < rule_set.demonstration_small_below:
        tier, amount = "small", rule_set.demonstration_small_amount
    elif children < rule_set.demonstration_large_from:
        tier, amount = "medium", rule_set.demonstration_medium_amount
    else:
        tier, amount = "large", rule_set.demonstration_large_amount
    line = ComputedLine(
        kind=DEMONSTRATION,
        amount=money(amount),
        rule_set_id=rule_set.pk,
        params={
            **base,
            "tier": tier,
            "children": str(children),
            "year": str(year),
            "small_below": str(rule_set.demonstration_small_below),
            "large_from": str(rule_set.demonstration_large_from),
        },
    )
    return ComputedEntitlement(institution_id=inst.id, kind=DEMONSTRATION, amount=line.amount, lines=(line,))


def compute_institution(
    inst: InstitutionFacts,
    period: PeriodFacts,
    rule_sets: Sequence,
    *,
    chain_members: Sequence[InstitutionFacts] = (),
    history: History | None = None,
    include_adjustments: bool = True,
) -> list[ComputedEntitlement]:
    """The three kinds for one institution, in the order operating, construction, demonstration."""
    history = history or History()
    paid = history.paid_operating.get(inst.id, ()) if include_adjustments else ()
    return [
        operating(inst, period, rule_sets, paid),
        construction(inst, period, rule_sets, chain_members, history),
        demonstration(inst, period, rule_sets, history),
    ]


# --- the words ---


def _money_words(value) -> str:
    return f"{money(Decimal(str(value))):,}"


def age_group_label(age_group: str) -> str:
    from tuoyu.institutions.models import AgeGroup

    try:
        return str(AgeGroup(age_group).label)
    except ValueError:
        return age_group


TIER_LABELS = {"small": _("small"), "medium": _("medium"), "large": _("large")}


def explain(line) -> str:
    """A line's explanation in the reader's language: the same words in the page, the PDF and the Excel.
    `line` is a ComputedLine or an EntitlementLine; nothing is read from the database."""
    params = line.params or {}
    amount = _money_words(line.amount)
    if line.kind == CHILD:
        return gettext(
            "%(class)s: %(months)s month(s) × %(rate)s yuan a year ÷ 12 = %(amount)s yuan "
            "(rules in force from %(rule_set_from)s; a month counts when the child was enrolled on its "
            "day %(count_day)s)"
        ) % {
            "class": age_group_label(line.age_group),
            "months": line.months,
            "rate": _money_words(line.rate),
            "amount": amount,
            "rule_set_from": params.get("rule_set_from", ""),
            "count_day": params.get("count_day", ""),
        }
    if line.kind == CONSTRUCTION:
        if params.get("rule") == "chain":
            members = gettext(", ").join(
                gettext("%(name)s (%(slots)s slots)")
                % {"name": m.get("name", ""), "slots": m.get("slots", "")}
                for m in params.get("members", [])
            )
            return gettext(
                "One-time construction subsidy for the investor %(uscc)s, whose %(count)s filed "
                "institutions have at least %(slots_each)s slots each: %(members)s = %(amount)s yuan "
                "(rules in force from %(rule_set_from)s)"
            ) % {
                "uscc": params.get("investor_uscc", ""),
                "count": len(params.get("members", [])),
                "slots_each": params.get("min_slots_each", ""),
                "members": members,
                "amount": amount,
                "rule_set_from": params.get("rule_set_from", ""),
            }
        return gettext(
            "One-time construction subsidy for a filed institution of %(slots)s slots (at least "
            "%(min_slots)s) = %(amount)s yuan (rules in force from %(rule_set_from)s)"
        ) % {
            "slots": params.get("slots", ""),
            "min_slots": params.get("single_min_slots", ""),
            "amount": amount,
            "rule_set_from": params.get("rule_set_from", ""),
        }
    if line.kind == DEMONSTRATION:
        tier = params.get("tier", "")
        return gettext(
            "Demonstration award for the %(year)s Chongqing demonstration title, %(children)s children "
            "enrolled at the period's end (%(tier)s tier: below %(small_below)s, below %(large_from)s, or "
            "more) = %(amount)s yuan (rules in force from %(rule_set_from)s)"
        ) % {
            "year": params.get("year", ""),
            "children": params.get("children", ""),
            "tier": str(TIER_LABELS.get(tier, tier)),
            "small_below": params.get("small_below", ""),
            "large_from": params.get("large_from", ""),
            "amount": amount,
            "rule_set_from": params.get("rule_set_from", ""),
        }
    if line.kind == ADJUSTMENT:
        text = gettext(
            "Adjustment of %(period)s: computed again from today's records %(recomputed)s yuan − paid "
            "%(paid)s yuan − earlier adjustments %(earlier)s yuan = %(amount)s yuan"
        ) % {
            "period": params.get("period_name", ""),
            "recomputed": _money_words(params.get("recomputed", "0")),
            "paid": _money_words(params.get("paid", "0")),
            "earlier": _money_words(params.get("earlier_adjustments", "0")),
            "amount": _money_words(params.get("difference", line.amount)),
        }
        if params.get("to_recover"):
            text += gettext(
                "; %(applied)s yuan set off in this period, %(rest)s yuan still to recover (proposed "
                "again in the next period)"
            ) % {"applied": amount, "rest": _money_words(params["to_recover"])}
        return text
    # NIL
    reason = line.reason or ""
    try:
        label = str(NilReason(reason).label)
    except ValueError:
        label = reason
    if reason == NilReason.BELOW_THRESHOLD and params.get("slots"):
        return gettext(
            "%(reason)s: %(slots)s slots; one institution needs at least %(single)s, an investor at least "
            "%(count)s filed institutions of at least %(each)s slots each"
        ) % {
            "reason": label,
            "slots": params.get("slots", ""),
            "single": params.get("single_min_slots", ""),
            "count": params.get("min_institutions", ""),
            "each": params.get("min_slots_each", ""),
        }
    if reason == NilReason.ALREADY_RECEIVED and params.get("recipient"):
        return gettext("%(reason)s (the investor's, through %(recipient)s)") % {
            "reason": label,
            "recipient": params["recipient"],
        }
    if params.get("count_day"):
        return gettext("%(reason)s (a month counts when the child was enrolled on its day %(count_day)s)") % {
            "reason": label,
            "count_day": params["count_day"],
        }
    return label


def explain_rule() -> str:
    """The rounding rule (money.py), for the page footers, the PDF and the Excel."""
    return gettext(
        "Each line is rate per year × months ÷ 12, rounded half up to the fen (0.01 yuan) once, at the "
        "line; an entitlement is the sum of its rounded lines, never rounded again."
    )


def explain_part_month(count_day: int | str) -> str:
    """The part-month rule of a version, in words."""
    return gettext("A month counts when the child was enrolled on its day %(day)s.") % {"day": count_day}
