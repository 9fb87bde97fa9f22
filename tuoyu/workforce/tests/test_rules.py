"""The counting rules, pure: dates passed in, no database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tuoyu.workforce import rules

D = date(2026, 6, 15)
STANDARD = rules.Standard(
    part_time_weight=Decimal("0.5"),
    health_check_valid_months=12,
    background_check_required=True,
    children_per_carer={"infant": 3, "toddler": 5, "preschool": 7, "mixed": 5},
    health_rules=(rules.HealthRule(1, 150, 1, 0), rules.HealthRule(151, None, 2, 2)),
)


def person(staff_id=1, *, institution_id=1, index="p1", post="carer", employment="full_time", **fields):
    values = {
        "name": f"p{staff_id}",
        "started_on": D - timedelta(days=100),
        "background_checked_on": D - timedelta(days=100),
        "health_checked_on": D - timedelta(days=30),
        "class_id": 10,
    }
    values.update(fields)
    return rules.Person(
        staff_id=staff_id,
        institution_id=institution_id,
        id_number_index=index,
        post=post,
        employment=employment,
        **values,
    )


@pytest.mark.parametrize(
    ("on", "valid"), [(D - timedelta(days=1), True), (D, True), (D + timedelta(days=1), False)]
)
def test_a_certificate_counts_on_its_expiry_day_and_stops_the_next(on, valid):
    assert rules.certificate_valid(date(2025, 1, 1), D, on) is valid


def test_a_certificate_counts_from_its_issue_day_and_without_expiry_forever():
    assert not rules.certificate_valid(D, None, D - timedelta(days=1))
    assert rules.certificate_valid(D, None, D)
    assert rules.certificate_valid(D, None, date(2099, 1, 1))


def test_a_health_check_counts_for_the_standards_months():
    checked = date(2026, 6, 1)
    assert rules.health_check_valid_until(checked, 12) == date(2027, 5, 31)
    assert rules.health_check_valid(checked, 12, date(2027, 5, 31))
    assert not rules.health_check_valid(checked, 12, date(2027, 6, 1))
    assert not rules.health_check_valid(checked, 12, date(2026, 5, 31))
    assert not rules.health_check_valid(None, 12, checked)
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("on", "active"),
    [
        (date(2026, 1, 1), False),
        (date(2026, 1, 2), True),
        (date(2026, 3, 1), True),
        (date(2026, 3, 2), False),
    ],
)
def test_active_between_start_and_end_inclusive(on, active):
    assert rules.is_active(date(2026, 1, 2), date(2026, 3, 1), on) is active


def test_suitable_needs_health_and_a_background_check():
    assert rules.is_suitable(person(), STANDARD, D)
    assert not rules.is_suitable(person(health_checked_on=None), STANDARD, D)
    assert not rules.is_suitable(person(background_checked_on=None), STANDARD, D)
    assert not rules.is_suitable(person(background_checked_on=D + timedelta(days=1)), STANDARD, D)
    relaxed = rules.Standard(background_check_required=False)
    assert rules.is_suitable(person(background_checked_on=None), relaxed, D)
    health_certificate = rules.Credential(
        kind_id=9, issued_on=D - timedelta(days=5), is_health_certificate=True
    )
    assert rules.is_suitable(person(health_checked_on=None, credentials=(health_certificate,)), STANDARD, D)


def test_certified_only_by_a_valid_certificate_of_a_kind_listed_for_the_post():
    kinds = {"carer": frozenset({1, 2}), "health": frozenset({3})}
    valid = rules.Credential(kind_id=1, issued_on=D - timedelta(days=10), expires_on=D)
    wrong_kind = rules.Credential(kind_id=3, issued_on=D - timedelta(days=10))
    assert rules.is_certified(person(credentials=(valid,)), kinds, D)
    assert not rules.is_certified(person(credentials=(valid,)), kinds, D + timedelta(days=1))
    assert not rules.is_certified(person(credentials=(wrong_kind,)), kinds, D)
    assert rules.is_certified(person(post="health", credentials=(wrong_kind,)), kinds, D)
    assert not rules.is_certifiable_post("cook", kinds)


def test_dual_employment_flags_every_row_and_counts_the_earliest_start():
    first = person(1, institution_id=1, index="x", started_on=D - timedelta(days=300))
    second = person(2, institution_id=2, index="x", started_on=D - timedelta(days=10))
    alone = person(3, institution_id=1, index="y")
    ended = person(4, institution_id=3, index="y", ended_on=D - timedelta(days=1))
    flagged, not_counting = rules.dual_employment([second, first, alone, ended], D)
    assert flagged == {1, 2}
    assert not_counting == {2}
    # The same start: the lowest pk counts.
    a = person(7, institution_id=1, index="z")
    b = person(5, institution_id=2, index="z")
    assert rules.dual_employment([a, b], D) == ({5, 7}, {7})


@pytest.mark.parametrize(("carers", "met"), [(2, False), (3, True)])
def test_a_preschool_class_of_20_needs_3_carers(carers, met):
    people = [person(i, index=f"c{i}") for i in range(carers)]
    have = rules.class_carers(people, 10, STANDARD, D, set())
    needed = rules.carers_needed(20, STANDARD.children_per_carer["preschool"])
    assert needed == 3
    assert (have >= needed) is met


@pytest.mark.parametrize(
    ("enrolled", "per", "needed"),
    [(0, 3, 0), (1, 3, 1), (3, 3, 1), (4, 3, 2), (15, 5, 3), (16, 5, 4), (21, 7, 3)],
)
def test_carers_needed_at_the_boundaries(enrolled, per, needed):
    assert rules.carers_needed(enrolled, per) == needed


def test_part_time_carers_are_weighted_and_unsuitable_ones_not_counted():
    people = [
        person(1, index="a"),
        person(2, index="b", employment="part_time"),
        person(3, index="c", health_checked_on=None),
        person(4, index="d", class_id=11),
        person(5, index="e", post="cook"),
        person(6, index="f"),
    ]
    assert rules.class_carers(people, 10, STANDARD, D, {6}) == Decimal("1.5")


def test_health_staff_rule_by_enrolment():
    assert rules.health_rule_for(0, STANDARD) is None
    assert rules.health_rule_for(150, STANDARD).required == 1
    rule = rules.health_rule_for(151, STANDARD)
    assert (rule.required, rule.full_time_required) == (2, 2)
    assert rules.health_staff_met(1, 0, rules.health_rule_for(10, STANDARD))
    assert not rules.health_staff_met(2, 1, rule)
    assert rules.health_staff_met(0, 0, None)


def test_certified_rate_is_a_percentage_or_none():
    assert rules.certified_rate(0, 0) is None
    assert rules.certified_rate(2, 4) == Decimal("50.0")
    assert rules.certified_rate(2, 3) == Decimal("66.7")
