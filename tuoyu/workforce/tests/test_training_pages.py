"""Training's pages: the managers' course list, new course, course page with the workflow's buttons,
attendance on a phone and its Excel export (names and institutions, never an ID number, logged as a
personal export); the operator's page with the open courses, enrol and withdraw. Lists keep a fixed
number of queries whatever the rows."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tuoyu.accounts.models import AccessLog
from tuoyu.workforce.models import Course, CourseEnrolment, CourseStatus

from .test_training_services import (  # noqa: F401 (fixtures)
    enrol_on_course,
    guidance,
    make_course,
    manager,
    other_institution,
)

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_a_manager_creates_and_publishes_a_course(client, manager):  # noqa: F811
    client.force_login(manager)
    assert client.get("/workforce/courses/new/").status_code == 200
    start = timezone.localdate() + timedelta(days=14)
    response = client.post(
        "/workforce/courses/new/",
        {
            "title": "保育师技能培训",
            "kind": "skill",
            "organiser": "开州区托育指导中心",
            "place": "汉丰街道社区服务中心",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=1)).isoformat(),
            "hours": "16",
            "capacity": "40",
        },
        follow=True,
    )
    course = Course.objects.get()
    assert response.redirect_chain[-1][0] == f"/workforce/courses/{course.pk}/"
    assert _messages(response)  # the confirmation
    html = response.content.decode()
    assert 'id="course-publish"' in html and 'id="course-cancel"' in html and 'id="course-close"' not in html
    response = client.post(f"/workforce/courses/{course.pk}/publish/", follow=True)
    assert Course.objects.get().status == CourseStatus.OPEN and _messages(response)
    assert 'id="course-close"' in response.content.decode()


def test_bad_input_shows_the_message_and_stores_nothing(client, manager):  # noqa: F811
    client.force_login(manager)
    today = timezone.localdate()
    response = client.post(
        "/workforce/courses/new/",
        {
            "title": "岗前培训",
            "kind": "pre_service",
            "organiser": "开州区卫健委",
            "place": "开州区",
            "starts_on": (today + timedelta(days=3)).isoformat(),
            "ends_on": (today + timedelta(days=2)).isoformat(),
            "hours": "0",
            "capacity": "0",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"ends_on", "hours", "capacity"}
    assert not Course.objects.exists()


def test_cancel_asks_for_a_reason(client, manager, make_course):  # noqa: F811
    course = make_course()
    client.force_login(manager)
    response = client.post(f"/workforce/courses/{course.pk}/cancel/", {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(f"/workforce/courses/{course.pk}/cancel/", {"reason": "场地维修"}, follow=True)
    assert Course.objects.get(pk=course.pk).status == CourseStatus.CANCELLED and _messages(response)


def test_attendance_on_the_phone_page_and_the_excel_read_back(
    client,
    manager,  # noqa: F811
    make_course,  # noqa: F811
    make_staff,
    staffed_institution,
    operator,
    other_institution,  # noqa: F811
):
    course = make_course(starts_in=-1, hours=Decimal("6"))
    ours = make_staff(staffed_institution, name="张保育")
    theirs = make_staff(other_institution, name='=HYPERLINK("http://x")')
    first = enrol_on_course(course, ours, operator)
    second = enrol_on_course(course, theirs, operator)
    client.force_login(manager)
    page = client.get(f"/workforce/courses/{course.pk}/attendance/")
    assert page.status_code == 200
    assert f'data-enrolment="{first.pk}"' in page.content.decode()
    response = client.post(
        f"/workforce/courses/{course.pk}/attendance/",
        {f"attended-{first.pk}": "yes", f"attended-{second.pk}": "yes", f"hours-{second.pk}": "2.5"},
        follow=True,
    )
    assert _messages(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attended, first.hours, second.hours) == (True, Decimal("6.0"), Decimal("2.5"))
    # Too many hours: the message, nothing changed.
    response = client.post(
        f"/workforce/courses/{course.pk}/attendance/",
        {f"attended-{first.pk}": "yes", f"hours-{first.pk}": "7"},
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert CourseEnrolment.objects.get(pk=first.pk).hours == Decimal("6.0")

    export = client.get(f"/workforce/courses/{course.pk}/attendance.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    people = {row[0]: row for row in rows[1:3]}
    assert people["张保育"][2] == staffed_institution.name and people["张保育"][4] == 6
    assert '\'=HYPERLINK("http://x")' in people  # text Excel would run is quoted
    assert people['\'=HYPERLINK("http://x")'][2] == other_institution.name
    everything = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    for person in (ours, theirs):
        assert person.id_number not in everything and person.id_number[-6:] not in everything
    assert AccessLog.objects.filter(user=manager).count() == 1


def test_the_course_pages_keep_a_fixed_number_of_queries(
    client,
    manager,  # noqa: F811
    make_course,  # noqa: F811
    make_staff,
    staffed_institution,
    operator,
):
    client.force_login(manager)
    course = make_course(starts_in=-1)
    enrol_on_course(course, make_staff(staffed_institution), operator)

    def counts():
        out = []
        for url in (
            "/workforce/courses/",
            f"/workforce/courses/{course.pk}/",
            f"/workforce/courses/{course.pk}/attendance/",
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            out.append(len(queries))
        return out

    counts()  # the first request of a session reads more (the session, the second factor)
    few = counts()
    for _ in range(6):
        make_course()
        enrol_on_course(course, make_staff(staffed_institution), operator)
    assert counts() == few


def test_an_operator_enrols_and_withdraws_on_the_training_page(
    client,
    operator,
    make_course,  # noqa: F811
    make_staff,
    staffed_institution,
    other_institution,  # noqa: F811
    workforce_rules,
):
    course = make_course(capacity=2)
    make_course(status=CourseStatus.DRAFT, title="草稿课程")
    carer = make_staff(staffed_institution, name="李保育")
    stranger = make_staff(other_institution, name="外单位员工")
    client.force_login(operator)
    page = client.get("/workforce/training/")
    html = page.content.decode()
    assert f'data-course="{course.pk}"' in html and "草稿课程" not in html
    assert 'data-places="2"' in html and "外单位员工" not in html

    response = client.post(
        f"/workforce/training/courses/{course.pk}/enrol/", {"staff": carer.pk}, follow=True
    )
    assert CourseEnrolment.objects.filter(course=course, staff=carer).exists() and _messages(response)
    assert 'data-places="1"' in response.content.decode()
    # Another institution's person is not among the choices: refused, nothing stored.
    client.post(f"/workforce/training/courses/{course.pk}/enrol/", {"staff": stranger.pk})
    assert not CourseEnrolment.objects.filter(staff=stranger).exists()

    enrolment = CourseEnrolment.objects.get(staff=carer)
    response = client.post(f"/workforce/training/enrolments/{enrolment.pk}/withdraw/", follow=True)
    assert not CourseEnrolment.objects.exists() and _messages(response)
    assert Course.objects.get(pk=course.pk).enrolled == 0


def test_the_training_page_keeps_a_fixed_number_of_queries(
    client,
    operator,
    make_course,  # noqa: F811
    make_staff,
    staffed_institution,
    workforce_rules,
):
    client.force_login(operator)
    course = make_course()
    enrol_on_course(course, make_staff(staffed_institution), operator)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/workforce/training/").status_code == 200
        return len(queries)

    count()  # the first request of a session reads more (the session, the second factor)
    few = count()
    for _ in range(5):
        other = make_course()
        enrol_on_course(other, make_staff(staffed_institution), operator)
    assert count() == few


def test_who_may_open_which_page(client, operator, guidance, make_course, street_officer):  # noqa: F811
    course = make_course()
    client.force_login(operator)
    assert client.get("/workforce/courses/").status_code == 403
    assert client.get(f"/workforce/courses/{course.pk}/").status_code == 403
    client.force_login(guidance)
    assert client.get("/workforce/courses/").status_code == 200
    assert client.get(f"/workforce/courses/{course.pk}/").status_code == 200
    assert client.get("/workforce/training/").status_code == 403
    client.force_login(street_officer)
    assert client.get("/workforce/courses/").status_code == 403
