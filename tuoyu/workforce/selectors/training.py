"""Training reads: the courses open for enrolment, the courses a person may see, each person's attended
hours in a year and the district's yearly requirement (TrainingRequirement, data).

Who sees which course: the training managers (commission, guidance centre) every course; an operator
the open courses and those their own staff are enrolled on; nobody else any.
"""

from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from tuoyu.accounts import capabilities

from ..models import Course, CourseEnrolment, CourseStatus, TrainingRequirement
from ..workflow import COURSE_TAKES_ENROLMENTS
from . import staff_kept_by

TENTH = Decimal("0.1")


def open_courses() -> QuerySet[Course]:
    """Courses institutions may enrol on now (workflow.takes_enrolments as a query), soonest first."""
    return Course.objects.filter(
        status__in=COURSE_TAKES_ENROLMENTS, starts_on__gt=timezone.localdate()
    ).order_by("starts_on", "pk")


def courses_visible_to(user) -> QuerySet[Course]:
    if capabilities.can_manage_training(user):
        return Course.objects.all()
    if capabilities.can_keep_staff(user):
        own = CourseEnrolment.objects.filter(staff__in=staff_kept_by(user).values("pk")).values("course_id")
        return Course.objects.filter(Q(status__in=COURSE_TAKES_ENROLMENTS) | Q(pk__in=own))
    return Course.objects.none()


def enrolments_visible_to(user, course: Course) -> QuerySet[CourseEnrolment]:
    """A course's enrolments: all of them for a manager, an operator's own staff only."""
    qs = CourseEnrolment.objects.filter(course=course)
    if capabilities.can_manage_training(user):
        return qs
    if capabilities.can_keep_staff(user):
        return qs.filter(staff__in=staff_kept_by(user).values("pk"))
    return qs.none()


def hours_by_staff(staff_ids, year: int) -> dict[int, Decimal]:
    """Attended hours of held (closed) courses that started in the calendar year, per staff id; one query.
    A person with none is missing from the answer (read it with .get(pk, 0))."""
    rows = (
        CourseEnrolment.objects.filter(
            staff_id__in=list(staff_ids),
            attended=True,
            course__status=CourseStatus.CLOSED,
            course__starts_on__year=year,
        )
        .values("staff_id")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    # SQLite sums decimals as floats: one decimal place, as the column holds, on every database.
    return {row["staff_id"]: Decimal(str(row["total"] or 0)).quantize(TENTH) for row in rows}


def requirements_for(posts, year: int) -> dict[str, Decimal | None]:
    """The yearly hours required of each post in `year`, in one query: the newest row in effect
    (effective_year <= year); in that year a row for the post wins over the all-posts row. None where the
    district has set nothing."""
    rows = list(
        TrainingRequirement.objects.filter(effective_year__lte=year)
        .order_by("-effective_year")
        .values_list("post", "effective_year", "hours")
    )
    answer: dict[str, Decimal | None] = {}
    for post in posts:
        best = None
        for row_post, effective_year, hours in rows:
            if row_post not in (post, ""):
                continue
            key = (effective_year, row_post == post)
            if best is None or key > best[0]:
                best = (key, hours)
        answer[post] = best[1] if best else None
    return answer


def requirement_for(post: str, year: int) -> Decimal | None:
    return requirements_for([post], year)[post]
