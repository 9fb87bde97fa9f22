"""Semester reports of kindergartens that run nursery classes (托班), §14: the kindergarten reports to the
education office each semester, and the health commission gets the copy.

The copy is the same record, not a second one that could drift: the health commission's roles read
every report through reports_for_user(), exactly like the education office. Nothing is sent outward on
submit (see semester_report_submit).
"""

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, IntegerField, QuerySet, Sum, Value, When
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.capabilities import is_department_officer, is_health_commission, is_operator
from tuoyu.accounts.models import User
from tuoyu.institutions.models import (
    CLASS_SIZE_LIMITS,
    Institution,
    InstitutionStatus,
    InstitutionType,
)
from tuoyu.institutions.selectors import institutions_of
from tuoyu.institutions.services import guard_member
from tuoyu.regions.models import Unit

from .models import SemesterReport

SEMESTER_PATTERN = re.compile(r"^(\d{4})-(spring|autumn)$")
SEASONS = ("spring", "autumn")
FIRST_YEAR = 2020
# 托班 take children of 2–3 years; no class of any age group may exceed the national limit of 20.
NURSERY_CLASS_LIMIT = max(CLASS_SIZE_LIMITS.values())
MAX_CLASSES = 200  # far above any kindergarten; stops a typing slip reaching the small integer column
MAX_STAFF = 10_000
MAX_NOTE = 2000
# The district's education office (区教委). Another district sets its own code in settings.
DEFAULT_EDUCATION_DEPARTMENT = "KZ-JW"


# --- semesters -----------------------------------------------------------------------------------


def semester_of(day: date) -> str:
    """The school semester a day falls in: spring is February to July, autumn August to January."""
    if day.month == 1:
        return f"{day.year - 1}-autumn"
    return f"{day.year}-spring" if day.month <= 7 else f"{day.year}-autumn"


def recent_semesters(*, today: date | None = None, count: int = 4) -> list[str]:
    """The current semester and the ones before it, newest first: what an operator may report for."""
    year, season = semester_of(today or timezone.localdate()).split("-")
    result, year_number = [], int(year)
    for _index in range(count):
        result.append(f"{year_number}-{season}")
        if season == "spring":
            year_number, season = year_number - 1, "autumn"
        else:
            season = "spring"
    return [semester for semester in result if int(semester[:4]) >= FIRST_YEAR]


def semester_label(semester: str) -> str:
    match = SEMESTER_PATTERN.match(semester or "")
    if not match:
        return semester
    if match.group(2) == "spring":
        return _("%(year)s spring semester") % {"year": match.group(1)}
    return _("%(year)s autumn semester") % {"year": match.group(1)}


def validate_semester(semester: str) -> str:
    """ "2025-autumn" or "2026-spring", from 2020 to next year."""
    match = SEMESTER_PATTERN.match(semester)
    last_year = timezone.localdate().year + 1
    if not match or not FIRST_YEAR <= int(match.group(1)) <= last_year:
        raise ValidationError(
            _(
                "Give the semester as a year from %(first)s to %(last)s and spring or autumn, such as 2025-autumn."
            )
            % {"first": FIRST_YEAR, "last": last_year},
            code="semester",
        )
    return semester


# --- the write -----------------------------------------------------------------------------------


def _duplicate(institution: Institution, semester: str) -> ValidationError:
    return ValidationError(
        {
            "semester": [
                _("%(institution)s has already sent its report for the %(semester)s.")
                % {"institution": institution.name, "semester": semester_label(semester)}
            ]
        },
        code="duplicate",
    )


def _check_numbers(
    institution: Institution, *, class_count: int, children: int, staff: int
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, value, limit in (
        ("class_count", class_count, MAX_CLASSES),
        ("children", children, None),
        ("staff", staff, MAX_STAFF),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[name] = [_("Enter a whole number, 0 or more.")]
        elif limit is not None and value > limit:
            errors[name] = [
                _("%(value)s is more than any kindergarten has; check the number.") % {"value": value}
            ]
    if errors:
        return errors
    if children > institution.capacity_total:
        errors.setdefault("children", []).append(
            _(
                "%(children)s children is more than the %(capacity)s slots this institution has in the register."
            )
            % {"children": children, "capacity": institution.capacity_total}
        )
    if children > 0 and class_count == 0:
        errors.setdefault("class_count", []).append(
            _("Children are reported, so give the number of nursery classes.")
        )
    elif children > class_count * NURSERY_CLASS_LIMIT:
        errors.setdefault("children", []).append(
            _(
                "%(children)s children in %(classes)s nursery classes is more than %(limit)s a class (national standard)."
            )
            % {"children": children, "classes": class_count, "limit": NURSERY_CLASS_LIMIT}
        )
    if children > 0 and staff < 1:
        errors.setdefault("staff", []).append(_("Children are reported, so give the number of staff."))
    return errors


@transaction.atomic
def semester_report_submit(
    *,
    institution: Institution,
    by: User,
    semester: str,
    class_count: int,
    children: int,
    staff: int,
    note: str = "",
) -> SemesterReport:
    """A kindergarten's 托班 report for one semester, once. Sent to the education office and copied to the
    health commission: both read it through reports_for_user() as soon as this commits.

    No message goes out: core.notifications has only an SMS channel, and one SMS per kindergarten per
    semester to every health commission official would be noise. A digest belongs in the task that will
    send email once there is an email adapter.
    """
    # Lock the institution so two submissions of the same report queue up and the second sees the first.
    locked = Institution.objects.select_for_update().get(pk=institution.pk)
    # Someone who does not act for the kindergarten is refused like everywhere else (403), not told
    # about a form error: the shared membership guard.
    if not is_operator(by):
        raise PermissionDenied
    guard_member(locked, by)
    if locked.type != InstitutionType.KINDERGARTEN:
        raise ValidationError(
            _("Only a kindergarten that runs nursery classes (托班) sends a semester report."),
            code="not_kindergarten",
        )
    if locked.status != InstitutionStatus.FILED:
        raise ValidationError(_("Only a filed institution sends semester reports."), code="not_filed")
    semester = (semester or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        validate_semester(semester)
    except ValidationError as exc:
        errors["semester"] = exc.messages
    for name, messages in _check_numbers(
        locked, class_count=class_count, children=children, staff=staff
    ).items():
        errors.setdefault(name, []).extend(messages)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        errors["note"] = [_("Keep the note under %(limit)s characters.") % {"limit": MAX_NOTE}]
    if errors:
        raise ValidationError(errors)
    if SemesterReport.objects.filter(institution=locked, semester=semester).exists():
        raise _duplicate(locked, semester)
    try:
        # A savepoint, so the unique constraint (the last guard) turns into a message, not a broken transaction.
        with transaction.atomic():
            return SemesterReport.objects.create(
                institution=locked,
                semester=semester,
                class_count=class_count,
                children=children,
                staff=staff,
                note=note,
                submitted_by=by,
            )
    except IntegrityError as exc:
        raise _duplicate(locked, semester) from exc


# --- the reads -----------------------------------------------------------------------------------


def education_department_code() -> str:
    return getattr(settings, "TUOYU_EDUCATION_DEPARTMENT_CODE", DEFAULT_EDUCATION_DEPARTMENT)


def is_education_officer(user: User) -> bool:
    return (
        is_department_officer(user)
        and user.department_id is not None
        and user.department.code == education_department_code()
    )


def sees_all_reports(user: User) -> bool:
    """The education office receives the reports; the health commission holds the copy (§14)."""
    return is_health_commission(user) or is_education_officer(user)


def _newest_first(qs: QuerySet[SemesterReport]) -> QuerySet[SemesterReport]:
    # "2025-spring" sorts after "2025-autumn" as text; order by year, then autumn before spring.
    return qs.order_by(
        Substr("semester", 1, 4).desc(),
        Case(When(semester__endswith="autumn", then=Value(0)), default=Value(1), output_field=IntegerField()),
        "institution__name",
        "pk",
    )


def reports_for_user(user: User) -> QuerySet[SemesterReport]:
    """Education office and health commission: every report. An operator: their institutions'. Anyone
    else, other departments included: none."""
    qs = SemesterReport.objects.select_related("institution__unit", "submitted_by")
    if sees_all_reports(user):
        return _newest_first(qs)
    if is_operator(user):
        # One membership per user and institution (a unique constraint), so the join cannot duplicate rows.
        return _newest_first(qs.filter(institution__in=institutions_of(user)))
    return qs.none()


def reports_filtered(
    qs: QuerySet[SemesterReport], *, semester: str = "", unit: Unit | None = None
) -> QuerySet[SemesterReport]:
    if semester:
        qs = qs.filter(semester=semester)
    if unit is not None:
        qs = qs.filter(institution__unit__path__startswith=unit.path)
    return qs


def report_totals(qs: QuerySet[SemesterReport]) -> dict[str, int]:
    totals = qs.order_by().aggregate(
        reports=Count("pk"), class_count=Sum("class_count"), children=Sum("children"), staff=Sum("staff")
    )
    return {key: value or 0 for key, value in totals.items()}


def report_semesters(qs: QuerySet[SemesterReport]) -> list[str]:
    """The semesters that have reports, newest first, for the officials' filter."""
    semesters = set(qs.order_by().values_list("semester", flat=True).distinct())
    return sorted(semesters, key=lambda s: (s[:4], s.endswith("autumn")), reverse=True)


def reportable_institutions(user: User) -> QuerySet[Institution]:
    """The filed kindergartens an operator acts for: the ones that send semester reports."""
    if not is_operator(user):
        return Institution.objects.none()
    return (
        institutions_of(user)
        .filter(type=InstitutionType.KINDERGARTEN, status=InstitutionStatus.FILED)
        .order_by("name")
    )
