"""The ledger and finance's approvals: who sees which payments, the filters and totals, the Excel read back,
and a fixed number of queries whatever the rows."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tuoyu.core.workdays import beijing_today
from tuoyu.subsidies.models import Period
from tuoyu.subsidies.services.entitlements import entitlement_approve
from tuoyu.subsidies.services.payments import payment_record


@pytest.fixture
def make_period(hc_admin):
    def make(year):
        return Period.objects.create(
            name=f"{year}年度", start=date(year, 1, 1), end=date(year, 12, 31), created_by=hc_admin
        )

    return make


@pytest.fixture
def pay(make_entitlement, finance_officer):
    """pay(period, institution, amount, kind=…, voucher=…) -> Payment, through the services."""

    def make(period, institution, amount, *, kind="operating", voucher):
        entitlement = make_entitlement(period, institution, amount, status="reviewed", kind=kind)
        entitlement_approve(entitlement=entitlement, by=finance_officer)
        return payment_record(
            entitlement=entitlement, by=finance_officer, paid_on=beijing_today(), voucher_number=voucher
        )

    return make


@pytest.fixture
def payments(pay, make_period, puhui_institution, other_institution):  # noqa: F811
    return [
        pay(make_period(2022), puhui_institution, "1600.00", voucher="V-OURS-1"),
        pay(make_period(2023), puhui_institution, "100000.00", kind="construction", voucher="V-OURS-2"),
        pay(Period.objects.get(name="2022年度"), other_institution, "800.50", voucher="V-THEIRS-1"),
    ]


def vouchers(html: str) -> set[str]:
    import re

    return set(re.findall(r'data-testid="payment" data-voucher="([^"]+)"', html))


def test_finance_and_the_commission_see_every_payment_with_the_total(
    client, finance_officer, hc_admin, payments
):
    for person in (finance_officer, hc_admin):
        client.force_login(person)
        html = client.get("/subsidies/ledger/").content.decode()
        assert vouchers(html) == {"V-OURS-1", "V-OURS-2", "V-THEIRS-1"}
        assert 'data-count="3" data-amount="102400.50"' in html


def test_an_operator_sees_only_their_own_payments(client, operator, payments):
    client.force_login(operator)
    html = client.get("/subsidies/ledger/").content.decode()
    assert vouchers(html) == {"V-OURS-1", "V-OURS-2"}
    assert 'data-count="2" data-amount="101600.00"' in html
    rows = list(load_workbook(BytesIO(client.get("/subsidies/ledger/export.xlsx").content)).active.values)
    assert {row[1] for row in rows[1:] if row[1]} == {"V-OURS-1", "V-OURS-2"}


def test_another_departments_officer_sees_an_empty_ledger_and_queue_and_a_street_officer_none(
    client, other_department_officer, street_officer, payments
):
    client.force_login(other_department_officer)
    assert vouchers(client.get("/subsidies/ledger/").content.decode()) == set()
    assert 'data-count="0"' in client.get("/subsidies/approvals/").content.decode()
    client.force_login(street_officer)
    for url in ("/subsidies/ledger/", "/subsidies/ledger/export.xlsx", "/subsidies/approvals/"):
        assert client.get(url).status_code == 403


def test_the_filters_narrow_the_rows_and_the_total(client, finance_officer, payments):
    client.force_login(finance_officer)
    period = Period.objects.get(name="2022年度")
    html = client.get(f"/subsidies/ledger/?period={period.pk}").content.decode()
    assert vouchers(html) == {"V-OURS-1", "V-THEIRS-1"}
    assert 'data-count="2" data-amount="2400.50"' in html
    html = client.get("/subsidies/ledger/?kind=construction").content.decode()
    assert vouchers(html) == {"V-OURS-2"}
    year = beijing_today().year
    assert len(vouchers(client.get(f"/subsidies/ledger/?year={year}").content.decode())) == 3
    # A filter that is not understood says so and shows the whole ledger.
    response = client.get("/subsidies/ledger/?kind=bogus")
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert len(vouchers(response.content.decode())) == 3


def test_the_excel_holds_each_payment_with_its_amount_as_a_number_and_the_total(
    client, finance_officer, payments
):
    client.force_login(finance_officer)
    response = client.get("/subsidies/ledger/export.xlsx?kind=operating")
    assert response.status_code == 200
    rows = [row for row in load_workbook(BytesIO(response.content)).active.values if any(row)]
    body = [row for row in rows[1:] if row[1]]
    assert {row[1] for row in body} == {"V-OURS-1", "V-THEIRS-1"}
    amounts = {row[1]: Decimal(str(row[6])) for row in body}
    assert amounts == {"V-OURS-1": Decimal("1600.00"), "V-THEIRS-1": Decimal("800.50")}
    total = next(row for row in rows if row[1] is None and row[6] is not None)
    assert Decimal(str(total[6])) == Decimal("2400.50")


def test_the_approvals_queue_lists_and_totals_what_waits_for_finance(
    client,
    finance_officer,
    make_entitlement,
    make_period,
    puhui_institution,  # noqa: F811
):
    waiting = make_entitlement(make_period(2021), puhui_institution, "1200.00", status="reviewed")
    approved = make_entitlement(make_period(2022), puhui_institution, "300.25", status="reviewed")
    entitlement_approve(entitlement=approved, by=finance_officer)
    make_entitlement(make_period(2023), puhui_institution, "999.00")  # proposed: not finance's yet
    client.force_login(finance_officer)
    html = client.get("/subsidies/approvals/").content.decode()
    assert 'data-testid="to-approve-total" data-count="1" data-amount="1200.00"' in html
    assert 'data-testid="to-pay-total" data-count="1" data-amount="300.25"' in html
    assert f'data-entitlement="{waiting.pk}"' in html and f'data-entitlement="{approved.pk}"' in html


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_ledger_and_the_queue_keep_their_queries_whatever_the_rows(
    client,
    finance_officer,
    pay,
    make_entitlement,
    make_period,
    puhui_institution,  # noqa: F811
):
    client.force_login(finance_officer)
    for year in (2015, 2016):
        pay(make_period(year), puhui_institution, "100.00", voucher=f"V-{year}")
        make_entitlement(make_period(year + 100), puhui_institution, "100.00", status="reviewed")
    urls = ("/subsidies/ledger/", "/subsidies/approvals/", "/subsidies/ledger/export.xlsx")
    count_queries(client, urls[0])  # the session's first request reads more
    few = [count_queries(client, url) for url in urls]
    for year in (2017, 2018, 2019, 2020):
        pay(make_period(year), puhui_institution, "100.00", voucher=f"V-{year}")
        make_entitlement(make_period(year + 100), puhui_institution, "100.00", status="reviewed")
    assert [count_queries(client, url) for url in urls] == few
