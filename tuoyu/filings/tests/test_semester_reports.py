"""Semester reports of kindergartens with 托班 (§14): sent to the education office, copied to the health commission."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tuoyu.filings.models import SemesterReport
from tuoyu.filings.reports import (
    recent_semesters,
    reports_for_user,
    semester_of,
    semester_report_submit,
)
from tuoyu.institutions.models import InstitutionMembership
from tuoyu.institutions.services import ClassSpec

pytestmark = pytest.mark.django_db


@pytest.fixture
def kindergarten(make_institution, operator):
    def make(*, user=operator, status="filed", type="kindergarten", **fields):
        institution = make_institution(
            type=type,
            status=status,
            classes=[
                ClassSpec(name="托班一班", age_group="preschool", capacity=20, enrolled=18),
                ClassSpec(name="托班二班", age_group="preschool", capacity=20, enrolled=12),
            ],
            **fields,
        )
        InstitutionMembership.objects.create(institution=institution, user=user)
        return institution

    return make


@pytest.fixture
def education_officer(kaizhou):
    from tuoyu.accounts.models import User
    from tuoyu.regions.models import Department

    return User.objects.create_user(
        username="jiaowei",
        password="correct-horse-battery",
        role="dept_officer",
        department=Department.objects.get(code="KZ-JW"),
    )


def submit(institution, user, semester="2025-autumn", **numbers):
    values = {"class_count": 2, "children": 30, "staff": 6, "note": ""}
    values.update(numbers)
    return semester_report_submit(institution=institution, by=user, semester=semester, **values)


def two_reports(kindergarten, operator, other_operator):
    from tuoyu.regions.models import Unit

    mine = kindergarten(name="阳光幼儿园")
    theirs = kindergarten(name="白鹤幼儿园", user=other_operator, unit=Unit.objects.get(name="白鹤街道"))
    submit(mine, operator, children=30, staff=6, class_count=2)
    submit(theirs, other_operator, children=25, staff=5, class_count=2)
    submit(mine, operator, semester="2026-spring", children=35, staff=7, class_count=2)
    return mine, theirs


# --- the service ---------------------------------------------------------------------------------


def test_an_operator_submits_a_report_for_their_kindergarten(kindergarten, operator):
    institution = kindergarten()
    report = submit(institution, operator, note="  新开一个托班  ")
    stored = SemesterReport.objects.get()
    assert stored == report
    assert (stored.semester, stored.class_count, stored.children, stored.staff, stored.note) == (
        "2025-autumn",
        2,
        30,
        6,
        "新开一个托班",
    )
    assert stored.submitted_by == operator and stored.institution == institution


def test_a_second_report_for_the_same_semester_is_refused(kindergarten, operator):
    institution = kindergarten()
    submit(institution, operator)
    with pytest.raises(ValidationError) as caught:
        submit(institution, operator, children=20)
    assert "已报送" in caught.value.message_dict["semester"][0]  # "has already sent its report"
    assert SemesterReport.objects.get().children == 30
    # Another semester is a new report.
    submit(institution, operator, semester="2026-spring")
    assert SemesterReport.objects.count() == 2


def test_the_unique_constraint_refuses_a_report_that_raced_past_the_check(
    kindergarten, operator, monkeypatch
):
    from tuoyu.filings import reports

    class RacingView:
        """SemesterReport as a concurrent request sees it: the other report not committed yet."""

        class objects:  # stands in for the manager
            filter = staticmethod(lambda **kwargs: SemesterReport.objects.none())
            create = staticmethod(SemesterReport.objects.create)

    institution = kindergarten()
    submit(institution, operator)
    monkeypatch.setattr(reports, "SemesterReport", RacingView)
    with pytest.raises(ValidationError) as caught:
        submit(institution, operator, children=20)
    assert "已报送" in caught.value.message_dict["semester"][0]  # "has already sent its report"
    assert list(SemesterReport.objects.values_list("children", flat=True)) == [30]


def test_someone_who_does_not_act_for_the_kindergarten_is_refused(kindergarten, other_operator, reviewer):
    institution = kindergarten()
    for person in (other_operator, reviewer):
        # The shared membership guard refuses (403), as for every other write for an institution.
        with pytest.raises(PermissionDenied):
            submit(institution, person)
    assert SemesterReport.objects.count() == 0


def test_only_a_filed_kindergarten_reports(kindergarten, operator):
    childcare = kindergarten(type="childcare")
    with pytest.raises(ValidationError) as caught:
        submit(childcare, operator)
    assert caught.value.code == "not_kindergarten"
    draft = kindergarten(status="draft")
    with pytest.raises(ValidationError) as caught:
        submit(draft, operator)
    assert caught.value.code == "not_filed"
    assert SemesterReport.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"semester": "2025-winter"}, "semester"),
        ({"semester": "2019-autumn"}, "semester"),
        ({"semester": f"{date.today().year + 2}-spring"}, "semester"),
        ({"semester": "autumn 2025"}, "semester"),
        ({"children": -1}, "children"),
        ({"children": 41}, "children"),  # the kindergarten has 40 slots
        ({"children": 30, "staff": 0}, "staff"),
        ({"children": 30, "class_count": 0}, "class_count"),
        ({"children": 30, "class_count": 1}, "children"),  # 30 in one class is above the limit of 20
        ({"staff": "6"}, "staff"),
        ({"note": "长" * 2001}, "note"),
    ],
)
def test_bad_figures_are_refused_with_a_message_on_their_field(kindergarten, operator, changes, field):
    institution = kindergarten()
    values = {"semester": "2025-autumn", "class_count": 2, "children": 30, "staff": 6, "note": ""}
    values.update(changes)
    with pytest.raises(ValidationError) as caught:
        semester_report_submit(institution=institution, by=operator, **values)
    assert field in caught.value.message_dict
    assert SemesterReport.objects.count() == 0


def test_an_empty_semester_with_no_children_is_accepted(kindergarten, operator):
    submit(kindergarten(), operator, class_count=0, children=0, staff=0)
    assert SemesterReport.objects.get().children == 0


def test_semesters_follow_the_school_year():
    assert semester_of(date(2026, 1, 15)) == "2025-autumn"
    assert semester_of(date(2026, 3, 1)) == "2026-spring"
    assert semester_of(date(2026, 9, 1)) == "2026-autumn"
    assert recent_semesters(today=date(2026, 3, 1), count=3) == ["2026-spring", "2025-autumn", "2025-spring"]


# --- who sees what -------------------------------------------------------------------------------


def test_the_education_office_sees_every_report(
    client, kindergarten, operator, other_operator, education_officer
):
    mine, theirs = two_reports(kindergarten, operator, other_operator)
    assert reports_for_user(education_officer).count() == 3
    client.force_login(education_officer)
    page = client.get("/filings/reports/").content.decode()
    assert mine.name in page and theirs.name in page
    assert client.get("/filings/reports/export.xlsx").status_code == 200


def test_the_health_commission_sees_its_copy(client, kindergarten, operator, other_operator, reviewer):
    mine, theirs = two_reports(kindergarten, operator, other_operator)
    assert reports_for_user(reviewer).count() == 3
    client.force_login(reviewer)
    page = client.get("/filings/reports/").content.decode()
    assert mine.name in page and theirs.name in page


def test_a_market_supervision_officer_gets_an_explained_empty_page_and_no_export(
    client, kindergarten, operator, other_operator, inspector
):
    mine, theirs = two_reports(kindergarten, operator, other_operator)
    assert reports_for_user(inspector).count() == 0
    client.force_login(inspector)
    response = client.get("/filings/reports/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="reports-not-addressed"' in page
    assert mine.name not in page and theirs.name not in page
    assert client.get("/filings/reports/export.xlsx").status_code == 404


def test_an_operator_sees_only_their_own_institutions_reports(client, kindergarten, operator, other_operator):
    mine, theirs = two_reports(kindergarten, operator, other_operator)
    assert set(reports_for_user(operator).values_list("institution", flat=True)) == {mine.pk}
    client.force_login(operator)
    page = client.get("/filings/reports/").content.decode()
    assert mine.name in page and theirs.name not in page


@pytest.mark.parametrize("persona", ["family", "street_officer"])
def test_people_outside_the_report_chain_cannot_open_the_pages(client, request, persona, kaizhou):
    client.force_login(request.getfixturevalue(persona))
    for url in ("/filings/reports/", "/filings/reports/new/", "/filings/reports/export.xlsx"):
        assert client.get(url).status_code == 403


def test_officials_and_the_operator_cannot_use_each_others_pages(client, operator, reviewer, kaizhou):
    client.force_login(operator)
    assert client.get("/filings/reports/export.xlsx").status_code == 403
    client.force_login(reviewer)
    assert client.get("/filings/reports/new/").status_code == 403


# --- the pages -----------------------------------------------------------------------------------


def test_an_operator_sends_a_report_through_the_form_and_cannot_send_it_twice(client, kindergarten, operator):
    institution = kindergarten()
    client.force_login(operator)
    form = client.get("/filings/reports/new/")
    assert form.status_code == 200 and institution.name in form.content.decode()
    semester = recent_semesters()[0]
    data = {
        "institution": institution.pk,
        "semester": semester,
        "class_count": "2",
        "children": "28",
        "staff": "5",
        "note": "",
    }
    response = client.post("/filings/reports/new/", data)
    assert response.status_code == 302 and response["Location"] == "/filings/reports/"
    assert SemesterReport.objects.get().children == 28
    again = client.post("/filings/reports/new/", data | {"children": "29"})
    assert again.status_code == 200 and 'role="alert"' in again.content.decode()
    assert SemesterReport.objects.get().children == 28


def test_an_operator_cannot_report_for_an_institution_that_is_not_theirs(
    client, kindergarten, operator, other_operator
):
    kindergarten()
    theirs = kindergarten(user=other_operator)
    client.force_login(operator)
    response = client.post(
        "/filings/reports/new/",
        {
            "institution": theirs.pk,
            "semester": recent_semesters()[0],
            "class_count": 1,
            "children": 5,
            "staff": 1,
        },
    )
    assert response.status_code == 200
    assert SemesterReport.objects.count() == 0


def test_an_operator_without_a_kindergarten_is_told_so(client, make_institution, operator):
    institution = make_institution(type="childcare")
    InstitutionMembership.objects.create(institution=institution, user=operator)
    client.force_login(operator)
    page = client.get("/filings/reports/new/").content.decode()
    assert 'data-testid="no-kindergarten"' in page and 'data-testid="report-form"' not in page


def test_officials_filter_by_semester_and_street(client, kindergarten, operator, other_operator, reviewer):
    mine, theirs = two_reports(kindergarten, operator, other_operator)
    client.force_login(reviewer)
    spring = client.get("/filings/reports/", {"semester": "2026-spring"}).content.decode()
    assert mine.name in spring and theirs.name not in spring
    baihe = client.get("/filings/reports/", {"unit": theirs.unit.code}).content.decode()
    assert theirs.name in baihe and mine.name not in baihe


def test_the_excel_export_reads_back_with_a_totals_row(
    client, kindergarten, operator, other_operator, reviewer
):
    two_reports(kindergarten, operator, other_operator)
    client.force_login(reviewer)
    response = client.get("/filings/reports/export.xlsx", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(
        load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True)
    )
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert header[:7] == (
        "Semester",
        "Institution",
        "Filing number",
        "Street or town",
        "Nursery classes",
        "Children",
        "Staff",
    )
    assert len(body) == 3
    assert body[0][0] == "2026 spring semester"  # newest first
    assert total[0] == "Total" and total[4:7] == (6, 90, 18)

    autumn = list(
        load_workbook(
            io.BytesIO(client.get("/filings/reports/export.xlsx", {"semester": "2025-autumn"}).content),
            read_only=True,
        ).active.iter_rows(values_only=True)
    )
    assert [row[1] for row in autumn[1:3]] == ["白鹤幼儿园", "阳光幼儿园"]
    assert autumn[3][4:7] == (4, 55, 11)


def test_the_list_and_export_use_a_fixed_number_of_queries(
    client, kindergarten, operator, other_operator, reviewer
):
    two_reports(kindergarten, operator, other_operator)
    client.force_login(reviewer)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    # A first request stamps the staff session's last-seen time (at most once a minute): not counted.
    client.get("/filings/reports/")
    few = (count("/filings/reports/"), count("/filings/reports/export.xlsx"))
    for n in range(5):
        institution = kindergarten(name=f"新幼儿园{n}")
        submit(institution, operator)
    assert (count("/filings/reports/"), count("/filings/reports/export.xlsx")) == few


def test_a_submitted_report_is_timestamped(kindergarten, operator):
    before = timezone.now()
    report = submit(kindergarten(), operator)
    assert report.submitted_at >= before
