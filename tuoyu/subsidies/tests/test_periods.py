"""Period services: create with clear refusals, propose once (entitlements, lines, events, notices, the
period's move), adjustments of a paid period in the next one, the once-ever subsidies across periods, a
disputed entitlement computed again."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tuoyu.core.models import OutboxMessage
from tuoyu.subsidies.models import (
    Entitlement,
    EntitlementEvent,
    EntitlementLine,
    Period,
    PeriodEvent,
    SubsidyProfile,
)
from tuoyu.subsidies.services.periods import (
    entitlement_recompute,
    period_close,
    period_create,
    period_propose,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def period_2024h2(hc_admin):
    return Period.objects.create(
        name="2024年下半年", start=date(2024, 7, 1), end=date(2024, 12, 31), created_by=hc_admin
    )


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(2024, 6, 30), date(2024, 1, 1), "end"),  # ends before it starts
        (date(2024, 7, 1), date(2025, 6, 30), "end"),  # over two years
        (date(2024, 3, 1), date(2024, 8, 31), "start"),  # overlaps 2024H1, also six months
        (date(2024, 1, 1), date(2024, 6, 30), "start"),  # the same dates
    ],
)
def test_period_create_refuses_clearly_and_writes_nothing(hc_admin, period_2024h1, start, end, field):
    with pytest.raises(ValidationError) as refused:
        period_create(name="新的期间", start=start, end=end, by=hc_admin)
    assert field in refused.value.message_dict
    assert Period.objects.count() == 1


def test_a_year_over_its_first_half_is_refused_and_the_second_half_follows(hc_admin, period_2024h1):
    """A year proposed after its first half would pay January to June twice."""
    with pytest.raises(ValidationError) as refused:
        period_create(name="2024年度", start=date(2024, 1, 1), end=date(2024, 12, 31), by=hc_admin)
    assert "start" in refused.value.message_dict and Period.objects.count() == 1
    period = period_create(name="2024年下半年", start=date(2024, 7, 1), end=date(2024, 12, 31), by=hc_admin)
    assert (period.status, Period.objects.count()) == ("open", 2)


def test_propose_saves_every_entitlement_with_its_lines_events_and_notices(
    rules_2024, puhui_institution, enrol_between, period_2024h1, hc_admin, operator
):
    operator.phone = "13900000001"
    operator.save(update_fields=["phone"])
    enrol_between(puhui_institution, "托小一班", date(2023, 9, 1))  # 400.00
    enrol_between(puhui_institution, "托大一班", date(2024, 1, 10), date(2024, 5, 31))  # 291.67
    period = period_propose(period=period_2024h1, by=hc_admin)
    assert period.status == "proposed" and period.proposed_at is not None
    assert PeriodEvent.objects.filter(period=period, to_status="proposed", by=hc_admin).count() == 1
    entitlements = {
        e.kind: e for e in Entitlement.objects.filter(period=period, institution=puhui_institution)
    }
    assert (entitlements["operating"].amount, entitlements["operating"].status) == (
        Decimal("691.67"),
        "proposed",
    )
    assert entitlements["construction"].status == "nil"
    assert entitlements["construction"].nil_reason == "below_threshold"
    assert entitlements["demonstration"].nil_reason == "no_title"
    lines = EntitlementLine.objects.filter(entitlement=entitlements["operating"])
    assert sum(line.amount for line in lines) == entitlements["operating"].amount
    assert EntitlementEvent.objects.filter(from_status="", by=hc_admin).count() == Entitlement.objects.count()
    assert OutboxMessage.objects.filter(recipient="13900000001").count() == 1

    with pytest.raises(ValidationError):
        period_propose(period=period, by=hc_admin)
    assert Entitlement.objects.filter(period=period).count() == 3


def test_a_deregistration_after_a_paid_period_is_an_adjustment_in_the_next(
    rules_2024, puhui_institution, enrol_between, period_2024h1, period_2024h2, make_entitlement, hc_admin
):
    # Two toddlers all year; H1 paid 800.00 (two children, six months each).
    enrol_between(puhui_institution, "托小一班", date(2023, 9, 1))
    enrol_between(puhui_institution, "托小一班", date(2023, 9, 1))
    make_entitlement(period_2024h1, puhui_institution, "800.00", status="paid")
    # Recorded later: the institution was deregistered on 2024-04-01 (not filed on April 15th).
    type(puhui_institution).objects.filter(pk=puhui_institution.pk).update(deregistered_on=date(2024, 4, 1))
    period_propose(period=period_2024h2, by=hc_admin)
    operating = Entitlement.objects.get(period=period_2024h2, institution=puhui_institution, kind="operating")
    adjustment = operating.lines.get(kind="adjustment")
    # H1 recomputed: 2 × 3 × 800 ÷ 12 = 400.00; 400.00 − 800.00 = −400.00, nothing due in H2 to set off.
    assert adjustment.adjusted_period == period_2024h1
    assert adjustment.params["difference"] == "-400.00"
    assert adjustment.params["to_recover"] == "400.00"
    assert (operating.amount, operating.status, operating.nil_reason) == (Decimal("0.00"), "nil", "not_filed")
    # The paid entitlement is untouched.
    assert Entitlement.objects.get(period=period_2024h1, kind="operating").amount == Decimal("800.00")


def test_a_corrected_enrolment_is_set_off_in_the_next_period(
    rules_2024, puhui_institution, enrol_between, period_2024h1, period_2024h2, make_entitlement, hc_admin
):
    enrol_between(puhui_institution, "托小一班", date(2023, 9, 1))  # H1 400.00, H2 400.00
    make_entitlement(period_2024h1, puhui_institution, "600.00", status="paid")  # 200.00 too much
    period_propose(period=period_2024h2, by=hc_admin)
    operating = Entitlement.objects.get(period=period_2024h2, institution=puhui_institution, kind="operating")
    assert [line.amount for line in operating.lines.all()] == [Decimal("400.00"), Decimal("-200.00")]
    assert operating.amount == Decimal("200.00")


def test_the_same_investor_asking_twice(rules_2024, make_institution, period_2024h1, period_2024h2, hc_admin):
    from stdnum.cn import uscc

    stem = "91500154MC0000001"
    investor = stem + uscc.calc_check_digit(stem)
    members = [make_institution() for _ in range(3)]
    for n, member in enumerate(members):
        type(member).objects.filter(pk=member.pk).update(filed_on=date(2023, 1, 1 + n), capacity_total=60)
        SubsidyProfile.objects.create(institution=member, investor_uscc=investor)
    period_propose(period=period_2024h1, by=hc_admin)
    first = Entitlement.objects.get(period=period_2024h1, institution=members[0], kind="construction")
    assert (first.amount, first.investor_uscc, first.status) == (Decimal("100000.00"), investor, "proposed")
    period_propose(period=period_2024h2, by=hc_admin)
    again = Entitlement.objects.filter(period=period_2024h2, kind="construction")
    assert {(e.amount, e.nil_reason) for e in again} == {(Decimal("0.00"), "already_received")}


def test_a_disputed_entitlement_is_computed_again(
    rules_2024, puhui_institution, enrol_between, period_2024h1, make_entitlement, hc_admin
):
    enrol_between(puhui_institution, "托小一班", date(2023, 9, 1))
    disputed = make_entitlement(period_2024h1, puhui_institution, "1600.00", status="disputed")
    entitlement = entitlement_recompute(entitlement=disputed, by=hc_admin, note="enrolment corrected")
    assert (entitlement.status, entitlement.amount) == ("proposed", Decimal("400.00"))
    assert [line.amount for line in entitlement.lines.all()] == [Decimal("400.00")]
    assert EntitlementEvent.objects.filter(entitlement=entitlement, from_status="disputed").count() == 1
    with pytest.raises(ValidationError):
        entitlement_recompute(entitlement=entitlement, by=hc_admin)


def test_close_a_proposed_period(rules_2024, period_2024h1, hc_admin):
    with pytest.raises(ValidationError):
        period_close(period=period_2024h1, by=hc_admin)
    period = period_close(period=period_propose(period=period_2024h1, by=hc_admin), by=hc_admin)
    assert period.status == "closed"
