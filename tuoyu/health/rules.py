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
