"""The health app's rules, pure functions over plain values with the day passed in, so pages, services,
the summaries and the indicator agree and the tests state the boundaries.

- record completeness (电子健康档案 complete: what indicator 8 counts)
- the outbreak rule (N children with the same symptom in one class within D consecutive days)
"""

# --- record completeness ---
# 电子健康档案建设管理率 (indicator 8) = enrolled children with a complete record ÷ enrolled children. We read
# "built" (建设) as the record opened with the entry health check (入托体检) recorded with its result and the
# vaccination certificate (预防接种证) checked, and "managed" (管理) as the child followed by growth
# measurements: at least one. A record missing any of the three is opened but not complete.
ENTRY_CHECK = "entry_check"
VACCINATION = "vaccination"
GROWTH = "growth"
PARTS = (ENTRY_CHECK, VACCINATION, GROWTH)


def missing_parts(
    *,
    entry_check_on,
    entry_check_result: str,
    vaccination_status: str,
    measurements: int,
    vaccination_checked_on=None,
    on=None,
) -> list[str]:
    """What a record still lacks to be complete, in PARTS order ([] when complete).

    - "entry_check": the entry health check has no date or no result;
    - "vaccination": the vaccination certificate has not been checked (status "" = not checked; missing
      doses still count as checked: the gap is followed up, the record is built);
    - "growth": no growth measurement (`measurements` = how many there are, on or before `on`).

    With `on` (a day), the record is read as it stood that day: an entry check or a vaccination check
    dated after it does not count yet (the caller counts only the measurements dated on or before it).
    """
    missing = []
    if not entry_check_on or not entry_check_result or (on is not None and entry_check_on > on):
        missing.append(ENTRY_CHECK)
    checked_later = on is not None and vaccination_checked_on is not None and vaccination_checked_on > on
    if not vaccination_status or checked_later:
        missing.append(VACCINATION)
    if not measurements or measurements < 1:
        missing.append(GROWTH)
    return missing


def is_complete(
    *,
    entry_check_on,
    entry_check_result: str,
    vaccination_status: str,
    measurements: int,
    vaccination_checked_on=None,
    on=None,
) -> bool:
    """A complete record (建成并管理的电子健康档案, what indicator 8 counts): the entry check is recorded with a
    result, the vaccination certificate has been checked (any status but not-checked), and the child has at
    least one growth measurement. See `missing_parts` for the reading of a day."""
    return not missing_parts(
        entry_check_on=entry_check_on,
        entry_check_result=entry_check_result,
        vaccination_status=vaccination_status,
        measurements=measurements,
        vaccination_checked_on=vaccination_checked_on,
        on=on,
    )


# --- outbreak ---
# A case is one child with one symptom on one day: found ill at a check, or absent for illness with that
# symptom (因病缺勤追踪). A window of D consecutive days ends on the day of the check being recorded, so
# an alert is raised on the day its threshold is reached and not later. A child counts once per symptom
# per window, however many checks (morning and midday, several days) found it; different symptoms never
# add up, and each class is counted on its own.
from collections.abc import Iterable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import date, timedelta  # noqa: E402

# (class_id, child_id, day, symptom)
Case = tuple[int, int, date, str]
# (code, days, min_cases)
Threshold = tuple[str, int, int]


@dataclass(frozen=True)
class Cluster:
    """Children with one symptom in one class who reach a rule's threshold within its window."""

    class_id: int
    symptom: str
    rule: str  # the rule's code
    children: tuple[int, ...]  # distinct, in ascending order
    days: tuple[date, ...]  # the days with at least one case, in order
    first_day: date
    last_day: date

    @property
    def cases(self) -> int:
        return len(self.children)


def outbreak_window(days: int, today: date) -> tuple[date, date]:
    """The first and last day of a window of `days` consecutive days ending on `today`."""
    if days < 1:
        raise ValueError("a window has at least one day")
    return today - timedelta(days=days - 1), today


def clusters(cases: Iterable[Case], rules: Iterable[Threshold], today: date) -> list[Cluster]:
    """Which (class, symptom, rule) reach the rule's number of distinct children within the rule's
    window ending on `today`; ordered by class, symptom, then the rule's window (shortest first) and
    threshold. Cases outside every window (before it, or after `today`) are ignored."""
    cases = list(cases)
    ordered = sorted(rules, key=lambda rule: (rule[1], rule[2], rule[0]))
    found: list[Cluster] = []
    for code, days, min_cases in ordered:
        start, end = outbreak_window(days, today)
        children: dict[tuple[int, str], set[int]] = {}
        seen_days: dict[tuple[int, str], set[date]] = {}
        for class_id, child_id, day, symptom in cases:
            if start <= day <= end:
                children.setdefault((class_id, symptom), set()).add(child_id)
                seen_days.setdefault((class_id, symptom), set()).add(day)
        for (class_id, symptom), ids in children.items():
            if len(ids) >= min_cases:
                on = tuple(sorted(seen_days[(class_id, symptom)]))
                found.append(
                    Cluster(
                        class_id=class_id,
                        symptom=symptom,
                        rule=code,
                        children=tuple(sorted(ids)),
                        days=on,
                        first_day=on[0],
                        last_day=on[-1],
                    )
                )
    order = {code: index for index, (code, _days, _min) in enumerate(ordered)}
    found.sort(key=lambda c: (c.class_id, c.symptom, order[c.rule]))
    return found
