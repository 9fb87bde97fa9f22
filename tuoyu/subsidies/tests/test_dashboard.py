"""The dashboard: a year's budget against what was proposed (not nil), approved (approved and paid) and
paid, per kind and per street or town, on the page, in the Excel and in the summary API, aggregated in the
database (the same number of queries for 2 entitlements as for 6); every official reads it, operators and
families do not."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tuoyu.regions.models import Unit
from tuoyu.subsidies.models import Budget, Payment, Period
from tuoyu.subsidies.selectors.summary import dashboard


@pytest.fixture
def other_town(kaizhou):
    return Unit.objects.filter(level__in=("street", "town")).exclude(name="汉丰街道").order_by("path").first()


@pytest.fixture
def pay(finance_officer):
    counter = {"n": 0}

    def make(entitlement, amount=None):
        counter["n"] += 1
        return Payment.objects.create(
            entitlement=entitlement,
            amount=Decimal(amount) if amount else entitlement.amount,
            paid_on=date(2024, 7, 1),
            voucher_number=f"V-{counter['n']:04d}",
            recorded_by=finance_officer,
        )

    return make


@pytest.fixture
def year_2024(period_2024h1, make_institution, make_entitlement, other_town, pay, hc_admin):
    """Budget 10,000. Hanfeng: A operating 1,600 paid, A construction 2,000 proposed. Other town: B
    operating 800 approved, C nothing due. 2023: 5,000 paid (another year)."""
    Budget.objects.create(year=2024, amount=Decimal("10000.00"))
    a = make_institution(name="甲托育园", is_puhui=True)
    b = make_institution(name="乙托育园", is_puhui=True, unit=other_town)
    c = make_institution(name="丙托育园", unit=other_town)
    pay(make_entitlement(period_2024h1, a, "1600.00", status="paid"))
    make_entitlement(period_2024h1, a, "2000.00", kind="construction")
    make_entitlement(period_2024h1, b, "800.00", status="approved")
    make_entitlement(period_2024h1, c, "0.00", status="nil")
    earlier = Period.objects.create(
        name="2023年度", start=date(2023, 1, 1), end=date(2023, 12, 31), created_by=hc_admin
    )
    pay(make_entitlement(earlier, a, "5000.00", status="paid"))
    return {"a": a, "b": b, "c": c}


def test_it_sums_the_year_by_kind_and_street_against_the_budget(year_2024, other_town):
    found = dashboard(2024)
    assert found.budget_amount == Decimal("10000.00")
    assert (found.total.proposed, found.total.approved, found.total.paid) == (
        Decimal("4400.00"),
        Decimal("2400.00"),
        Decimal("1600.00"),
    )
    assert found.by_kind["operating"].proposed == Decimal("2400.00")
    assert found.by_kind["construction"].proposed == Decimal("2000.00")
    assert found.by_kind["construction"].approved == Decimal("0")
    assert found.approved_share == Decimal("24.0") and found.paid_share == Decimal("16.0")
    assert found.left == Decimal("7600.00")
    units = {u.name: u.total for u in found.units}
    assert units["汉丰街道"].proposed == Decimal("3600.00") and units["汉丰街道"].paid == Decimal("1600.00")
    assert units[other_town.name].approved == Decimal("800.00")
    assert all(isinstance(v, Decimal) for v in (found.total.proposed, found.total.approved, found.total.paid))


def test_a_year_without_a_budget_has_no_share(year_2024):
    found = dashboard(2023)
    assert found.budget is None and found.approved_share is None and found.left is None
    assert found.total.paid == Decimal("5000.00")


def test_the_page_excel_and_api_show_the_same_figures(client, reviewer, year_2024):
    client.force_login(reviewer)
    page = client.get("/subsidies/?year=2024")
    assert page.status_code == 200
    assert b'data-approved="2400.00"' in page.content and b'data-share="24.0"' in page.content
    assert b"subsidies-kinds-data" in page.content  # the chart's JSON beside the table
    book = load_workbook(BytesIO(client.get("/subsidies/export.xlsx?year=2024").content))
    district = list(book.active.iter_rows(values_only=True))[-3]  # before the blank row and the note
    assert district[-3:] == (4400, 2400, 1600)
    api = client.get("/api/v1/subsidies/summary/?year=2024").json()
    assert api["budget"] == "10000.00" and api["approved"] == "2400.00" and api["paid"] == "1600.00"
    assert api["approved_share"] == "24.0"
    assert {k["kind"]: k["proposed"] for k in api["by_kind"]}["construction"] == "2000.00"
    assert len(api["units"]) == 2


def test_bad_years_are_refused(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/api/v1/subsidies/summary/?year=1900").status_code == 400
    assert client.get("/subsidies/?year=abc").status_code == 400


@pytest.mark.parametrize("person", ["operator", "family"])
def test_operators_and_families_may_not_see_it(client, request, person, year_2024):
    client.force_login(request.getfixturevalue(person))
    for url in ("/subsidies/", "/subsidies/export.xlsx", "/api/v1/subsidies/summary/"):
        assert client.get(url).status_code == 403, url


def test_every_official_sees_it(client, street_officer, finance_officer, other_department_officer):
    for person in (street_officer, finance_officer, other_department_officer):
        client.force_login(person)
        assert client.get("/subsidies/").status_code == 200


def test_the_queries_do_not_grow_with_the_rows(
    client, reviewer, period_2024h1, make_institution, make_entitlement, pay
):
    client.force_login(reviewer)
    urls = (
        "/subsidies/?year=2024",
        "/subsidies/export.xlsx?year=2024",
        "/api/v1/subsidies/summary/?year=2024",
    )

    def count(url) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add(n):
        for _ in range(n):
            institution = make_institution(is_puhui=True)
            pay(make_entitlement(period_2024h1, institution, "900.00", status="paid"))

    add(2)
    for url in urls:
        count(url)  # the first request after sign-in also saves the session
    two = [count(url) for url in urls]
    add(4)
    assert [count(url) for url in urls] == two
