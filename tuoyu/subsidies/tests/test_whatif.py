"""The what-if: the form shows the rules in force; raising 托小班 from 800 to 1,000 raises the total by
exactly (1,000 − 800) × months ÷ 12 for each 托小班 child and nothing else; bad values get a message; and
nothing is ever written. Only the commission runs it."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

from tuoyu.institutions.services import ClassSpec
from tuoyu.subsidies.models import Budget


def _rows_of_every_subsidies_model() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in apps.get_app_config("subsidies").get_models()}


@pytest.fixture
def children(make_institution, enrol_between, rules_2024):
    """A filed 普惠 institution (filed 2023-06-01) with two 托小班 children (the whole of 2024; from 1 July,
    6 months) and a 托大班 child (the whole year); a non-普惠 one with a 托小班 child (nothing due)."""
    puhui = make_institution(
        name="普惠园",
        is_puhui=True,
        classes=[
            ClassSpec(name="托小一班", age_group="toddler", capacity=15, enrolled=0),
            ClassSpec(name="托大一班", age_group="preschool", capacity=20, enrolled=0),
        ],
    )
    other = make_institution(name="民办园", is_puhui=False)
    for institution in (puhui, other):
        institution.filed_on = date(2023, 6, 1)
        institution.save(update_fields=["filed_on"])
    enrol_between(puhui, "托小一班", date(2023, 9, 1))
    enrol_between(puhui, "托小一班", date(2024, 7, 1))
    enrol_between(puhui, "托大一班", date(2023, 9, 1))
    enrol_between(other, "托小一班", date(2023, 9, 1))
    return puhui, other


def test_the_form_shows_the_rules_in_force(client, hc_admin, rules_2024):
    client.force_login(hc_admin)
    response = client.get("/subsidies/whatif/")
    assert response.status_code == 200
    form = response.context["form"]
    assert form["rate_toddler"].value() == "800.00" and form["rate_infant"].value() == "900.00"
    assert form["count_day"].value() == "15" and form["construction_amount"].value() == "100000.00"
    assert form["demonstration_small_below"].value() == "50"
    assert response.context["found"] is None


def test_raising_the_toddler_rate_adds_the_difference_pro_rated_per_toddler(
    client, hc_admin, children, period_2024
):
    puhui, other = children
    Budget.objects.create(year=2024, amount=Decimal("2000.00"))
    client.force_login(hc_admin)
    before = _rows_of_every_subsidies_model()
    response = client.get(f"/subsidies/whatif/?period={period_2024.pk}&rate_toddler=1000")
    assert response.status_code == 200
    found = response.context["found"]
    # (1000 − 800) × 12 ÷ 12 + (1000 − 800) × 6 ÷ 12 = 200 + 100
    assert found.total.difference == Decimal("300.00")
    assert found.by_kind["operating"].current == Decimal("1900.00")  # 800 + 400 + 700
    assert found.by_kind["operating"].whatif == Decimal("2200.00")
    assert found.by_kind["construction"].difference == found.by_kind["demonstration"].difference == 0
    rows = {row.institution_id: row.amounts for row in found.institutions}
    assert rows[puhui.pk].difference == Decimal("300.00") and rows[other.pk].whatif == Decimal("0")
    assert found.institutions[0].institution_id == puhui.pk  # the largest rise first
    assert dict(found.units)["汉丰街道"].difference == Decimal("300.00")
    assert found.left_current == Decimal("100.00") and found.left_whatif == Decimal("-200.00")
    assert _rows_of_every_subsidies_model() == before


def test_a_whole_year_is_simulated_without_a_period_on_record(client, hc_admin, children):
    client.force_login(hc_admin)
    before = _rows_of_every_subsidies_model()
    response = client.get("/subsidies/whatif/?year=2024&rate_toddler=1000.00")
    assert response.status_code == 200
    assert response.context["found"].total.difference == Decimal("300.00")
    assert _rows_of_every_subsidies_model() == before


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("rate_toddler=-1", "rate_toddler"),
        ("rate_infant=abc", "rate_infant"),
        ("count_day=0", "count_day"),
        ("count_day=29", "count_day"),
        ("demonstration_small_below=100&demonstration_large_from=50", "demonstration_large_from"),
        ("year=&period=", "year"),
        ("year=1999", "year"),
        ("construction_amount=0.001", "construction_amount"),
    ],
)
def test_bad_values_get_a_message_and_nothing_is_computed(client, hc_admin, rules_2024, query, field):
    client.force_login(hc_admin)
    response = client.get(f"/subsidies/whatif/?{query}")
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert response.context["found"] is None


@pytest.mark.parametrize("person", ["finance_officer", "street_officer", "operator", "family"])
def test_only_the_commission_runs_it(client, request, person, rules_2024):
    client.force_login(request.getfixturevalue(person))
    assert client.get("/subsidies/whatif/?year=2024").status_code == 403
