"""A course's places are exact under concurrent enrolments. Row locks do nothing on SQLite, so this runs
on PostgreSQL (CI runs the suite there) with real transactions in real threads, as bookings' tests do."""

import pytest
from django.db import connection

from tuoyu.core.testing import race
from tuoyu.workforce import services
from tuoyu.workforce.models import Course, CourseEnrolment

from .test_training_services import make_course, manager  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL; .ci/run runs this there"
    ),
]

RACERS = 20


def test_twenty_enrolments_for_three_places_enrol_exactly_three(
    make_course,  # noqa: F811
    make_staff,
    staffed_institution,
    operator,
):
    course = make_course(capacity=3)
    staff = [make_staff(staffed_institution) for _ in range(RACERS)]
    outcomes = race([lambda s=s: services.course_enrol(course=course, staff=s, by=operator) for s in staff])
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("ok") == 3 and kinds.count("refused") == RACERS - 3 and "error" not in kinds
    assert {exc.code for kind, exc in outcomes if kind == "refused"} == {"full"}
    assert CourseEnrolment.objects.count() == 3 and Course.objects.get(pk=course.pk).enrolled == 3


def test_the_same_person_sent_five_times_at_once_is_enrolled_once(
    make_course,  # noqa: F811
    make_staff,
    staffed_institution,
    operator,
):
    course = make_course(capacity=10)
    carer = make_staff(staffed_institution)
    outcomes = race(
        [lambda: services.course_enrol(course=course, staff=carer, by=operator) for _ in range(5)]
    )
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("ok") == 1 and "error" not in kinds
    assert {exc.code for kind, exc in outcomes if kind == "refused"} == {"duplicate"}
    assert CourseEnrolment.objects.count() == 1 and Course.objects.get(pk=course.pk).enrolled == 1
