"""The official workspace (/workspace/) lists the subsidies waiting for the person's step: the commission
what the institutions confirmed or disputed, finance what was reviewed (to approve) and approved (to pay);
another department's officer sees no such list; the page's queries do not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

URL = "/workspace/"


def _rows(response, testid: str) -> dict[int, str]:
    import re

    html = response.content.decode()
    if f'data-testid="{testid}"' not in html:
        return {}
    table = html[html.index(f'data-testid="{testid}"') :]
    table = table[: table.index("</table>")]
    return {
        int(pk): status for pk, status in re.findall(r'data-entitlement="(\d+)" data-status="(\w+)"', table)
    }


@pytest.fixture
def waiting(period_2024, make_institution, make_entitlement):
    puhui_institution = make_institution(is_puhui=True)
    return {
        status: make_entitlement(period_2024, puhui_institution, status=status, kind=kind)
        for status, kind in (
            ("proposed", "operating"),
            ("confirmed", "construction"),
            ("disputed", "demonstration"),
        )
    } | {
        "reviewed": make_entitlement(
            _other_period(period_2024), puhui_institution, status="reviewed", kind="operating"
        ),
        "approved": make_entitlement(
            _other_period(period_2024, half=2), puhui_institution, status="approved", kind="operating"
        ),
    }


def _other_period(period, half: int = 1):
    from datetime import date

    from tuoyu.subsidies.models import Period

    start, end = (
        (date(2023, 1, 1), date(2023, 6, 30)) if half == 1 else (date(2023, 7, 1), date(2023, 12, 31))
    )
    return Period.objects.create(name=f"2023-{half}", start=start, end=end, created_by=period.created_by)


@pytest.mark.django_db
def test_the_commission_reviews_and_finance_approves_and_pays_from_the_workspace(
    client, hc_admin, finance_officer, other_department_officer, waiting
):
    client.force_login(hc_admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert _rows(response, "subsidies-to-review") == {
        waiting["confirmed"].pk: "confirmed",
        waiting["disputed"].pk: "disputed",
    }
    assert _rows(response, "subsidies-to-approve") == {}

    client.force_login(finance_officer)
    response = client.get(URL)
    assert _rows(response, "subsidies-to-review") == {}
    assert _rows(response, "subsidies-to-approve") == {waiting["reviewed"].pk: "reviewed"}
    assert _rows(response, "subsidies-to-pay") == {waiting["approved"].pk: "approved"}
    assert f'href="/subsidies/entitlements/{waiting["reviewed"].pk}/"' in response.content.decode()

    client.force_login(other_department_officer)
    response = client.get(URL)
    assert response.status_code == 200 and 'id="subsidies"' not in response.content.decode()


def _queries(client, user) -> int:
    client.force_login(user)
    client.get(URL)  # warm the session and the caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_the_workspace_s_queries_do_not_grow_with_the_subsidies_waiting(
    client, hc_admin, finance_officer, period_2024, make_institution, make_entitlement
):
    def add(n: int, status: str) -> None:
        for _i in range(n):
            make_entitlement(period_2024, make_institution(is_puhui=True), status=status)

    add(1, "confirmed")
    add(1, "reviewed")
    few = (_queries(client, hc_admin), _queries(client, finance_officer))
    add(3, "confirmed")
    add(3, "reviewed")
    assert (_queries(client, hc_admin), _queries(client, finance_officer)) == few
