"""The menu's subsidy entries: the commission, finance (only the finance department's officers), an
operator, and the public footer; the context processor's finance rule is the selectors' rule."""

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
def test_the_menu_asks_the_same_finance_rule_as_the_selectors(
    finance_officer, other_department_officer, hc_admin, reviewer, operator, family
):
    for user in (finance_officer, other_department_officer, hc_admin, reviewer, operator, family):
        assert _menu(user)["subsidy_finance"] == is_finance_officer(user), user.username
    assert _menu(finance_officer)["subsidy_finance"] is True
    assert _menu(other_department_officer)["subsidy_finance"] is False


@pytest.mark.django_db
def test_each_role_gets_its_own_subsidy_entries(finance_officer, hc_admin, reviewer, operator, family):
    assert _menu(hc_admin)["subsidies"] and _menu(reviewer)["subsidies"]
    assert not _menu(finance_officer)["subsidies"] and not _menu(operator)["subsidies"]
    assert _menu(operator)["subsidy_claims"]
    assert not any(_menu(family)[k] for k in ("subsidies", "subsidy_finance", "subsidy_claims"))
