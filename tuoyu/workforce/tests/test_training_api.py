"""The training API's answers: who sees which courses and enrolments, what each write answers (201, 400,
403, 404, 409), that no ID number is ever in an answer, and fixed query counts on the lists."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.workforce.models import Course, CourseEnrolment, CourseStatus

from .test_training_services import (  # noqa: F401 (fixtures)
    enrol_on_course,
    guidance,
    make_course,
    manager,
    other_institution,
)

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/workforce/courses/"


def _new_course(**changes) -> dict:
    start = timezone.localdate() + timedelta(days=10)
    body = {
        "title": "在岗培训（春季）",
        "kind": "in_service",
        "organiser": "开州区卫生健康委员会",
        "place": "开州区妇幼保健院",
        "starts_on": start.isoformat(),
        "ends_on": start.isoformat(),
        "hours": "8.0",
        "capacity": 2,
    }
    body.update(changes)
    return body


def test_anonymous_visitors_get_401(client, make_course):  # noqa: F811
    course = make_course()
    for url in (COURSES, f"{COURSES}{course.pk}/", f"{COURSES}{course.pk}/enrolments/"):
        response = client.get(url)
        assert response.status_code == 401, url


def test_a_manager_creates_publishes_and_cancels(client, manager):  # noqa: F811
    client.force_login(manager)
    response = client.post(COURSES, _new_course(), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["actions"] == ["publish", "cancel"] and body["places_left"] == 2
    pk = body["id"]
    response = client.patch(f"{COURSES}{pk}/", {"capacity": 5}, content_type="application/json")
    assert response.status_code == 200 and response.json()["capacity"] == 5
    assert client.post(f"{COURSES}{pk}/publish/").json()["status"] == "open"
    assert client.post(f"{COURSES}{pk}/publish/").status_code == 409  # published already
    assert (
        client.patch(f"{COURSES}{pk}/", {"capacity": 9}, content_type="application/json").status_code == 409
    )
    response = client.post(f"{COURSES}{pk}/cancel/", {"reason": ""}, content_type="application/json")
    assert response.status_code == 400
    response = client.post(f"{COURSES}{pk}/cancel/", {"reason": "场地维修"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_bad_input_is_a_400_and_stores_nothing(client, manager):  # noqa: F811
    client.force_login(manager)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    for changes, field in (
        ({"hours": "0"}, "hours"),
        ({"capacity": 0}, "capacity"),
        ({"starts_on": past, "ends_on": past}, "starts_on"),
        ({"ends_on": (timezone.localdate() + timedelta(days=9)).isoformat()}, "ends_on"),
        ({"kind": "bogus"}, "kind"),
    ):
        response = client.post(COURSES, _new_course(**changes), content_type="application/json")
        assert response.status_code == 400, changes
        assert field in response.json()["errors"], response.json()
    assert not Course.objects.exists()


def test_an_operator_reads_open_courses_and_may_not_run_them(client, operator, make_course):  # noqa: F811
    opened = make_course()
    draft = make_course(status=CourseStatus.DRAFT)
    client.force_login(operator)
    listed = client.get(COURSES).json()["results"]
    assert [c["id"] for c in listed] == [opened.pk] and listed[0]["actions"] == []
    assert client.get(f"{COURSES}{draft.pk}/").status_code == 404
    assert client.post(COURSES, _new_course(), content_type="application/json").status_code == 403
    assert client.post(f"{COURSES}{opened.pk}/cancel/", {"reason": "x"}).status_code == 403
    assert client.post(f"{COURSES}{opened.pk}/attendance/", {}).status_code == 403


def test_enrolment_over_the_api(
    client,
    operator,
    other_operator,
    make_course,  # noqa: F811
    make_staff,
    staffed_institution,
    other_institution,  # noqa: F811
):
    course = make_course(capacity=2)
    first, second, third = (make_staff(staffed_institution) for _ in range(3))
    theirs = make_staff(other_institution)
    url = f"{COURSES}{course.pk}/enrolments/"
    client.force_login(operator)
    response = client.post(url, {"staff": first.pk}, content_type="application/json")
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["staff_name"] == first.name and answer["institution_name"] == staffed_institution.name
    assert client.post(url, {"staff": first.pk}, content_type="application/json").status_code == 409  # twice
    assert client.post(url, {"staff": theirs.pk}, content_type="application/json").status_code == 400
    assert client.post(url, {"staff": second.pk}, content_type="application/json").status_code == 201
    response = client.post(url, {"staff": third.pk}, content_type="application/json")
    assert response.status_code == 409 and response.json()["message"]  # full
    assert client.post(url, {"staff": "x"}, content_type="application/json").status_code == 400
    assert {e["staff"] for e in client.get(url).json()["results"]} == {first.pk, second.pk}
    assert first.id_number not in client.get(url).content.decode()
    # Another operator sees the course but none of these people.
    client.force_login(other_operator)
    assert client.get(url).json()["results"] == []


def test_attendance_over_the_api(
    client,
    manager,  # noqa: F811
    operator,
    make_course,  # noqa: F811
    make_staff,
    staffed_institution,
):
    course = make_course(starts_in=-1, hours=Decimal("6"))
    enrolment = enrol_on_course(course, make_staff(staffed_institution), operator)
    url = f"{COURSES}{course.pk}/attendance/"
    client.force_login(manager)
    rows = {"rows": [{"enrolment": enrolment.pk, "attended": True, "hours": "7"}]}
    assert client.post(url, rows, content_type="application/json").status_code == 400
    assert client.post(url, {"rows": []}, content_type="application/json").status_code == 400
    rows = {"rows": [{"enrolment": enrolment.pk, "attended": True}]}
    response = client.put(url, rows, content_type="application/json")
    assert response.status_code == 200 and response.json()[0]["hours"] in ("6.0", 6.0)
    assert CourseEnrolment.objects.get(pk=enrolment.pk).attended is True
    assert client.post(f"{COURSES}{course.pk}/close/").json()["status"] == "closed"
    assert client.post(f"{COURSES}9999999/close/").status_code == 404
    future = make_course()
    assert (
        client.post(f"{COURSES}{future.pk}/attendance/", rows, content_type="application/json").status_code
        == 409
    )


def test_the_lists_keep_a_fixed_number_of_queries(
    client,
    manager,  # noqa: F811
    operator,
    make_course,  # noqa: F811
    make_staff,
    staffed_institution,
):
    course = make_course()
    enrol_on_course(course, make_staff(staffed_institution), operator)

    def counts(user):
        client.force_login(user)
        client.get(COURSES)  # the first request of a session reads more
        out = []
        for url in (COURSES, f"{COURSES}{course.pk}/enrolments/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            out.append(len(queries))
        return out

    few = (counts(manager), counts(operator))
    for _ in range(5):
        make_course()
        enrol_on_course(course, make_staff(staffed_institution), operator)
    assert (counts(manager), counts(operator)) == few
