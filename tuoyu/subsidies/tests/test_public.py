"""The public list of subsidies paid (公开): anyone reads the institutions paid, by year, kind and street or
town, with the amounts, on the page and in the API; never a child, and nothing not yet paid."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.subsidies.models import Payment, Period


@pytest.fixture
def paid(
    period_2024h1,
    make_institution,
    make_entitlement,
    enrol_between,
    finance_officer,
    hc_admin,
):
    """普惠测试托育园: operating 1,600 and construction 100,000 paid for 2024; another institution's 800 only
    approved; 2023: 500 paid. A named child is enrolled (its name must never show)."""
    puhui_institution = make_institution(name="普惠测试托育园", is_puhui=True)
    enrol_between(puhui_institution, "托小一班", date(2024, 1, 1), name="王小明")
    vouchers = iter(range(1, 100))

    def pay(entitlement):
        Payment.objects.create(
            entitlement=entitlement,
            amount=entitlement.amount,
            paid_on=date(2024, 8, 1),
            voucher_number=f"P-{next(vouchers)}",
            recorded_by=finance_officer,
        )

    pay(make_entitlement(period_2024h1, puhui_institution, "1600.00", status="paid"))
    pay(make_entitlement(period_2024h1, puhui_institution, "100000.00", status="paid", kind="construction"))
    make_entitlement(period_2024h1, make_institution(name="未付托育园"), "800.00", status="approved")
    earlier = Period.objects.create(
        name="2023", start=date(2023, 1, 1), end=date(2023, 12, 31), created_by=hc_admin
    )
    pay(make_entitlement(earlier, puhui_institution, "500.00", status="paid"))
    return puhui_institution


def test_anyone_sees_what_was_paid_by_year_kind_and_street(plain_client, paid):
    response = plain_client.get("/subsidies/public/")
    assert response.status_code == 200
    assert response.context["year"] == 2024  # the latest year paid for
    rows = {(r["kind"], r["amount"]) for r in response.context["rows"]}
    assert rows == {("operating", Decimal("1600.00")), ("construction", Decimal("100000.00"))}
    assert response.context["total"] == Decimal("101600.00")
    assert "未付托育园" not in response.content.decode()
    earlier = plain_client.get("/subsidies/public/?year=2023")
    assert [r["amount"] for r in earlier.context["rows"]] == [Decimal("500.00")]


def test_the_api_gives_the_same_rows_to_anyone(plain_client, paid):
    body = plain_client.get("/api/v1/subsidies/public/?year=2024").json()
    assert body["count"] == 2
    assert {(r["kind"], r["amount"], r["institution"], r["unit_name"]) for r in body["results"]} == {
        ("operating", "1600.00", paid.pk, "汉丰街道"),
        ("construction", "100000.00", paid.pk, "汉丰街道"),
    }
    assert plain_client.get("/api/v1/subsidies/public/").json()["count"] == 3
    assert plain_client.get("/api/v1/subsidies/public/?year=20x").status_code == 400


def test_no_child_is_ever_shown(plain_client, paid):
    for url in ("/subsidies/public/", "/subsidies/public/?year=2024", "/api/v1/subsidies/public/"):
        assert "王小明" not in plain_client.get(url).content.decode(), url
    row = plain_client.get("/api/v1/subsidies/public/").json()["results"][0]
    assert set(row) == {"year", "kind", "institution", "institution_name", "unit", "unit_name", "amount"}


def test_the_queries_do_not_grow_with_the_rows(
    plain_client, period_2024h1, make_institution, make_entitlement, finance_officer
):
    def add(n, start):
        for i in range(n):
            entitlement = make_entitlement(period_2024h1, make_institution(), "700.00", status="paid")
            Payment.objects.create(
                entitlement=entitlement,
                amount=entitlement.amount,
                paid_on=date(2024, 8, 1),
                voucher_number=f"Q-{start + i}",
                recorded_by=finance_officer,
            )

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert plain_client.get(url).status_code == 200
        return len(queries)

    urls = ("/subsidies/public/", "/api/v1/subsidies/public/")
    add(2, 0)
    two = [count(url) for url in urls]
    add(4, 10)
    assert [count(url) for url in urls] == two
