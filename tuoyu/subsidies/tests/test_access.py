"""Who reaches which entitlement, page by page and in the API: an institution only its own; a street officer
and a family nothing (403 by role); another department's officer nothing (empty lists, 404 on an
entitlement); finance and the commission everything."""

import pytest

PAGES = ("/subsidies/mine/", "/subsidies/approvals/", "/subsidies/ledger/")


@pytest.fixture
def ours(make_entitlement, period_2024, puhui_institution):  # noqa: F811
    return make_entitlement(period_2024, puhui_institution, "1600.00")


@pytest.fixture
def theirs(make_entitlement, period_2024, other_institution):  # noqa: F811
    return make_entitlement(period_2024, other_institution, "700.00")


def entitlement_urls(pk: int) -> list[str]:
    return [
        f"/subsidies/entitlements/{pk}/",
        f"/subsidies/entitlements/{pk}/notice.pdf",
        f"/api/v1/subsidies/entitlements/{pk}/",
    ]


def listed(client) -> set[int]:
    return {row["id"] for row in client.get("/api/v1/subsidies/entitlements/").json()["results"]}


def test_an_institution_sees_only_its_own_entitlements(client, operator, ours, theirs):
    client.force_login(operator)
    assert listed(client) == {ours.pk}
    for url in entitlement_urls(ours.pk):
        assert client.get(url).status_code == 200, url
    for url in entitlement_urls(theirs.pk):
        assert client.get(url).status_code == 404, url
    html = client.get("/subsidies/mine/").content.decode()
    assert f'data-entitlement="{ours.pk}"' in html and f'data-entitlement="{theirs.pk}"' not in html


@pytest.mark.parametrize("persona", ["finance_officer", "hc_admin", "reviewer"])
def test_finance_and_the_commission_see_every_entitlement(request, client, persona, ours, theirs):
    client.force_login(request.getfixturevalue(persona))
    assert listed(client) == {ours.pk, theirs.pk}
    for url in entitlement_urls(theirs.pk):
        assert client.get(url).status_code == 200, url


def test_another_departments_officer_sees_none(client, other_department_officer, ours):
    client.force_login(other_department_officer)
    assert listed(client) == set()
    assert client.get("/api/v1/subsidies/payments/").json()["results"] == []
    for url in entitlement_urls(ours.pk):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("persona", ["street_officer", "family"])
def test_a_street_officer_and_a_family_are_refused_every_entitlement_page_and_resource(
    request, client, persona, ours
):
    client.force_login(request.getfixturevalue(persona))
    for url in (
        *PAGES,
        *entitlement_urls(ours.pk),
        "/api/v1/subsidies/entitlements/",
        "/api/v1/subsidies/payments/",
    ):
        assert client.get(url).status_code == 403, url
