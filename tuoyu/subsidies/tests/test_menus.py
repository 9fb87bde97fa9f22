"""The menu's subsidy entries: the commission, finance (only the finance department's officers), an
operator, and the public footer; the menu and the object rules ask the one finance rule
(accounts.capabilities.is_finance_officer)."""

import pytest
from django.test import RequestFactory

from tuoyu.accounts.context_processors import menu
from tuoyu.subsidies.selectors import is_finance_officer


def _menu(user) -> dict:
    request = RequestFactory().get("/")
    request.user = user
    entries = menu(request)["menu"]
    return {k: v() if callable(v) else v for k, v in entries.items()}


@pytest.mark.django_db
def test_only_the_finance_departments_officers_get_the_finance_entries(
    finance_officer, other_department_officer, hc_admin, reviewer, operator, family
):
    for user in (finance_officer, other_department_officer, hc_admin, reviewer, operator, family):
        assert _menu(user)["subsidy_finance"] == is_finance_officer(user), user.username
    assert _menu(finance_officer)["subsidy_finance"] is True
    assert _menu(other_department_officer)["subsidy_finance"] is False


@pytest.mark.django_db
def test_each_role_gets_its_own_subsidy_entries(finance_officer, hc_admin, reviewer, operator, family):
    assert _menu(hc_admin)["subsidy_manage"] and _menu(reviewer)["subsidy_manage"]
    assert not _menu(finance_officer)["subsidy_manage"] and not _menu(operator)["subsidy_manage"]
    # Every official reads the dashboard; an operator answers its own proposals.
    assert _menu(finance_officer)["subsidies"] and _menu(hc_admin)["subsidies"]
    assert not _menu(operator)["subsidies"] and _menu(operator)["subsidy_claims"]
    keys = ("subsidies", "subsidy_manage", "subsidy_finance", "subsidy_claims")
    assert not any(_menu(family)[k] for k in keys)


def _nav_links(client, user) -> set[str]:
    if user is not None:
        client.force_login(user)
    html = client.get("/").content.decode()
    nav = html[html.index('class="site-nav"') : html.index("</nav>")]
    footer = html[html.index('class="site-footer"') :]
    return {f"nav:{href}" for href in _hrefs(nav)} | {f"footer:{href}" for href in _hrefs(footer)}


def _hrefs(html: str) -> set[str]:
    import re

    return set(re.findall(r'href="(/subsidies/[^"]*)"', html))


@pytest.mark.django_db
def test_the_pages_draw_each_role_s_links_and_the_public_footer(
    client, finance_officer, other_department_officer, hc_admin, operator
):
    assert _nav_links(client, None) == {"footer:/subsidies/public/"}
    commission = _nav_links(client, hc_admin)
    assert {"nav:/subsidies/", "nav:/subsidies/whatif/"} <= commission
    assert "nav:/subsidies/approvals/" not in commission
    finance = _nav_links(client, finance_officer)
    assert {"nav:/subsidies/", "nav:/subsidies/approvals/", "nav:/subsidies/ledger/"} <= finance
    assert "nav:/subsidies/whatif/" not in finance
    other = _nav_links(client, other_department_officer)
    assert "nav:/subsidies/approvals/" not in other and "nav:/subsidies/ledger/" not in other
    assert "nav:/subsidies/mine/" in _nav_links(client, operator)
