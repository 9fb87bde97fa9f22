"""The training course's workflow, declared once: draft → open (published; institutions enrol) → closed
(held; attendance recorded), or cancelled before it is held.

Every change goes through a service in services/, which moves the status with
core.statemachine.transition(COURSE_WORKFLOW, ...). Pages, the API and templates ask the helpers here.
"""

from tuoyu.accounts import capabilities
from tuoyu.core.statemachine import Action, Workflow, event_writer

from .models import Course, CourseEvent, CourseStatus

C = CourseStatus

COURSE_TRANSITIONS: dict[str, frozenset[str]] = {
    C.DRAFT: frozenset({C.OPEN, C.CANCELLED}),
    C.OPEN: frozenset({C.CLOSED, C.CANCELLED}),
    C.CLOSED: frozenset(),
    C.CANCELLED: frozenset(),
}

# Institutions may enrol their staff while a course is open.
COURSE_TAKES_ENROLMENTS = frozenset({C.OPEN})
# Attendance is recorded on an open course (then it is closed) and may be corrected after.
COURSE_RECORDS_ATTENDANCE = frozenset({C.OPEN, C.CLOSED})


def is_editable(course: Course) -> bool:
    """A draft's terms may change; once published, institutions enrol on them."""
    return course.status == C.DRAFT


def takes_enrolments(course: Course, on) -> bool:
    """Staff are enrolled (and withdrawn) while the course is open and before its first day."""
    return course.status in COURSE_TAKES_ENROLMENTS and course.starts_on > on


def records_attendance(course: Course, on) -> bool:
    """Attendance is recorded from the course's first day, while it is open or once held (corrections)."""
    return course.status in COURSE_RECORDS_ATTENDANCE and course.starts_on <= on


def _manages(user, course: Course) -> bool:
    return capabilities.can_manage_training(user)


COURSE_WORKFLOW = Workflow(
    model=Course,
    transitions=COURSE_TRANSITIONS,
    record=event_writer(CourseEvent, "course"),
    actions=(
        Action("publish", C.OPEN, may=_manages),
        Action("close", C.CLOSED, may=_manages),
        Action("cancel", C.CANCELLED, may=_manages),
    ),
)
