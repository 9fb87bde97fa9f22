"""The subsidies demo (seed_subsidies_demo): on the register's, bookings' and grading's demos, made through
the services: the finance officer, rules, budgets, profiles (a chain and rent-free premises), the previous
half year proposed with an entitlement in each status and a payment; a second run changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.bookings.models import Enrolment
from tuoyu.subsidies.demo import CHAIN_LOGIN, FINANCE_LOGIN, investor_uscc, previous_half_year
from tuoyu.subsidies.models import (
    Budget,
    Entitlement,
    EntitlementEvent,
    EntitlementLine,
    Payment,
    Period,
    RentFreeReminder,
    RuleSet,
    SubsidyProfile,
)
from tuoyu.subsidies.selectors import is_finance_officer, may_claim


@pytest.fixture
def demo_district(kaizhou):
    from tuoyu.bookings.demo import seed_bookings
    from tuoyu.grading.demo import seed_grading
    from tuoyu.institutions.demo import seed_district, seed_personas

    seed_district(count=15)
    seed_personas()
    seed_bookings()
    seed_grading()


def _counts() -> tuple:
    return (
        User.objects.count(),
        RuleSet.objects.count(),
        Budget.objects.count(),
        SubsidyProfile.objects.count(),
        Enrolment.objects.count(),
        Period.objects.count(),
        Entitlement.objects.count(),
        EntitlementLine.objects.count(),
        EntitlementEvent.objects.count(),
        Payment.objects.count(),
        RentFreeReminder.objects.count(),
        tuple(Entitlement.objects.order_by("pk").values_list("status", "amount")),
    )


@pytest.mark.django_db
def test_the_seed_runs_twice_and_leaves_every_status_a_payment_and_the_lists(demo_district):
    out = StringIO()
    call_command("seed_subsidies_demo", stdout=out)
    counts = _counts()
    again = StringIO()
    call_command("seed_subsidies_demo", stdout=again)
    assert _counts() == counts
    for login in (FINANCE_LOGIN, CHAIN_LOGIN):
        assert login in out.getvalue() and login in again.getvalue()
    finance = User.objects.get(username=FINANCE_LOGIN)
    assert is_finance_officer(finance) and finance.check_password("kaizhou-demo-2026")

    today = timezone.localdate()
    assert set(Budget.objects.values_list("year", flat=True)) == {today.year, today.year - 1}
    assert RuleSet.objects.exists()
    name, start, end = previous_half_year(today)
    period = Period.objects.get(start=start, end=end)
    assert period.status == "proposed" and period.name == name
    statuses = set(Entitlement.objects.filter(period=period).values_list("status", flat=True))
    assert {"proposed", "confirmed", "disputed", "reviewed", "approved", "paid", "nil"} <= statuses
    # The demo operator has a proposal to answer, and its own.
    operator = User.objects.get(username="operator")
    waiting = Entitlement.objects.filter(period=period, status="proposed").select_related("institution")
    assert any(may_claim(operator, e) for e in waiting)
    payment = Payment.objects.get()
    assert payment.entitlement.status == "paid" and payment.amount == payment.entitlement.amount > 0
    # Every amount is the sum of its lines, and the operating subsidies rest on the demo's children.
    for entitlement in Entitlement.objects.filter(period=period).exclude(status="nil"):
        assert entitlement.amount == sum(line.amount for line in entitlement.lines.all())
    assert EntitlementLine.objects.filter(entitlement__period=period, kind="child").exists()
    assert all(
        name.startswith("示例")
        for name in EntitlementLine.objects.filter(kind="child").values_list("child__name", flat=True)
    )
    # The investor's three institutions, and state-owned premises whose rent-free years end soon.
    assert SubsidyProfile.objects.filter(investor_uscc=investor_uscc()).count() == 3
    ends_soon = [
        p
        for p in SubsidyProfile.objects.filter(state_premises=True)
        if 0 < (p.rent_free_from.replace(year=p.rent_free_from.year + 3) - today).days <= 60
    ]
    assert len(ends_soon) == 1
    assert RentFreeReminder.objects.get().profile == ends_soon[0]


@pytest.mark.django_db
def test_without_the_register_demo_it_says_what_to_run(kaizhou):
    out = StringIO()
    call_command("seed_subsidies_demo", stdout=out)
    assert "seed_demo" in out.getvalue()
    assert not Period.objects.exists()
