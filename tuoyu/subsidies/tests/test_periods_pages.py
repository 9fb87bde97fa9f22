"""The commission's period pages and API: create (a refusal changes nothing), propose once, the period's
totals and entitlements with a fixed number of queries, the Excel with every line's explanation, the
rules page; finance reads, another department's officer and an operator do not."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tuoyu.subsidies.models import Entitlement, Period

pytestmark = pytest.mark.django_db


@pytest.fixture
def toddlers(rules_2024, make_institution, enrol_between):
    """make(n) -> n 普惠 institutions filed in 2023, each with one toddler all year."""
    from tuoyu.institutions.services import ClassSpec

    def make(count):
        made = []
        for _ in range(count):
            institution = make_institution(
                is_puhui=True,
                classes=[ClassSpec(name="托小一班", age_group="toddler", capacity=15, enrolled=0)],
            )
            type(institution).objects.filter(pk=institution.pk).update(filed_on=date(2023, 1, 1))
            enrol_between(institution, "托小一班", date(2023, 9, 1))
            made.append(institution)
        return made

    return make


def test_create_a_period_and_a_refusal_changes_nothing(client, hc_admin):
    client.force_login(hc_admin)
    url = reverse("subsidies:periods")
    answer = client.post(url, {"name": "2024年上半年", "start": "2024-06-30", "end": "2024-01-01"})
    assert answer.status_code == 400 and Period.objects.count() == 0
    answer = client.post(url, {"name": "2024年上半年", "start": "2024-01-01", "end": "2024-06-30"})
    period = Period.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("subsidies:period", args=[period.pk])
    assert client.get(url).status_code == 200


def test_propose_from_the_page_once(client, hc_admin, toddlers, period_2024h1):
    toddlers(2)
    client.force_login(hc_admin)
    url = reverse("subsidies:period_propose", args=[period_2024h1.pk])
    assert client.post(url).status_code == 302
    period_2024h1.refresh_from_db()
    assert period_2024h1.status == "proposed"
    assert Entitlement.objects.filter(period=period_2024h1, status="proposed").count() == 2
    client.post(url)  # twice: refused with a message, nothing more written
    assert Entitlement.objects.filter(period=period_2024h1).count() == 6
    page = client.get(reverse("subsidies:period", args=[period_2024h1.pk]))
    assert page.context["totals"]["amount"] == Decimal("800.00")
    filtered = client.get(reverse("subsidies:period", args=[period_2024h1.pk]), {"kind": "operating"})
    assert {e.kind for e in filtered.context["page"]} == {"operating"}


def test_the_period_page_issues_the_same_queries_for_2_and_6_institutions(client, hc_admin, toddlers):
    client.force_login(hc_admin)

    def queries(count, name, start, end):
        toddlers(count)
        period = Period.objects.create(name=name, start=start, end=end, created_by=hc_admin)
        from tuoyu.subsidies.services.periods import period_propose

        period_propose(period=period, by=hc_admin)
        client.get(reverse("subsidies:periods"))  # the session's first request reads more (sign-in, menus)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("subsidies:period", args=[period.pk])).status_code == 200
        return len(captured)

    assert queries(2, "A", date(2024, 1, 1), date(2024, 6, 30)) == queries(
        6, "B", date(2024, 7, 1), date(2024, 12, 31)
    )


def test_the_excel_explains_every_line_with_the_childs_name(client, hc_admin, toddlers, period_2024h1):
    from tuoyu.subsidies.services.periods import period_propose

    toddlers(1)
    period_propose(period=period_2024h1, by=hc_admin)
    client.force_login(hc_admin)
    answer = client.get(reverse("subsidies:period_xlsx", args=[period_2024h1.pk]))
    assert answer.status_code == 200
    workbook = load_workbook(BytesIO(answer.content))
    entitlements, lines = workbook.worksheets
    assert entitlements.max_row == 1 + 3
    child_rows = [row for row in lines.iter_rows(min_row=2, values_only=True) if row[3]]
    assert len(child_rows) == 1
    assert child_rows[0][3].startswith("补贴幼儿")
    assert child_rows[0][7] == 400  # a number, to the fen
    assert "400.00" in child_rows[0][8]
    from tuoyu.accounts.models import AccessKind, AccessLog

    logged = AccessLog.objects.get(user=hc_admin, kind=AccessKind.PERSONAL_EXPORT)
    assert period_2024h1.name in logged.detail and "3" in logged.detail  # the period, and its 3 lines


def test_finance_reads_other_officers_and_operators_do_not(
    client, finance_officer, other_department_officer, operator, period_2024h1
):
    url = reverse("subsidies:period", args=[period_2024h1.pk])
    client.force_login(finance_officer)
    assert client.get(url).status_code == 200
    assert client.get(reverse("subsidies:period_xlsx", args=[period_2024h1.pk])).status_code == 403
    assert client.post(reverse("subsidies:period_propose", args=[period_2024h1.pk])).status_code == 403
    client.force_login(other_department_officer)
    assert client.get(url).status_code == 404
    listed = client.get(reverse("subsidies:periods"))
    assert listed.status_code == 200 and list(listed.context["periods"]) == []
    client.force_login(operator)
    assert client.get(url).status_code == 403


def test_the_rules_page_shows_every_version(client, hc_admin, rules_2024, make_rule_set):
    make_rule_set(date(2025, 1, 1), rate_toddler=Decimal("1000.00"))
    client.force_login(hc_admin)
    answer = client.get(reverse("subsidies:rules"))
    assert answer.status_code == 200
    assert [v.rate_toddler for v in answer.context["versions"]] == [Decimal("1000.00"), Decimal("800.00")]


def test_the_api_creates_lists_and_proposes_a_period(client, hc_admin, finance_officer, toddlers):
    toddlers(1)
    client.force_login(hc_admin)
    url = reverse("api:subsidies-periods")
    bad = client.post(
        url, {"name": "x", "start": "2024-07-01", "end": "2025-06-30"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "end" in bad.json()["errors"]
    made = client.post(
        url,
        {"name": "2024年上半年", "start": "2024-01-01", "end": "2024-06-30"},
        content_type="application/json",
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    proposed = client.post(reverse("api:subsidies-period-propose", args=[pk]))
    assert proposed.status_code == 200
    body = proposed.json()
    assert body["status"] == "proposed"
    assert body["totals"]["amount"] == "400.00"
    assert client.post(reverse("api:subsidies-period-propose", args=[pk])).status_code == 409
    client.force_login(finance_officer)
    listed = client.get(url).json()
    assert [p["due_amount"] for p in listed["results"]] == ["400.00"]
    assert client.post(reverse("api:subsidies-period-propose", args=[pk])).status_code == 403
    rules = client.get(reverse("api:subsidies-rules")).json()
    assert rules["results"][0]["rate_toddler"] == "800.00"
