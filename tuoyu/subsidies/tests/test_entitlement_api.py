"""The entitlements API: lists and filters by the object rule, one entitlement with its lines (amounts as
strings) and timeline, the actions through the same services (a refused status 409, a bad field 400,
another's entitlement 404, a role that may not 403), the payments, fixed queries."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.core.workdays import beijing_today
from tuoyu.subsidies import rules
from tuoyu.subsidies.models import Entitlement, Payment, Period

from .test_entitlement_pages import add_child_lines

API = "/api/v1/subsidies"


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def proposed(make_entitlement, period_2024, puhui_institution):  # noqa: F811
    return add_child_lines(make_entitlement(period_2024, puhui_institution, "1600.00"), ["张小明"], months=5)


@pytest.fixture
def theirs(make_entitlement, period_2024, other_institution):  # noqa: F811
    return make_entitlement(period_2024, other_institution, "700.00")


def test_an_operator_lists_only_their_own_and_filters_them(client, operator, proposed, theirs):
    client.force_login(operator)
    answer = client.get(f"{API}/entitlements/").json()
    assert [row["id"] for row in answer["results"]] == [proposed.pk]
    row = answer["results"][0]
    assert row["amount"] == "1933.33" and row["status"] == "proposed" and row["kind"] == "operating"
    assert client.get(f"{API}/entitlements/?status=paid").json()["results"] == []
    assert len(client.get(f"{API}/entitlements/?period={proposed.period_id}").json()["results"]) == 1
    assert client.get(f"{API}/entitlements/?status=bogus").status_code == 400


def test_one_entitlement_has_its_lines_as_strings_with_the_pages_words_and_its_timeline(
    client, operator, proposed
):
    client.force_login(operator)
    answer = client.get(f"{API}/entitlements/{proposed.pk}/").json()
    assert answer["amount"] == "1933.33"
    lines = answer["lines"]
    assert [line["amount"] for line in lines] == ["1600.00", "333.33"]
    assert lines[1] == {
        **lines[1],
        "kind": "child",
        "child": "张小明",
        "months": 5,
        "rate": "800.00",
        "rule_set_from": "2024-01-01",
    }
    assert lines[1]["explanation"] == str(rules.explain(proposed.lines.get(position=2)))
    assert answer["rounding_rule"] == str(rules.explain_rule())
    assert answer["actions"] == ["confirm", "dispute"]
    assert answer["events"] == [] and answer["payment"] is None


def test_the_whole_workflow_over_the_api(client, operator, hc_admin, finance_officer, proposed):
    client.force_login(operator)
    answer = post(client, f"{API}/entitlements/{proposed.pk}/dispute/", {"reason": "五月份应计入"})
    assert answer.status_code == 200 and answer.json()["status"] == "disputed"
    client.force_login(hc_admin)
    assert post(client, f"{API}/entitlements/{proposed.pk}/review/", {}).status_code == 400
    answer = post(client, f"{API}/entitlements/{proposed.pk}/review/", {"note": "5月31日退托，5月不计。"})
    assert answer.status_code == 200 and answer.json()["status"] == "reviewed"
    client.force_login(finance_officer)
    answer = post(
        client, f"{API}/entitlements/{proposed.pk}/approve/", {"note": "同意", "amount": "99999.00"}
    )
    assert answer.status_code == 200
    assert answer.json()["status"] == "approved" and answer.json()["amount"] == "1933.33"
    assert answer.json()["lines"][1]["child"] == "张*明"  # finance: masked
    assert post(client, f"{API}/entitlements/{proposed.pk}/approve/").status_code == 409
    tomorrow = (beijing_today() + timedelta(days=1)).isoformat()
    url = f"{API}/entitlements/{proposed.pk}/payment/"
    answer = post(client, url, {"paid_on": tomorrow, "voucher_number": "V-1"})
    assert answer.status_code == 400 and "paid_on" in answer.json()["errors"]
    assert post(client, url, {"paid_on": "not a day", "voucher_number": "V-1"}).status_code == 400
    assert not Payment.objects.exists()
    answer = post(client, url, {"paid_on": beijing_today().isoformat(), "voucher_number": "V-1"})
    assert answer.status_code == 200
    assert answer.json()["status"] == "paid"
    assert (
        answer.json()["payment"]["amount"] == "1933.33"
        and answer.json()["payment"]["voucher_number"] == "V-1"
    )
    assert [e["to_status"] for e in answer.json()["events"]] == ["disputed", "reviewed", "approved", "paid"]
    payments = client.get(f"{API}/payments/").json()["results"]
    assert [(p["voucher_number"], p["amount"]) for p in payments] == [("V-1", "1933.33")]
    year = beijing_today().year
    assert len(client.get(f"{API}/payments/?year={year}").json()["results"]) == 1
    assert client.get(f"{API}/payments/?year={year - 1}").json()["results"] == []
    for bad in ("2024.5", "1e4", "99999"):
        assert client.get(f"{API}/payments/?year={bad}").status_code == 400


def test_a_voucher_number_already_in_the_ledger_is_a_409(
    client,
    finance_officer,
    make_entitlement,
    period_2024,
    period_2024h1,
    puhui_institution,  # noqa: F811
):
    client.force_login(finance_officer)
    today = beijing_today().isoformat()
    first, second = (
        make_entitlement(p, puhui_institution, "100.00", status="reviewed")
        for p in (period_2024, period_2024h1)
    )
    for entitlement in (first, second):
        assert post(client, f"{API}/entitlements/{entitlement.pk}/approve/").status_code == 200
    body = {"paid_on": today, "voucher_number": "KZ-1"}
    assert post(client, f"{API}/entitlements/{first.pk}/payment/", body).status_code == 200
    answer = post(client, f"{API}/entitlements/{second.pk}/payment/", body)
    assert answer.status_code == 409 and "voucher_number" in answer.json()["errors"]
    assert Entitlement.objects.get(pk=second.pk).status == "approved"


def test_refusals_by_role_and_by_object(
    client, operator, other_operator, finance_officer, hc_admin, other_department_officer, proposed, theirs
):
    client.force_login(other_operator)
    assert client.get(f"{API}/entitlements/{proposed.pk}/").status_code == 404
    assert post(client, f"{API}/entitlements/{proposed.pk}/confirm/").status_code == 404
    client.force_login(finance_officer)
    assert post(client, f"{API}/entitlements/{proposed.pk}/confirm/").status_code == 403
    client.force_login(hc_admin)
    assert post(client, f"{API}/entitlements/{proposed.pk}/approve/").status_code == 403
    client.force_login(other_department_officer)
    assert client.get(f"{API}/entitlements/").json()["results"] == []
    assert client.get(f"{API}/entitlements/{proposed.pk}/").status_code == 404
    assert post(client, f"{API}/entitlements/{proposed.pk}/approve/").status_code == 404
    assert Entitlement.objects.get(pk=proposed.pk).status == "proposed"


def test_the_lists_keep_their_queries_whatever_the_rows(
    client,
    finance_officer,
    make_entitlement,
    hc_admin,
    puhui_institution,  # noqa: F811
):
    from tuoyu.subsidies.services.payments import payment_record

    def period(year):
        return Period.objects.create(
            name=f"{year}年度", start=date(year, 1, 1), end=date(year, 12, 31), created_by=hc_admin
        )

    def paid(year):
        entitlement = make_entitlement(period(year), puhui_institution, "100.00", status="approved")
        payment_record(
            entitlement=entitlement, by=finance_officer, paid_on=beijing_today(), voucher_number=f"V-{year}"
        )

    client.force_login(finance_officer)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for year in (2010, 2011):
        paid(year)
    urls = (f"{API}/entitlements/", f"{API}/payments/")
    count(urls[0])
    few = [count(url) for url in urls]
    for year in (2012, 2013, 2014, 2015):
        paid(year)
    assert [count(url) for url in urls] == few
    assert Decimal(client.get(f"{API}/payments/").json()["results"][0]["amount"]) == Decimal("100.00")


def test_one_entitlement_keeps_its_queries_whatever_its_lines(client, hc_admin, proposed):
    client.force_login(hc_admin)
    url = f"{API}/entitlements/{proposed.pk}/"

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count()
    few = count()
    add_child_lines(proposed, ["甲一", "乙二", "丙三", "丁四"])
    assert len(client.get(url).json()["lines"]) == 6
    assert count() == few
