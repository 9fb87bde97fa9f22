"""Training's services: a course is created and changed as a draft, published, closed once held and
recorded, or cancelled with a reason the enrolled institutions are told; an operator enrols only its own
active staff on an open course, never twice and never above capacity; attendance is checked as a whole
before any row is written.

The fixtures here (a training manager, a guidance-centre user, a second institution with its operator,
a course factory) are imported by the other test_training_* modules."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tuoyu.core.models import OutboxMessage
from tuoyu.workforce import services
from tuoyu.workforce.models import Course, CourseEnrolment, CourseEvent, CourseStatus

pytestmark = pytest.mark.django_db


def _user(username, role, **extra):
    from tuoyu.accounts.models import User

    return User.objects.create_user(username=username, password="correct-horse-battery", role=role, **extra)


@pytest.fixture
def manager(db):
    """A health-commission administrator: runs the district's courses."""
    return _user("hcadmin-training", "hc_admin", phone="13900000001")


@pytest.fixture
def guidance(db):
    return _user("guidance-training", "guidance")


@pytest.fixture
def other_institution(make_institution, other_operator):
    from tuoyu.institutions.models import InstitutionMembership

    institution = make_institution(name="另一家托育园")
    InstitutionMembership.objects.create(institution=institution, user=other_operator)
    return institution


@pytest.fixture
def make_course(manager):
    """A course written directly (test data): open, starting in a week, 10 places, 8 hours."""
    counter = {"n": 0}

    def make(*, status=CourseStatus.OPEN, starts_in=7, days=1, **fields):
        counter["n"] += 1
        start = timezone.localdate() + timedelta(days=starts_in)
        values = {
            "title": f"保育师在岗培训{counter['n']}",
            "kind": "in_service",
            "organiser": "开州区妇幼保健院",
            "place": "开州区托育指导中心",
            "starts_on": start,
            "ends_on": start + timedelta(days=days - 1),
            "hours": Decimal("8"),
            "capacity": 10,
        }
        values.update(fields)
        return Course.objects.create(status=status, created_by=manager, **values)

    return make


def course_values(**changes):
    start = timezone.localdate() + timedelta(days=10)
    values = {
        "title": "岗前培训（第一期）",
        "kind": "pre_service",
        "organiser": "开州区卫生健康委员会",
        "place": "开州区妇幼保健院三楼",
        "starts_on": start,
        "ends_on": start + timedelta(days=2),
        "hours": Decimal("24"),
        "capacity": 30,
    }
    values.update(changes)
    return values


def enrol_on_course(course, staff, by):
    """An enrolment written directly, with the counter (test data, not the service under test)."""
    Course.objects.filter(pk=course.pk).update(enrolled=course.enrolled + 1)
    course.refresh_from_db()
    return CourseEnrolment.objects.create(course=course, staff=staff, enrolled_by=by)


# --- create and update -------------------------------------------------------------------------------


def test_a_manager_creates_a_draft(manager, guidance):
    course = services.course_create(by=manager, **course_values(description="  第一期  "))
    assert course.status == CourseStatus.DRAFT and course.enrolled == 0
    assert course.description == "第一期" and course.created_by == manager
    assert services.course_create(by=guidance, **course_values()).status == CourseStatus.DRAFT


def test_an_operator_may_not_create_a_course(operator):
    with pytest.raises(PermissionDenied):
        services.course_create(by=operator, **course_values())
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": timezone.localdate() + timedelta(days=5)}, "ends_on"),  # ends before it starts
        ({"hours": Decimal("0")}, "hours"),
        ({"hours": Decimal("-2")}, "hours"),
        ({"capacity": 0}, "capacity"),
        ({"starts_on": timezone.localdate() - timedelta(days=1)}, "starts_on"),  # in the past
        ({"title": "   "}, "title"),
        ({"kind": "bogus"}, "kind"),
        ({"place": ""}, "place"),
    ],
    ids=["end-before-start", "zero-hours", "negative-hours", "no-places", "past", "title", "kind", "place"],
)
def test_bad_input_names_the_field_and_stores_nothing(manager, changes, field):
    with pytest.raises(ValidationError) as refused:
        services.course_create(by=manager, **course_values(**changes))
    assert field in refused.value.message_dict
    assert all(refused.value.message_dict[field])
    assert not Course.objects.exists()


def test_a_course_starting_today_is_accepted(manager):
    today = timezone.localdate()
    course = services.course_create(by=manager, **course_values(starts_on=today, ends_on=today))
    assert course.starts_on == today


def test_only_a_draft_is_changed(manager, make_course):
    draft = make_course(status=CourseStatus.DRAFT)
    services.course_update(course=draft, by=manager, capacity=25, title="改名后的课程")
    draft.refresh_from_db()
    assert (draft.capacity, draft.title) == (25, "改名后的课程")
    opened = make_course()
    with pytest.raises(ValidationError) as refused:
        services.course_update(course=opened, by=manager, capacity=99)
    assert refused.value.code == "status"
    assert Course.objects.get(pk=opened.pk).capacity == 10


def test_an_update_is_checked_as_a_whole(manager, make_course):
    draft = make_course(status=CourseStatus.DRAFT)
    with pytest.raises(ValidationError) as refused:
        services.course_update(course=draft, by=manager, ends_on=draft.starts_on - timedelta(days=1))
    assert "ends_on" in refused.value.message_dict
    assert Course.objects.get(pk=draft.pk).ends_on == draft.ends_on


# --- publish, close, cancel --------------------------------------------------------------------------


def test_publish_writes_an_event(manager, make_course):
    draft = make_course(status=CourseStatus.DRAFT)
    services.course_publish(course=draft, by=manager)
    assert Course.objects.get(pk=draft.pk).status == CourseStatus.OPEN
    event = CourseEvent.objects.get(course=draft)
    assert (event.from_status, event.to_status, event.by) == (CourseStatus.DRAFT, CourseStatus.OPEN, manager)


def test_a_draft_whose_start_has_passed_is_not_published(manager, make_course):
    draft = make_course(status=CourseStatus.DRAFT, starts_in=-1)
    with pytest.raises(ValidationError) as refused:
        services.course_publish(course=draft, by=manager)
    assert "starts_on" in refused.value.message_dict
    assert Course.objects.get(pk=draft.pk).status == CourseStatus.DRAFT


def test_close_waits_for_the_course_and_for_every_attendance(
    manager, make_course, make_staff, staffed_institution, operator
):
    future = make_course()
    with pytest.raises(ValidationError) as refused:
        services.course_close(course=future, by=manager)
    assert refused.value.code == "open"

    held = make_course(starts_in=-1)
    first = enrol_on_course(held, make_staff(staffed_institution), operator)
    second = enrol_on_course(held, make_staff(staffed_institution), operator)
    services.attendance_record(course=held, by=manager, rows=[{"enrolment": first.pk, "attended": True}])
    with pytest.raises(ValidationError) as refused:
        services.course_close(course=held, by=manager)
    assert refused.value.code == "open"
    assert Course.objects.get(pk=held.pk).status == CourseStatus.OPEN

    services.attendance_record(course=held, by=manager, rows=[{"enrolment": second.pk, "attended": False}])
    services.course_close(course=held, by=manager)
    assert Course.objects.get(pk=held.pk).status == CourseStatus.CLOSED


def test_cancel_needs_a_reason_and_tells_the_enrolled_institutions_operators(
    manager, make_course, make_staff, staffed_institution, operator, other_institution, other_operator
):
    operator.phone = "13900000002"
    operator.save()
    other_operator.phone = "13900000003"
    other_operator.save()
    course = make_course()
    enrol_on_course(course, make_staff(staffed_institution), operator)
    enrol_on_course(course, make_staff(staffed_institution), operator)
    with pytest.raises(ValidationError) as refused:
        services.course_cancel(course=course, by=manager, reason="  ")
    assert "reason" in refused.value.message_dict
    assert Course.objects.get(pk=course.pk).status == CourseStatus.OPEN
    assert not OutboxMessage.objects.exists()

    services.course_cancel(course=course, by=manager, reason="授课老师临时有事")
    assert Course.objects.get(pk=course.pk).status == CourseStatus.CANCELLED
    assert CourseEvent.objects.get(course=course).note == "授课老师临时有事"
    messages = list(OutboxMessage.objects.all())
    assert [m.recipient for m in messages] == ["13900000002"]  # the other institution has nobody on it
    assert course.title in messages[0].body and "授课老师临时有事" in messages[0].body
    assert staffed_institution.name in messages[0].body


def test_a_held_course_is_not_cancelled(manager, make_course):
    course = make_course(status=CourseStatus.CLOSED, starts_in=-3)
    with pytest.raises(ValidationError) as refused:
        services.course_cancel(course=course, by=manager, reason="取消")
    assert refused.value.code == "transition"


# --- enrolment ---------------------------------------------------------------------------------------


def test_an_operator_enrols_an_active_member_of_staff(operator, make_course, make_staff, staffed_institution):
    course = make_course()
    carer = make_staff(staffed_institution)
    enrolment = services.course_enrol(course=course, staff=carer, by=operator)
    assert enrolment.enrolled_by == operator and enrolment.attended is None
    assert Course.objects.get(pk=course.pk).enrolled == 1


def test_the_same_person_twice_is_refused(operator, make_course, make_staff, staffed_institution):
    course = make_course()
    carer = make_staff(staffed_institution)
    services.course_enrol(course=course, staff=carer, by=operator)
    with pytest.raises(ValidationError) as refused:
        services.course_enrol(course=course, staff=carer, by=operator)
    assert refused.value.code == "duplicate"
    assert CourseEnrolment.objects.count() == 1 and Course.objects.get(pk=course.pk).enrolled == 1


def test_a_full_course_is_refused(operator, make_course, make_staff, staffed_institution):
    course = make_course(capacity=1)
    services.course_enrol(course=course, staff=make_staff(staffed_institution), by=operator)
    with pytest.raises(ValidationError) as refused:
        services.course_enrol(course=course, staff=make_staff(staffed_institution), by=operator)
    assert refused.value.code == "full"
    assert CourseEnrolment.objects.count() == 1


def test_another_operators_staff_is_refused(
    other_operator, operator, make_course, make_staff, staffed_institution, other_institution
):
    course = make_course()
    ours = make_staff(staffed_institution)
    with pytest.raises(PermissionDenied):
        services.course_enrol(course=course, staff=ours, by=other_operator)
    theirs = make_staff(other_institution)
    with pytest.raises(PermissionDenied):
        services.course_enrol(course=course, staff=theirs, by=operator)
    assert not CourseEnrolment.objects.exists() and Course.objects.get(pk=course.pk).enrolled == 0


def test_a_manager_does_not_enrol_staff(manager, make_course, make_staff, staffed_institution):
    with pytest.raises(PermissionDenied):
        services.course_enrol(course=make_course(), staff=make_staff(staffed_institution), by=manager)


def test_only_active_staff_on_an_open_course_not_started(
    operator, make_course, make_staff, staffed_institution
):
    today = timezone.localdate()
    left = make_staff(staffed_institution, ended_on=today - timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        services.course_enrol(course=make_course(), staff=left, by=operator)
    assert "staff" in refused.value.message_dict
    carer = make_staff(staffed_institution)
    for course in (
        make_course(status=CourseStatus.DRAFT),
        make_course(status=CourseStatus.CANCELLED),
        make_course(starts_in=0),  # started today: enrolment is closed
    ):
        with pytest.raises(ValidationError) as refused:
            services.course_enrol(course=course, staff=carer, by=operator)
        assert refused.value.code == "status"
    assert not CourseEnrolment.objects.exists()


def test_withdraw_frees_the_place_before_the_start_only(
    operator, other_operator, make_course, make_staff, staffed_institution
):
    course = make_course(capacity=1)
    enrolment = services.course_enrol(course=course, staff=make_staff(staffed_institution), by=operator)
    with pytest.raises(PermissionDenied):
        services.course_withdraw(enrolment=enrolment, by=other_operator)
    services.course_withdraw(enrolment=enrolment, by=operator)
    assert not CourseEnrolment.objects.exists() and Course.objects.get(pk=course.pk).enrolled == 0

    started = make_course(starts_in=0)
    late = enrol_on_course(started, make_staff(staffed_institution), operator)
    with pytest.raises(ValidationError) as refused:
        services.course_withdraw(enrolment=late, by=operator)
    assert refused.value.code == "status"
    assert CourseEnrolment.objects.filter(pk=late.pk).exists()


# --- attendance --------------------------------------------------------------------------------------


@pytest.fixture
def held(make_course, make_staff, staffed_institution, operator):
    """A course that started yesterday with two people enrolled."""
    course = make_course(starts_in=-1, hours=Decimal("6"))
    return course, [enrol_on_course(course, make_staff(staffed_institution), operator) for _ in range(2)]


def test_attendance_is_recorded_and_corrected(manager, held):
    course, (first, second) = held
    services.attendance_record(
        course=course,
        by=manager,
        rows=[
            {"enrolment": first.pk, "attended": True},
            {"enrolment": second.pk, "attended": True, "hours": Decimal("3.5")},
        ],
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attended, first.hours, first.recorded_by) == (True, Decimal("6"), manager)
    assert (second.attended, second.hours) == (True, Decimal("3.5"))
    # Corrected: the second person left at once.
    services.attendance_record(course=course, by=manager, rows=[{"enrolment": second.pk, "attended": False}])
    second.refresh_from_db()
    assert (second.attended, second.hours) == (False, Decimal("0"))


@pytest.mark.parametrize(
    "bad",
    [
        {"attended": True, "hours": Decimal("6.5")},  # more than the course
        {"attended": True, "hours": Decimal("-1")},
        {"attended": False, "hours": Decimal("2")},  # absent with hours
        {"attended": None},
        {"attended": True, "hours": "abc"},
    ],
    ids=["over", "negative", "absent-with-hours", "no-answer", "not-a-number"],
)
def test_one_bad_row_stores_nothing(manager, held, bad):
    course, (first, second) = held
    with pytest.raises(ValidationError) as refused:
        services.attendance_record(
            course=course,
            by=manager,
            rows=[{"enrolment": first.pk, "attended": True}, {"enrolment": second.pk, **bad}],
        )
    assert refused.value.message_dict["rows"]
    assert not CourseEnrolment.objects.filter(attended__isnull=False).exists()


def test_a_row_of_another_course_is_refused(
    manager, held, make_course, make_staff, staffed_institution, operator
):
    course, (first, _second) = held
    elsewhere = enrol_on_course(make_course(starts_in=-1), make_staff(staffed_institution), operator)
    with pytest.raises(ValidationError):
        services.attendance_record(
            course=course, by=manager, rows=[{"enrolment": elsewhere.pk, "attended": True}]
        )
    assert not CourseEnrolment.objects.filter(attended__isnull=False).exists()


def test_attendance_waits_for_the_start_and_is_for_managers(operator, manager, make_course):
    with pytest.raises(ValidationError) as refused:
        services.attendance_record(
            course=make_course(), by=manager, rows=[{"enrolment": 1, "attended": True}]
        )
    assert refused.value.code == "status"
    with pytest.raises(PermissionDenied):
        services.attendance_record(course=make_course(starts_in=-1), by=operator, rows=[])
