"""The course's transition matrix, pair by pair: every change COURSE_WORKFLOW allows is made and writes one
event row; every other is refused with the code "transition" and writes nothing. Each allowed pair is also
reached through its service (publish, close, cancel)."""

import pytest
from django.core.exceptions import ValidationError

from tuoyu.core.statemachine import REFUSED_CODE, transition
from tuoyu.workforce import services
from tuoyu.workforce.models import Course, CourseEvent, CourseStatus
from tuoyu.workforce.workflow import COURSE_WORKFLOW

from .test_training_services import make_course, manager  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
C = CourseStatus


@pytest.mark.parametrize(("from_status", "to_status"), [(a, b) for a in C.values for b in C.values], ids=str)
def test_course_matrix(make_course, manager, from_status, to_status):  # noqa: F811
    # The row is put in the starting status directly: the matrix is about the table, not the services.
    course = make_course(status=from_status)
    if COURSE_WORKFLOW.can(from_status, to_status):
        moved = transition(COURSE_WORKFLOW, course, to_status, by=manager, note="矩阵")
        assert Course.objects.get(pk=course.pk).status == to_status
        event = CourseEvent.objects.get(course=course)
        assert (event.from_status, event.to_status, event.by, event.note) == (
            from_status,
            to_status,
            manager,
            "矩阵",
        )
        assert moved._last_event == event
    else:
        with pytest.raises(ValidationError) as refused:
            transition(COURSE_WORKFLOW, course, to_status, by=manager)
        assert refused.value.code == REFUSED_CODE
        assert Course.objects.get(pk=course.pk).status == from_status
        assert not CourseEvent.objects.filter(course=course).exists()


def test_the_table_is_what_the_services_rely_on():
    assert COURSE_WORKFLOW.can(C.DRAFT, C.OPEN) and COURSE_WORKFLOW.can(C.OPEN, C.CLOSED)
    assert COURSE_WORKFLOW.can(C.DRAFT, C.CANCELLED) and COURSE_WORKFLOW.can(C.OPEN, C.CANCELLED)
    assert not COURSE_WORKFLOW.targets(C.CLOSED) and not COURSE_WORKFLOW.targets(C.CANCELLED)


@pytest.mark.parametrize("start", [C.CLOSED, C.CANCELLED])
def test_a_finished_course_refuses_every_service(make_course, manager, start):  # noqa: F811
    course = make_course(status=start, starts_in=-2)
    for call in (
        lambda: services.course_publish(course=course, by=manager),
        lambda: services.course_close(course=course, by=manager),
        lambda: services.course_cancel(course=course, by=manager, reason="取消"),
        lambda: services.course_update(course=course, by=manager, title="改"),
    ):
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.code in (REFUSED_CODE, "status")
    assert not CourseEvent.objects.filter(course=course).exists()


def test_each_service_moves_the_course_through_the_table(make_course, manager):  # noqa: F811
    held = make_course(status=C.DRAFT, starts_in=0)
    services.course_publish(course=held, by=manager)
    services.course_close(course=held, by=manager)  # started today, nobody enrolled
    dropped = make_course(status=C.DRAFT)
    services.course_cancel(course=dropped, by=manager, reason="报名人数不足")
    moves = list(CourseEvent.objects.order_by("pk").values_list("course_id", "from_status", "to_status"))
    assert moves == [
        (held.pk, C.DRAFT, C.OPEN),
        (held.pk, C.OPEN, C.CLOSED),
        (dropped.pk, C.DRAFT, C.CANCELLED),
    ]


def test_the_buttons_come_from_the_workflow(make_course, manager, operator):  # noqa: F811
    assert COURSE_WORKFLOW.allowed_actions(make_course(status=C.DRAFT), manager) == ["publish", "cancel"]
    assert COURSE_WORKFLOW.allowed_actions(make_course(status=C.OPEN), manager) == ["close", "cancel"]
    assert COURSE_WORKFLOW.allowed_actions(make_course(status=C.CLOSED), manager) == []
    assert COURSE_WORKFLOW.allowed_actions(make_course(status=C.OPEN), operator) == []
