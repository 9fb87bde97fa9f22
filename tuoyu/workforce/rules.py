"""The rules of counting staff, as pure functions over plain values (no ORM, no clock: the day is passed in).

`selectors/compliance.py` reads the rows once and hands them here as `Person`, `Credential` and `Standard`;
the numbers on every page, the public include, the indicator and the inspection's carer-ratio item all come
from these functions, so they agree.

- **Valid on a day.** A certificate counts on day d iff `issued_on <= d` and (`expires_on` is empty or
  `d <= expires_on`): it counts on its expiry day and stops the next day. A health check counts from the day
  it was done through the day before the same date `health_check_valid_months` months later (a check on
  1 June 2026 with 12 months counts through 31 May 2027).
- **Active** on d iff `started_on <= d` and (`ended_on` is empty or `d <= ended_on`).
- **Suitable** on d iff (a valid health certificate or a valid health check) and (an 入职查询 on file on or
  before d, when the standard requires one). An unsuitable carer is flagged and not counted for ratios.
- **Certified** on d iff the person holds a certificate valid on d of a kind that `PostCertification` lists
  for their post. A post with no rows (a cook) is outside the certified rate.
- **Anti-挂靠.** Rows sharing the blind index of the ID number that are active on d at two or more
  institutions are all flagged; the person counts at one only: the row with the earliest `started_on`, then
  the lowest pk. The others are "not counting" everywhere (ratios, health staff, the certified rate).
- **Ratio per class.** Counted carers: active, suitable, counting, post carer, assigned to the class,
  weighted (full-time 1, part-time `part_time_weight`). Needed: ceil(enrolled ÷ children per carer) from the
  standard's rule for the class's age group. Met iff counted carers >= needed.
- **Health staff.** The `HealthStaffRule` for the institution's enrolled total gives the number needed and
  how many of them full-time; health staff count when active, suitable and counting.
- **Certified rate** = certified ÷ certifiable, as a percentage with one decimal; certifiable = active,
  counting and in a post with rows. None when no one is certifiable.
"""

import calendar
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CARER = "carer"
HEALTH = "health"
FULL_TIME = "full_time"
PART_TIME = "part_time"


@dataclass(frozen=True)
class Credential:
    """One certificate as the rules need it: its kind, whether that kind is a health certificate (健康证),
    and its dates."""

    kind_id: int
    issued_on: date
    expires_on: date | None = None
    is_health_certificate: bool = False
    certificate_id: int | None = None
    kind_name: str = ""


@dataclass(frozen=True)
class Person:
    """One staff row (one person's employment at one institution) with their certificates."""

    staff_id: int
    institution_id: int
    id_number_index: str
    name: str
    post: str
    employment: str
    started_on: date
    ended_on: date | None = None
    class_id: int | None = None
    background_checked_on: date | None = None
    health_checked_on: date | None = None
    credentials: tuple[Credential, ...] = ()


@dataclass(frozen=True)
class HealthRule:
    """From `min_children` to `max_children` (None: no upper end) children: `required` health staff, of
    whom `full_time_required` full-time."""

    min_children: int
    max_children: int | None
    required: int
    full_time_required: int = 0


@dataclass(frozen=True)
class Standard:
    """The staffing standard in effect on a day, as plain values."""

    part_time_weight: Decimal = Decimal("0.5")
    health_check_valid_months: int = 12
    background_check_required: bool = True
    children_per_carer: Mapping[str, int] = field(default_factory=dict)  # by age group
    health_rules: tuple[HealthRule, ...] = ()


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has none (31 January + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_active(started_on: date, ended_on: date | None, on: date) -> bool:
    return started_on <= on and (ended_on is None or on <= ended_on)


def certificate_valid(issued_on: date, expires_on: date | None, on: date) -> bool:
    """Counts on its expiry day, stops the day after; a certificate without an expiry does not expire."""
    return issued_on <= on and (expires_on is None or on <= expires_on)


def health_check_valid_until(checked_on: date, months: int) -> date:
    """The last day a health check counts: the day before the same date `months` later."""
    return add_months(checked_on, months) - timedelta(days=1)


def health_check_valid(checked_on: date | None, months: int, on: date) -> bool:
    return checked_on is not None and checked_on <= on <= health_check_valid_until(checked_on, months)


def has_valid_health_certificate(person: Person, on: date) -> bool:
    return any(
        c.is_health_certificate and certificate_valid(c.issued_on, c.expires_on, on)
        for c in person.credentials
    )


def health_ok(person: Person, standard: Standard, on: date) -> bool:
    """A valid health certificate (健康证) or a valid yearly health check."""
    return has_valid_health_certificate(person, on) or health_check_valid(
        person.health_checked_on, standard.health_check_valid_months, on
    )


def background_ok(person: Person, standard: Standard, on: date) -> bool:
    """An 入职查询 on file on or before the day, when the standard requires one."""
    if not standard.background_check_required:
        return True
    return person.background_checked_on is not None and person.background_checked_on <= on


def is_suitable(person: Person, standard: Standard, on: date) -> bool:
    return health_ok(person, standard, on) and background_ok(person, standard, on)


def is_certified(person: Person, kinds_for_post: Mapping[str, frozenset[int]], on: date) -> bool:
    """Holds a certificate valid on the day of a kind listed for their post."""
    kinds = kinds_for_post.get(person.post, frozenset())
    return any(
        c.kind_id in kinds and certificate_valid(c.issued_on, c.expires_on, on) for c in person.credentials
    )


def is_certifiable_post(post: str, kinds_for_post: Mapping[str, frozenset[int]]) -> bool:
    return bool(kinds_for_post.get(post))


def dual_employment(people: Iterable[Person], on: date) -> tuple[set[int], set[int]]:
    """Anti-挂靠 over the rows active on the day, grouped by blind index: (flagged staff ids, staff ids that
    do not count). A person active at two or more institutions has every row flagged and counts only at the
    row with the earliest start (then the lowest pk)."""
    by_person: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        if person.id_number_index and is_active(person.started_on, person.ended_on, on):
            by_person[person.id_number_index].append(person)
    flagged: set[int] = set()
    not_counting: set[int] = set()
    for rows in by_person.values():
        if len({row.institution_id for row in rows}) < 2:
            continue
        rows.sort(key=lambda row: (row.started_on, row.staff_id))
        flagged.update(row.staff_id for row in rows)
        not_counting.update(row.staff_id for row in rows[1:])
    return flagged, not_counting


def carer_weight(employment: str, standard: Standard) -> Decimal:
    """Full-time 1, part-time the standard's weight."""
    return Decimal(standard.part_time_weight) if employment == PART_TIME else Decimal(1)


def carers_needed(enrolled: int, children_per_carer: int) -> int:
    """ceil(enrolled ÷ children per carer); no children, no carer needed."""
    if enrolled <= 0:
        return 0
    return math.ceil(enrolled / children_per_carer)


def counts_as_carer(person: Person, standard: Standard, on: date, not_counting: set[int]) -> bool:
    """Active, suitable, not the non-counting side of a 挂靠, and in the carer post."""
    return (
        person.post == CARER
        and person.staff_id not in not_counting
        and is_active(person.started_on, person.ended_on, on)
        and is_suitable(person, standard, on)
    )


def class_carers(
    people: Iterable[Person], class_id: int, standard: Standard, on: date, not_counting: set[int]
) -> Decimal:
    """The weighted carers counted for one class."""
    return sum(
        (
            carer_weight(p.employment, standard)
            for p in people
            if p.class_id == class_id and counts_as_carer(p, standard, on, not_counting)
        ),
        Decimal(0),
    )


def health_rule_for(enrolled_total: int, standard: Standard) -> HealthRule | None:
    """The health staff rule whose range holds the enrolled total (none for an empty institution)."""
    for rule in standard.health_rules:
        if enrolled_total >= rule.min_children and (
            rule.max_children is None or enrolled_total <= rule.max_children
        ):
            return rule
    return None


def health_staff_met(headcount: int, full_time: int, rule: HealthRule | None) -> bool:
    if rule is None:
        return True
    return headcount >= rule.required and full_time >= rule.full_time_required


def certified_rate(certified: int, certifiable: int) -> Decimal | None:
    """Certified ÷ certifiable as a percentage with one decimal (75.0), None when no one is certifiable."""
    if not certifiable:
        return None
    return (Decimal(100) * certified / certifiable).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
