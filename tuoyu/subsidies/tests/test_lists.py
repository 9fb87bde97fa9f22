"""§13's lists: filed 普惠 institutions for the utilities, and institutions on state-owned premises with their
rent-free years (from the start to the day before its anniversary, 29 February included) for the
state-asset office, with Excel and the API; every official reads them, operators and families do not."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tuoyu.subsidies.models import SubsidyProfile
from tuoyu.subsidies.selectors.lists import rent_free_list, rent_free_until, utilities_list


@pytest.mark.parametrize(
    ("start", "years", "until"),
    [
        (date(2024, 3, 1), 3, date(2027, 2, 28)),
        (date(2024, 1, 1), 3, date(2026, 12, 31)),
        (date(2024, 2, 29), 3, date(2027, 2, 28)),  # no 29 February in 2027: the anniversary is 1 March
        (date(2024, 2, 29), 4, date(2028, 2, 28)),  # 2028 has one: the day before it
        (date(2023, 3, 1), 1, date(2024, 2, 29)),
    ],
)
def test_the_rent_free_years_end_the_day_before_the_anniversary(start, years, until):
    assert rent_free_until(start, years) == until


def test_the_utilities_list_holds_filed_puhui_institutions_only(make_institution):
    puhui = make_institution(name="普惠甲", is_puhui=True)
    make_institution(name="非普惠", is_puhui=False)
    make_institution(name="停业普惠", is_puhui=True, status="suspended")
    make_institution(name="草稿普惠", is_puhui=True, status="draft")
    assert [i.pk for i in utilities_list()] == [puhui.pk]


@pytest.fixture
def premises(make_institution, rules_2024, hc_admin):
    """Two on state-owned premises: 普惠 from 2024-03-01, and one not (or no longer) 普惠 from 2024-02-29."""
    a = make_institution(name="国有房产普惠园", is_puhui=True)
    b = make_institution(name="国有房产民办园", is_puhui=False)
    SubsidyProfile.objects.create(institution=a, state_premises=True, rent_free_from=date(2024, 3, 1))
    SubsidyProfile.objects.create(institution=b, state_premises=True, rent_free_from=date(2024, 2, 29))
    SubsidyProfile.objects.create(institution=make_institution(), state_premises=False)
    return a, b


def test_the_rent_free_list_gives_the_days_left_and_flags_one_not_puhui(premises):
    a, b = premises
    rows = {
        r.institution.pk: (r.starts_on, r.ends_on, r.days_left, r.puhui)
        for r in rent_free_list(on=date(2027, 1, 1))
    }
    assert rows == {
        a.pk: (date(2024, 3, 1), date(2027, 2, 28), 58, True),
        b.pk: (date(2024, 2, 29), date(2027, 2, 28), 58, False),
    }
    assert {r.institution.pk: r.days_left for r in rent_free_list(on=date(2027, 3, 2))}[a.pk] == -2


def test_the_years_are_those_of_the_rules_in_force_on_the_first_day(premises, make_rule_set):
    a, _b = premises
    make_rule_set(date(2025, 1, 1), rent_free_years=5)  # a later rule does not change years already granted
    row = next(r for r in rent_free_list(on=date(2025, 6, 1)) if r.institution.pk == a.pk)
    assert row.years == 3 and row.ends_on == date(2027, 2, 28)


def test_the_pages_excel_and_api_show_the_lists(client, street_officer, premises):
    a, b = premises
    client.force_login(street_officer)
    page = client.get("/subsidies/lists/rent-free/")
    assert page.status_code == 200
    assert f'data-pk="{b.pk}"'.encode() in page.content and b'data-testid="not-puhui"' in page.content
    book = load_workbook(BytesIO(client.get("/subsidies/lists/rent-free/export.xlsx").content))
    names = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True) if row and row[0]]
    assert {a.name, b.name} <= set(names)
    until = {
        r["institution"]: r["rent_free_until"]
        for r in client.get("/api/v1/subsidies/lists/rent-free/").json()["results"]
    }
    assert until == {a.pk: "2027-02-28", b.pk: "2027-02-28"}
    utilities = client.get("/api/v1/subsidies/lists/utilities/").json()
    assert [r["id"] for r in utilities["results"]] == [a.pk]
    assert client.get("/subsidies/lists/utilities/").status_code == 200
    book = load_workbook(BytesIO(client.get("/subsidies/lists/utilities/export.xlsx").content))
    assert list(book.active.iter_rows(min_row=2, max_row=2, values_only=True))[0][5] == a.uscc


def test_the_commission_is_linked_to_the_profiles(client, hc_admin, premises):
    a, _b = premises
    client.force_login(hc_admin)
    assert f'href="/subsidies/profiles/{a.pk}/"'.encode() in client.get("/subsidies/lists/utilities/").content


@pytest.mark.parametrize("person", ["operator", "family"])
def test_operators_and_families_may_not_see_them(client, request, person, premises):
    client.force_login(request.getfixturevalue(person))
    for url in (
        "/subsidies/lists/utilities/",
        "/subsidies/lists/utilities/export.xlsx",
        "/subsidies/lists/rent-free/",
        "/subsidies/lists/rent-free/export.xlsx",
        "/api/v1/subsidies/lists/utilities/",
        "/api/v1/subsidies/lists/rent-free/",
    ):
        assert client.get(url).status_code == 403, url


def test_the_queries_do_not_grow_with_the_rows(client, reviewer, make_institution, rules_2024):
    client.force_login(reviewer)
    urls = (
        "/subsidies/lists/utilities/",
        "/subsidies/lists/utilities/export.xlsx",
        "/subsidies/lists/rent-free/",
        "/subsidies/lists/rent-free/export.xlsx",
        "/api/v1/subsidies/lists/utilities/",
        "/api/v1/subsidies/lists/rent-free/",
    )

    def add(n):
        for i in range(n):
            institution = make_institution(is_puhui=True)
            SubsidyProfile.objects.create(
                institution=institution,
                state_premises=True,
                rent_free_from=date(2024, 1, 1) + timedelta(days=i),
            )

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add(2)
    for url in urls:
        count(url)
    two = [count(url) for url in urls]
    add(4)
    assert [count(url) for url in urls] == two
