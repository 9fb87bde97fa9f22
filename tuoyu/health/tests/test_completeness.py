"""Indicator 8's reading of a complete record (rules.is_complete, rules.missing_parts): pure, no database."""

from datetime import date

import pytest

from tuoyu.health import rules

DAY = date(2026, 9, 1)
COMPLETE = {
    "entry_check_on": DAY,
    "entry_check_result": "normal",
    "vaccination_status": "complete",
    "measurements": 1,
}


def test_a_record_with_the_entry_check_the_vaccination_check_and_a_measurement_is_complete():
    assert rules.is_complete(**COMPLETE)
    assert rules.missing_parts(**COMPLETE) == []


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        ({"entry_check_on": None}, ["entry_check"]),
        ({"entry_check_result": ""}, ["entry_check"]),
        ({"vaccination_status": ""}, ["vaccination"]),
        ({"measurements": 0}, ["growth"]),
        (
            {"entry_check_on": None, "vaccination_status": "", "measurements": 0},
            ["entry_check", "vaccination", "growth"],
        ),
    ],
)
def test_each_missing_part_is_named_and_makes_the_record_incomplete(change, missing):
    values = {**COMPLETE, **change}
    assert rules.missing_parts(**values) == missing
    assert not rules.is_complete(**values)


@pytest.mark.parametrize("status", ["complete", "missing", "caught_up"])
def test_any_vaccination_status_but_not_checked_counts_as_checked(status):
    # Missing doses are a gap to catch up, not a record left unbuilt.
    assert rules.is_complete(**{**COMPLETE, "vaccination_status": status})


def test_unfit_and_follow_up_results_are_recorded_results():
    for result in ("unfit", "follow_up"):
        assert rules.is_complete(**{**COMPLETE, "entry_check_result": result})


def test_on_a_day_checks_dated_later_do_not_count_yet():
    later = {**COMPLETE, "entry_check_on": date(2026, 9, 2), "vaccination_checked_on": date(2026, 9, 3)}
    assert rules.missing_parts(**later, on=date(2026, 9, 1)) == ["entry_check", "vaccination"]
    assert rules.missing_parts(**later, on=date(2026, 9, 2)) == ["vaccination"]
    assert rules.is_complete(**later, on=date(2026, 9, 3))
    # On the day itself both count (both ends included).
    assert rules.is_complete(**{**COMPLETE, "vaccination_checked_on": DAY}, on=DAY)
