"""compute_period on the records: the same hand-computed figures as the pure rules, read from enrolments,
profiles and titles, in a fixed number of queries per batch of institutions."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.subsidies.models import RuleSet, SubsidyProfile
from tuoyu.subsidies.selectors.compute import compute_period

from .conftest import KAIZHOU_2024

pytestmark = pytest.mark.django_db


def _by(results, institution, kind):
    return next(r for r in results if r.institution_id == institution.pk and r.kind == kind)


def test_a_puhui_mix_of_classes_and_months_from_the_records(
    rules_2024, puhui_institution, enrol_between, period_2024h1
):
    enrol_between(puhui_institution, "托小一班", date(2023, 9, 1))  # Jan–Jun: 400.00
    enrol_between(puhui_institution, "乳儿一班", date(2024, 3, 16), date(2024, 6, 30))  # Apr–Jun: 225.00
    enrol_between(puhui_institution, "托大一班", date(2024, 1, 10), date(2024, 5, 31))  # Jan–May: 291.67
    enrol_between(puhui_institution, "托小一班", date(2022, 1, 1), date(2023, 12, 31))  # before: nothing
    operating = _by(compute_period(period_2024h1), puhui_institution, "operating")
    assert sorted(line.amount for line in operating.lines) == [
        Decimal("225.00"),
        Decimal("291.67"),
        Decimal("400.00"),
    ]
    assert operating.amount == Decimal("916.67")
    assert all(line.rule_set_id == rules_2024.pk for line in operating.lines)


def test_the_same_children_in_a_non_puhui_institution(
    rules_2024, puhui_institution, enrol_between, period_2024h1
):
    puhui_institution.is_puhui = False
    puhui_institution.save(update_fields=["is_puhui"])
    enrol_between(puhui_institution, "托小一班", date(2023, 9, 1))
    operating = _by(compute_period(period_2024h1), puhui_institution, "operating")
    assert (operating.amount, operating.nil_reason) == (Decimal("0.00"), "not_puhui")


def test_a_rate_change_from_the_records(make_rule_set, puhui_institution, enrol_between, period_2024h1):
    make_rule_set(date(2024, 1, 1))
    make_rule_set(date(2024, 4, 1), rate_toddler=Decimal("1000.00"))
    enrol_between(puhui_institution, "托小一班", date(2023, 9, 1))
    operating = _by(compute_period(period_2024h1), puhui_institution, "operating")
    assert [(line.months, line.amount) for line in operating.lines] == [
        (3, Decimal("200.00")),
        (3, Decimal("250.00")),
    ]
    assert operating.amount == Decimal("450.00")


def test_unsaved_rule_sets_change_the_figures_and_nothing_is_written(
    rules_2024, puhui_institution, enrol_between, period_2024h1
):
    enrol_between(puhui_institution, "托小一班", date(2023, 9, 1))
    what_if = RuleSet(effective_from=date(2024, 1, 1), **{**KAIZHOU_2024, "rate_toddler": Decimal("1000.00")})
    operating = _by(compute_period(period_2024h1, rule_sets=[what_if]), puhui_institution, "operating")
    assert operating.amount == Decimal("500.00")
    assert RuleSet.objects.count() == 1


def _uscc(n):
    from stdnum.cn import uscc

    stem = f"91500154MB{n:07d}"
    return stem + uscc.calc_check_digit(stem)


def _filed(institution, on, slots):
    type(institution).objects.filter(pk=institution.pk).update(filed_on=on, capacity_total=slots)


def test_the_chain_rule_reads_the_investor_from_the_profiles(rules_2024, make_institution, period_2024h1):
    investor = _uscc(1)
    members = [make_institution() for _ in range(3)]
    for n, (member, slots) in enumerate(zip(members, [60, 50, 49], strict=True)):
        _filed(member, date(2023, 1, 1 + n), slots)
        SubsidyProfile.objects.create(institution=member, investor_uscc=investor)
    results = compute_period(period_2024h1)
    assert {_by(results, m, "construction").nil_reason for m in members} == {"below_threshold"}
    _filed(members[2], date(2023, 1, 3), 50)
    results = compute_period(period_2024h1)
    first = _by(results, members[0], "construction")
    assert (first.amount, first.investor_uscc) == (Decimal("100000.00"), investor)
    assert _by(results, members[1], "construction").nil_reason == "already_received"


def test_queries_are_fixed_per_batch_whatever_the_rows(
    rules_2024, make_institution, enrol_between, period_2024h1
):
    from tuoyu.institutions.services import ClassSpec

    def build(count):
        made = []
        for _ in range(count):
            institution = make_institution(
                is_puhui=True,
                classes=[ClassSpec(name="托小一班", age_group="toddler", capacity=15, enrolled=0)],
            )
            _filed(institution, date(2023, 1, 1), 15)
            for _child in range(3):
                enrol_between(institution, "托小一班", date(2023, 9, 1))
            made.append(institution)
        return made

    two = build(2)
    with CaptureQueriesContext(connection) as small:
        compute_period(period_2024h1, institution_ids=[i.pk for i in two])
    six = build(6)
    with CaptureQueriesContext(connection) as large:
        results = compute_period(period_2024h1, institution_ids=[i.pk for i in six])
    assert len(small) == len(large)
    assert len(results) == 18
    # Batches of two: the same queries again per batch, never per child.
    with CaptureQueriesContext(connection) as batched:
        compute_period(period_2024h1, institution_ids=[i.pk for i in six], batch_size=2)
    assert len(batched) == len(large) + 2 * 6
