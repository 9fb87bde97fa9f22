"""The year's budget: set by the commission (a new year or the year's row changed, audited), refused with a
message and nothing written for a bad year or amount, and no one else may set it."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from tuoyu.subsidies.models import Budget
from tuoyu.subsidies.services.budget import budget_set


def test_it_sets_and_then_changes_a_years_budget_audited_with_who(hc_admin):
    budget_set(year=2024, amount=Decimal("500000.00"), by=hc_admin, note="区财政预算")
    budget = budget_set(year=2024, amount="650000.50", by=hc_admin)
    assert Budget.objects.count() == 1
    assert budget.amount == Decimal("650000.50") and budget.updated_by == hc_admin
    entries = LogEntry.objects.get_for_object(budget)
    assert entries.count() == 2 and {e.actor_id for e in entries} == {hc_admin.pk}


@pytest.mark.parametrize(
    ("year", "amount", "field"),
    [
        (2019, "1000", "year"),
        (2101, "1000", "year"),
        (2024, "0", "amount"),
        (2024, "-5", "amount"),
        (2024, "12.345", "amount"),
        (2024, "NaN", "amount"),
        (2024, "abc", "amount"),
    ],
)
def test_it_refuses_a_bad_year_or_amount_and_writes_nothing(hc_admin, year, amount, field):
    with pytest.raises(ValidationError) as caught:
        budget_set(year=year, amount=amount, by=hc_admin)
    assert field in caught.value.message_dict
    assert not Budget.objects.exists()


def test_money_is_never_a_float(hc_admin):
    with pytest.raises(TypeError):
        budget_set(year=2024, amount=1000.0, by=hc_admin)


def test_the_commission_sets_it_on_the_page(client, hc_admin):
    client.force_login(hc_admin)
    assert client.get("/subsidies/budget/").status_code == 200
    response = client.post("/subsidies/budget/", {"year": "2025", "amount": "800000.00", "note": ""})
    assert response.status_code == 302
    assert Budget.objects.get(year=2025).amount == Decimal("800000.00")
    page = client.get("/subsidies/budget/")
    assert b'data-year="2025"' in page.content


def test_the_page_shows_the_message_and_saves_nothing_for_bad_input(client, hc_admin):
    client.force_login(hc_admin)
    response = client.post("/subsidies/budget/", {"year": "1999", "amount": "-1", "note": ""})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() >= {"year", "amount"}
    assert not Budget.objects.exists()


def test_other_officials_operators_and_families_may_not_set_it(
    client, finance_officer, street_officer, operator, family
):
    for person in (finance_officer, street_officer, operator, family):
        client.force_login(person)
        assert client.get("/subsidies/budget/").status_code == 403
        assert client.post("/subsidies/budget/", {"year": "2025", "amount": "1"}).status_code == 403
    assert not Budget.objects.exists()
