"""Training (培训): the district's courses and the staff enrolled on them.

The commission and the guidance centre (capabilities.TRAINING_MANAGERS) create a course as a draft, edit
it while it is one, publish it (institutions enrol their staff), record attendance and hours once it has
started, close it once held (its hours then count for the year), or cancel it with a reason, which tells
the institutions with staff on it through the outbox. An institution's operator enrols and withdraws its
own active staff (institutions.services.guard_member).

Places are exact under concurrent requests: every write that moves `Course.enrolled` locks the course row
first, then checks the status, the duplicate and the capacity under that lock (as bookings does for a
visit slot's seats). Every check runs before the first row is written, so bad input leaves nothing.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.core.notifications import notify_person
from tuoyu.core.statemachine import lock, refuse, transition
from tuoyu.core.validators import required_text
from tuoyu.institutions.models import InstitutionMembership
from tuoyu.institutions.services import guard_member

from ..models import Course, CourseEnrolment, CourseKind, CourseStatus, StaffMember
from ..workflow import (
    COURSE_RECORDS_ATTENDANCE,
    COURSE_WORKFLOW,
    is_editable,
    records_attendance,
    takes_enrolments,
)

COURSE_FIELDS = (
    "title",
    "kind",
    "organiser",
    "description",
    "place",
    "starts_on",
    "ends_on",
    "hours",
    "capacity",
)
MAX_HOURS = Decimal("999.9")  # the column holds 5 digits, one after the point
MAX_CAPACITY = 32767  # a PositiveSmallIntegerField


def guard_manager(by) -> None:
    if not capabilities.can_manage_training(by):
        raise PermissionDenied


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _validate(values: dict, *, new: bool, enrolled: int = 0) -> dict:
    """A course's values checked as a whole; returns them cleaned or raises a ValidationError naming each
    field to put right."""
    errors: dict[str, list[str]] = {}
    for name, message in (
        ("title", _("Give the course a title.")),
        ("organiser", _("Say who organises the course.")),
        ("place", _("Say where the course is held.")),
    ):
        text = (values.get(name) or "").strip()
        if not text:
            errors.setdefault(name, []).append(message)
        values[name] = text
    values["description"] = (values.get("description") or "").strip()
    if values.get("kind") not in CourseKind.values:
        errors.setdefault("kind", []).append(_("Choose the kind of training from the list."))

    start, end = values.get("starts_on"), values.get("ends_on")
    if not isinstance(start, date):
        errors.setdefault("starts_on", []).append(_("Give the first day of the course."))
    if not isinstance(end, date):
        errors.setdefault("ends_on", []).append(_("Give the last day of the course."))
    if isinstance(start, date) and isinstance(end, date) and end < start:
        errors.setdefault("ends_on", []).append(_("The course must end on or after its first day."))
    if new and isinstance(start, date) and start < timezone.localdate():
        errors.setdefault("starts_on", []).append(_("The course cannot start in the past."))

    hours = _decimal(values.get("hours"))
    if hours is None or hours <= 0:
        errors.setdefault("hours", []).append(_("Give the course's hours, more than 0."))
    elif hours > MAX_HOURS or hours != hours.quantize(Decimal("0.1")):
        errors.setdefault("hours", []).append(
            _("Give the hours with at most one decimal, up to %(max)s.") % {"max": MAX_HOURS}
        )
    values["hours"] = hours

    capacity = values.get("capacity")
    if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 1:
        errors.setdefault("capacity", []).append(_("A course has at least 1 place."))
    elif capacity > MAX_CAPACITY:
        errors.setdefault("capacity", []).append(
            _("A course has at most %(max)d places.") % {"max": MAX_CAPACITY}
        )
    elif capacity < enrolled:
        errors.setdefault("capacity", []).append(
            _("%(count)d people are enrolled already; give at least as many places.") % {"count": enrolled}
        )
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def course_create(
    *,
    by,
    title: str,
    kind: str,
    organiser: str,
    place: str,
    starts_on: date,
    ends_on: date,
    hours,
    capacity: int,
    description: str = "",
) -> Course:
    """A draft course; institutions see it once it is published."""
    guard_manager(by)
    values = _validate(
        {
            "title": title,
            "kind": kind,
            "organiser": organiser,
            "description": description,
            "place": place,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "hours": hours,
            "capacity": capacity,
        },
        new=True,
    )
    return Course.objects.create(created_by=by, **values)


@transaction.atomic
def course_update(*, course: Course, by, **changes) -> Course:
    """Change a draft course: any of course_create's fields. A published course keeps its terms (the
    institutions enrolled on them); cancel it and publish another instead."""
    guard_manager(by)
    unknown = set(changes) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"course_update() got unexpected fields {sorted(unknown)}")
    locked = lock(COURSE_WORKFLOW, course)
    if not is_editable(locked):
        raise ValidationError(_("Only a draft course can be changed."), code="status")
    values = {name: getattr(locked, name) for name in COURSE_FIELDS}
    values.update(changes)
    # The past-start rule applies to a changed start date; an unchanged one stays as it was accepted.
    new_start = "starts_on" in changes and changes["starts_on"] != locked.starts_on
    values = _validate(values, new=new_start, enrolled=locked.enrolled)
    for name in COURSE_FIELDS:
        setattr(locked, name, values[name])
    locked.save()
    return locked


@transaction.atomic
def course_publish(*, course: Course, by) -> Course:
    """Open a draft course for enrolment."""
    guard_manager(by)
    locked = lock(COURSE_WORKFLOW, course)
    if not COURSE_WORKFLOW.can(locked.status, CourseStatus.OPEN):
        raise refuse(locked.status, CourseStatus.OPEN, model=Course)
    if locked.starts_on < timezone.localdate():
        raise ValidationError(
            {"starts_on": [_("The course's first day has passed; change the dates before publishing.")]}
        )
    return transition(COURSE_WORKFLOW, locked, CourseStatus.OPEN, by=by, locked=True)


@transaction.atomic
def course_close(*, course: Course, by) -> Course:
    """Close an open course once it has been held and every enrolment's attendance is recorded: its hours
    then count for the year."""
    guard_manager(by)
    locked = lock(COURSE_WORKFLOW, course)
    if not COURSE_WORKFLOW.can(locked.status, CourseStatus.CLOSED):
        raise refuse(locked.status, CourseStatus.CLOSED, model=Course)
    if locked.starts_on > timezone.localdate():
        raise ValidationError(
            _("The course has not started yet; close it once it has been held."), code="open"
        )
    missing = locked.enrolments.filter(attended__isnull=True).count()
    if missing:
        raise ValidationError(
            _("Record the attendance of %(count)d more people before closing the course.")
            % {"count": missing},
            code="open",
        )
    return transition(COURSE_WORKFLOW, locked, CourseStatus.CLOSED, by=by, locked=True)


@transaction.atomic
def course_cancel(*, course: Course, by, reason: str) -> Course:
    """Cancel a course not yet held, with the reason; the operators of the institutions with staff on it
    are told through the outbox."""
    guard_manager(by)
    locked = lock(COURSE_WORKFLOW, course)
    if not COURSE_WORKFLOW.can(locked.status, CourseStatus.CANCELLED):
        raise refuse(locked.status, CourseStatus.CANCELLED, model=Course)
    reason = required_text(reason, field="reason", message=_("Say why the course is cancelled."))
    cancelled = transition(COURSE_WORKFLOW, locked, CourseStatus.CANCELLED, by=by, note=reason, locked=True)
    _tell_cancelled(cancelled, reason)
    return cancelled


def _tell_cancelled(course: Course, reason: str) -> int:
    """Tell the operators of every institution with staff enrolled; how many people were told."""
    counts: dict[int, int] = {}
    for institution_id in course.enrolments.values_list("staff__institution_id", flat=True):
        counts[institution_id] = counts.get(institution_id, 0) + 1
    if not counts:
        return 0
    memberships = (
        InstitutionMembership.objects.filter(
            institution_id__in=counts,
            user__is_active=True,
            user__role__in=capabilities.STAFF_KEEPERS,
        )
        .select_related("user", "institution")
        .order_by("institution_id", "user_id")
    )
    told = 0
    for membership in memberships:
        notify_person(
            membership.user,
            subject=_("Training course cancelled"),
            body=_(
                "%(institution)s: the course %(title)s of %(date)s is cancelled (%(reason)s). "
                "%(count)d of your staff were enrolled on it."
            )
            % {
                "institution": membership.institution.name,
                "title": course.title,
                "date": course.starts_on.isoformat(),
                "reason": reason[:100],
                "count": counts[membership.institution_id],
            },
        )
        told += 1
    return told


@transaction.atomic
def course_enrol(*, course: Course, staff: StaffMember, by) -> CourseEnrolment:
    """Enrol one of the institution's active staff on an open course that has not started. Under the
    course's lock: a full course is refused (code `full`), the same person twice too (`duplicate`)."""
    if not capabilities.can_keep_staff(by):
        raise PermissionDenied
    guard_member(staff.institution_id, by)
    today = timezone.localdate()
    if not staff.is_active_on(today):
        raise ValidationError({"staff": [_("Only a member of staff employed today can be enrolled.")]})
    locked = lock(COURSE_WORKFLOW, course)
    if not takes_enrolments(locked, today):
        message = (
            _("This course has started; enrolment is closed.")
            if locked.status == CourseStatus.OPEN
            else _("This course is not open for enrolment.")
        )
        raise ValidationError(message, code="status")
    if CourseEnrolment.objects.filter(course=locked, staff=staff).exists():
        raise ValidationError(
            _("%(name)s is already enrolled on this course.") % {"name": staff.name}, code="duplicate"
        )
    if locked.enrolled >= locked.capacity:
        raise ValidationError(_("This course is full. Please choose another."), code="full")
    locked.enrolled = F("enrolled") + 1
    locked.save(update_fields=["enrolled"])
    return CourseEnrolment.objects.create(course=locked, staff=staff, enrolled_by=by)


@transaction.atomic
def course_withdraw(*, enrolment: CourseEnrolment, by) -> Course:
    """Take a person off a course before it starts; the place is free again."""
    if not capabilities.can_keep_staff(by):
        raise PermissionDenied
    guard_member(enrolment.staff.institution_id, by)
    locked = lock(COURSE_WORKFLOW, enrolment.course)
    if not takes_enrolments(locked, timezone.localdate()):
        raise ValidationError(_("Enrolment can only be withdrawn before the course starts."), code="status")
    deleted, _rows = CourseEnrolment.objects.filter(pk=enrolment.pk, course=locked).delete()
    if deleted:
        locked.enrolled = F("enrolled") - 1
        locked.save(update_fields=["enrolled"])
        locked.refresh_from_db(fields=["enrolled"])
    return locked


def _attended(value) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("yes", "true", "1"):
        return True
    if isinstance(value, str) and value.lower() in ("no", "false", "0"):
        return False
    return None


@transaction.atomic
def attendance_record(*, course: Course, by, rows) -> list[CourseEnrolment]:
    """Record (or correct) attendance: `rows` is a list of {"enrolment": id, "attended": bool, "hours":
    hours or None}. Attended with no hours gives the course's hours; not attended is 0 hours. Every row is
    checked before any is written; the rows saved are returned."""
    guard_manager(by)
    locked = lock(COURSE_WORKFLOW, course)
    if not records_attendance(locked, timezone.localdate()):
        message = (
            _("Attendance is recorded once the course has started.")
            if locked.status in COURSE_RECORDS_ATTENDANCE
            else _("Attendance is recorded for an open or held course only.")
        )
        raise ValidationError(message, code="status")
    rows = list(rows or [])
    if not rows:
        raise ValidationError({"rows": [_("Record the attendance of at least one person.")]})
    enrolments = {e.pk: e for e in locked.enrolments.select_related("staff").select_for_update(of=("self",))}
    errors: list[str] = []
    seen: set[int] = set()
    cleaned: list[tuple[CourseEnrolment, bool, Decimal]] = []
    for index, row in enumerate(rows, start=1):
        raw = row.get("enrolment")
        key = getattr(raw, "pk", raw)
        try:
            enrolment = enrolments.get(int(key))
        except (TypeError, ValueError):
            enrolment = None
        if enrolment is None:
            errors.append(_("Row %(row)d: no such person on this course.") % {"row": index})
            continue
        if enrolment.pk in seen:
            errors.append(_("%(name)s is listed twice.") % {"name": enrolment.staff.name})
            continue
        seen.add(enrolment.pk)
        attended = _attended(row.get("attended"))
        if attended is None:
            errors.append(_("%(name)s: say whether they attended.") % {"name": enrolment.staff.name})
            continue
        hours = _decimal(row.get("hours"))
        given = row.get("hours") not in (None, "")
        if given and hours is None:
            errors.append(_("%(name)s: give the hours as a number.") % {"name": enrolment.staff.name})
            continue
        if not attended:
            if given and hours != 0:
                errors.append(_("%(name)s did not attend: the hours are 0.") % {"name": enrolment.staff.name})
                continue
            hours = Decimal("0")
        elif hours is None:
            hours = locked.hours
        elif hours < 0 or hours > locked.hours or hours != hours.quantize(Decimal("0.1")):
            errors.append(
                _("%(name)s: the hours are between 0 and the course's %(hours)s, with at most one decimal.")
                % {"name": enrolment.staff.name, "hours": locked.hours}
            )
            continue
        cleaned.append((enrolment, attended, hours))
    if errors:
        raise ValidationError({"rows": errors})
    now = timezone.now()
    for enrolment, attended, hours in cleaned:
        enrolment.attended = attended
        enrolment.hours = hours
        enrolment.recorded_by = by
        enrolment.recorded_at = now
        enrolment.save(update_fields=["attended", "hours", "recorded_by", "recorded_at"])
    return [enrolment for enrolment, _a, _h in cleaned]
