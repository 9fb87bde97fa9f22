"""The officials' child-health summary (/health/summary/, its Excel and the API): counts and the complete-
record rate per institution, street or town and district, a street officer's own unit only, never a child,
and a fixed number of queries whatever the institutions and children."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tuoyu.bookings.models import Child
from tuoyu.health.models import DailyCheck, HealthRecord, Measurement, OutbreakAlert, OutbreakRule
from tuoyu.health.selectors.summary import summary
from tuoyu.institutions.models import InstitutionMembership
from tuoyu.institutions.services import ClassSpec
from tuoyu.regions.models import Unit

from .test_counts import fill, record_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(health_institution, make_institution, enrol, health_staff, operator):
    """Hanfeng: 4 children at the health institution (2 complete, one of them with doses missing and
    underweight; one opened only; one with an overweight measurement but no entry check), checks and an
    open alert. Baihe: 2 children, 1 complete."""
    today = timezone.localdate()
    baihe = make_institution(
        name="白鹤健康托育园",
        unit=Unit.objects.get(name="白鹤街道"),
        classes=[ClassSpec(name="托小一班", age_group="toddler", capacity=15, enrolled=0)],
    )
    InstitutionMembership.objects.create(institution=baihe, user=operator)
    here = [enrol(health_institution, name=f"汉丰幼儿{n}") for n in range(4)]
    there = [enrol(baihe, name=f"白鹤幼儿{n}") for n in range(2)]
    fill(record_of(here[0]), by=health_staff, day=today)
    fill(record_of(here[1]), by=health_staff, day=today, vaccination="missing", flags=["underweight"])
    # An older underweight measurement then a normal one: only the latest counts.
    Measurement.objects.create(
        record=record_of(here[0]),
        measured_on=today - timedelta(days=60),
        age_days=480,
        weight_kg="8.0",
        length_cm="76.0",
        flags=["underweight", "stunted"],
        by=health_staff,
    )
    Measurement.objects.create(
        record=record_of(here[3]),
        measured_on=today,
        age_days=540,
        weight_kg="14.0",
        length_cm="80.0",
        flags=["overweight"],
        by=health_staff,
    )
    fill(record_of(there[0]), by=health_staff, day=today)
    group = health_institution.classes.get(name="托小一班")
    for day in (today, today - timedelta(days=1), today - timedelta(days=40)):  # the last is too old
        DailyCheck.objects.create(
            institution=health_institution,
            class_group=group,
            child=here[0].child,
            day=day,
            session="morning",
            attendance="present",
            by=health_staff,
        )
    rule = OutbreakRule.objects.create(code="test", name="test", days=3, min_cases=2)
    OutbreakAlert.objects.create(
        institution=health_institution,
        class_group=group,
        symptom="fever",
        rule=rule,
        first_day=today,
        last_day=today,
        cases=2,
    )
    return health_institution, baihe


def _html(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_selector_counts_per_institution_unit_and_district(district):
    here, baihe = district
    found = summary(None, on=timezone.localdate())
    rows = {institution.pk: f for institution, f in found.institutions}
    h, b, t = rows[here.pk], rows[baihe.pk], found.total
    assert (h.enrolled, h.records, h.complete, str(h.rate)) == (4, 4, 2, "50.0")
    assert (h.checks, h.vaccination_gaps, h.alerts_open) == (2, 1, 1)
    assert h.flags == {"underweight": 1, "stunted": 0, "wasted": 0, "overweight": 1, "obese": 0}
    assert (b.enrolled, b.complete, str(b.rate), b.checks, b.alerts_open) == (2, 1, "50.0", 0, 0)
    assert (t.enrolled, t.records, t.complete, t.institutions) == (6, 6, 3, 2)
    assert str(t.rate) == "50.0"
    assert [u.name for u in found.units] == sorted(u.name for u in found.units)
    assert {u.unit_id: u.enrolled for u in found.units} == {here.unit_id: 4, baihe.unit_id: 2}


def test_the_commission_sees_the_district_the_units_and_the_institutions_without_a_child(
    client, reviewer, district
):
    here, baihe = district
    html = _html(client, reviewer, "/health/summary/")
    assert 'data-enrolled="6" data-records="6" data-complete="3" data-rate="50.0"' in html
    assert (
        f'data-pk="{here.pk}" data-enrolled="4" data-records="4" data-complete="2" data-rate="50.0"' in html
    )
    assert 'data-checks="2" data-gaps="1" data-alerts="1"' in html
    assert 'data-flag="underweight" data-count="1"' in html
    assert f'data-pk="{baihe.pk}"' in html and 'data-testid="unit-row"' in html
    for n in range(4):
        assert f"汉丰幼儿{n}" not in html
    # The unit filter narrows to one street.
    html = _html(client, reviewer, "/health/summary/", unit=baihe.unit_id)
    assert f'data-pk="{baihe.pk}"' in html and f'data-pk="{here.pk}"' not in html
    # A unit that is not a street or town, or not a number, shows the district rather than failing.
    for bad in ("x", Unit.objects.get(code="500154").pk, 10**30):
        assert 'data-enrolled="6"' in _html(client, reviewer, "/health/summary/", unit=bad)


def test_a_street_officer_sees_only_their_unit(client, street_officer, district):
    here, baihe = district
    html = _html(client, street_officer, "/health/summary/", unit=baihe.unit_id)
    assert f'data-pk="{here.pk}"' in html and f'data-pk="{baihe.pk}"' not in html
    assert 'data-testid="totals" data-enrolled="4"' in html
    client.force_login(street_officer)
    answer = client.get("/api/v1/health/summary/", {"unit": baihe.unit_id}).json()
    assert [row["institution_id"] for row in answer["institutions"]] == [here.pk]
    assert answer["total"]["enrolled"] == 4
    book = load_workbook(BytesIO(client.get("/health/summary/export.xlsx").content))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert here.name in cells and baihe.name not in cells


def test_the_roles_outside_the_summary_are_refused(
    client, operator, health_staff, family, reviewer, district
):
    client.force_login(reviewer)
    for url in ("/health/summary/", "/health/summary/export.xlsx", "/api/v1/health/summary/"):
        assert client.post(url).status_code == 405  # a read only
    for user in (operator, health_staff, family):
        client.force_login(user)
        assert client.get("/health/summary/").status_code == 403
        assert client.get("/health/summary/export.xlsx").status_code == 403
        assert client.get("/api/v1/health/summary/").status_code == 403


def test_the_excel_reads_back_with_the_same_figures(client, guidance_officer, district):
    here, baihe = district
    client.force_login(guidance_officer)
    response = client.get("/health/summary/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    by_name = {row[0]: row for row in rows[1:] if row and row[0]}
    # enrolled, opened, complete, rate, checks, gaps, 5 flags, alerts
    assert by_name[here.name][2:] == (4, 4, 2, 50, 2, 1, 1, 0, 0, 1, 0, 1)
    assert by_name[baihe.name][2:8] == (2, 2, 1, 50, 0, 0)
    district_row = rows[-3]  # then a blank row and the note
    assert district_row[2:6] == (6, 6, 3, 50)
    cells = [c for row in rows for c in row if isinstance(c, str)]
    # No child appears: the headers may say 幼儿 in Chinese, a child's name never.
    names = set(Child.objects.values_list("name", flat=True))
    assert names and not any(name in cell for cell in cells for name in names)


def test_the_api_answers_the_same_figures(client, child_health_officer, district):
    here, baihe = district
    client.force_login(child_health_officer)
    answer = client.get("/api/v1/health/summary/").json()
    assert answer["total"]["enrolled"] == 6 and answer["total"]["complete"] == 3
    assert answer["total"]["rate"] == "50.0"
    rows = {row["institution_id"]: row for row in answer["institutions"]}
    assert rows[here.pk]["flags"]["overweight"] == 1 and rows[here.pk]["alerts_open"] == 1
    assert {row["unit_id"] for row in answer["units"]} == {here.unit_id, baihe.unit_id}
    assert not any(name in str(answer) for name in Child.objects.values_list("name", flat=True))
    assert client.get("/api/v1/health/summary/", {"unit": baihe.unit_id}).json()["total"]["enrolled"] == 2
    for bad in ("x", "0", str(10**30), str(Unit.objects.get(code="500154").pk)):
        response = client.get("/api/v1/health/summary/", {"unit": bad})
        assert response.status_code == 400 and "unit" in response.json()["errors"]


def test_the_summary_issues_a_fixed_number_of_queries(
    client, reviewer, district, make_institution, enrol, operator, health_staff
):
    client.force_login(reviewer)

    def count(url) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = ("/health/summary/", "/health/summary/export.xlsx", "/api/v1/health/summary/")
    for url in urls:
        count(url)  # the first request after sign-in also saves the session
    before = [count(url) for url in urls]
    today = timezone.localdate()
    for n in range(4):
        institution = make_institution(
            name=f"更多托育园{n}",
            classes=[ClassSpec(name="托小一班", age_group="toddler", capacity=15, enrolled=0)],
        )
        InstitutionMembership.objects.create(institution=institution, user=operator)
        for _ in range(3):
            fill(record_of(enrol(institution)), by=health_staff, day=today, flags=["obese"])
    assert HealthRecord.objects.count() == 18
    assert [count(url) for url in urls] == before


def test_past_the_page_s_limit_the_institutions_are_listed_street_by_street(
    client, reviewer, district, monkeypatch
):
    from tuoyu.health.views_government import summary as views

    here, baihe = district
    monkeypatch.setattr(views, "PAGE_INSTITUTIONS", 1)
    html = _html(client, reviewer, "/health/summary/")
    assert 'data-testid="too-many"' in html and 'data-testid="institution-row"' not in html
    assert 'data-enrolled="6"' in html and 'data-testid="unit-row"' in html
    html = _html(client, reviewer, "/health/summary/", unit=baihe.unit_id)
    assert 'data-testid="too-many"' not in html and f'data-pk="{baihe.pk}"' in html
    rows = list(load_workbook(BytesIO(client.get("/health/summary/export.xlsx").content)).active.values)
    assert {here.name, baihe.name} <= {row[0] for row in rows}
