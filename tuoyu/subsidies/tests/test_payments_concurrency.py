"""Two clerks at once pay once. Row locks do nothing on SQLite, so this runs on PostgreSQL with real
transactions in real threads (core.testing.race releases them together)."""

import pytest
from django.db import connection

from tuoyu.core.testing import race
from tuoyu.core.workdays import beijing_today
from tuoyu.subsidies.models import Entitlement, EntitlementEvent, Payment
from tuoyu.subsidies.services.entitlements import entitlement_approve
from tuoyu.subsidies.services.payments import payment_record

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL; .ci/run runs this there"
    ),
]


@pytest.fixture
def reviewed(make_entitlement, period_2024, puhui_institution):  # noqa: F811 - the fixture above
    return make_entitlement(period_2024, puhui_institution, "1600.00", status="reviewed")


def test_two_approvals_at_once_approve_once(reviewed, finance_officer):
    outcomes = race([lambda: entitlement_approve(entitlement=reviewed, by=finance_officer)] * 2)
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    assert [exc.code for kind, exc in outcomes if kind == "refused"] == ["transition"]
    assert Entitlement.objects.get(pk=reviewed.pk).status == "approved"
    assert EntitlementEvent.objects.filter(entitlement=reviewed, to_status="approved").count() == 1


def test_two_payments_at_once_pay_once(reviewed, finance_officer):
    entitlement_approve(entitlement=reviewed, by=finance_officer)
    today = beijing_today()
    outcomes = race(
        [
            lambda: payment_record(
                entitlement=reviewed, by=finance_officer, paid_on=today, voucher_number="V-A"
            ),
            lambda: payment_record(
                entitlement=reviewed, by=finance_officer, paid_on=today, voucher_number="V-B"
            ),
        ]
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    assert Payment.objects.filter(entitlement=reviewed).count() == 1
    assert Entitlement.objects.get(pk=reviewed.pk).status == "paid"
    assert EntitlementEvent.objects.filter(entitlement=reviewed, to_status="paid").count() == 1
