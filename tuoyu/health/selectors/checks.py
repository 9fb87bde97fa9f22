"""A class's check sheet (the enrolled children with their check of the day, if any) and the health
staff's list of classes with the day's checks done or not. Each read is a fixed number of queries,
whatever the number of children or classes."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet

from tuoyu.accounts import capabilities
from tuoyu.bookings.models import months_between
from tuoyu.bookings.selectors import enrolments_attending_on
from tuoyu.institutions.models import ClassGroup
from tuoyu.institutions.selectors import institutions_of

from ..models import AlertStatus, Attendance, DailyCheck, OutbreakAlert, Session


def classes_checked_by(user) -> QuerySet[ClassGroup]:
    """The classes whose checks this person keeps: every class of the institutions of a health staff
    member; none for anyone else (another institution's class is a 404 on the pages)."""
    if not capabilities.keeps_health_records(user):
        return ClassGroup.objects.none()
    return ClassGroup.objects.filter(institution__in=institutions_of(user)).select_related("institution")


@dataclass
class SheetRow:
    child_id: int
    name: str
    sex: str
    sex_label: str
    age_months: int
    check: DailyCheck | None  # this session's check, when recorded
    # What the form starts with: this session's check; at midday without one, the morning's (a child
    # absent in the morning is usually still absent); else present and well.
    attendance: str
    absence_reason: str
    symptoms: list[str]
    temperature: object
    note: str


def check_sheet(class_group: ClassGroup, day: date, session: str) -> list[SheetRow]:
    """The children enrolled in the class on `day`, by name, each with its check at `session`. Two
    queries: the enrolments with their children, the day's checks of those children."""
    enrolments = list(
        enrolments_attending_on(day)
        .filter(class_group=class_group)
        .select_related("child")
        .order_by("child__name", "child_id")
    )
    checks = {
        (check.child_id, check.session): check
        for check in DailyCheck.objects.filter(child_id__in=[e.child_id for e in enrolments], day=day)
    }
    rows, seen = [], set()
    for enrolment in enrolments:
        child = enrolment.child
        if child.pk in seen:  # two enrolments in one class on one day: the child is one row
            continue
        seen.add(child.pk)
        check = checks.get((child.pk, session))
        start = check or (checks.get((child.pk, Session.MORNING)) if session == Session.MIDDAY else None)
        rows.append(
            SheetRow(
                child_id=child.pk,
                name=child.name,
                sex=child.sex,
                sex_label=child.get_sex_display(),
                age_months=months_between(child.birth_date, day),
                check=check,
                attendance=start.attendance if start else Attendance.PRESENT,
                absence_reason=start.absence_reason if start else "",
                symptoms=list(start.symptoms or []) if start else [],
                temperature=check.temperature if check else None,
                note=check.note if check else "",
            )
        )
    return rows


@dataclass
class ClassChecks:
    class_group: ClassGroup
    enrolled: int
    morning: int  # children checked at the morning check
    midday: int
    open_alerts: int

    @property
    def morning_done(self) -> bool:
        return self.enrolled > 0 and self.morning >= self.enrolled

    @property
    def midday_done(self) -> bool:
        return self.enrolled > 0 and self.midday >= self.enrolled


def checks_overview(user, day: date) -> list[ClassChecks]:
    """The person's classes with the day's morning and midday checks done or not. Four queries."""
    classes = list(
        classes_checked_by(user).order_by("institution__name", "institution_id", "age_group", "name")
    )
    ids = [c.pk for c in classes]
    enrolled = dict(
        enrolments_attending_on(day)
        .filter(class_group_id__in=ids)
        .order_by()
        .values("class_group_id")
        .annotate(n=Count("child_id", distinct=True))
        .values_list("class_group_id", "n")
    )
    done: dict[tuple[int, str], int] = {
        (row["class_group_id"], row["session"]): row["n"]
        for row in DailyCheck.objects.filter(class_group_id__in=ids, day=day)
        .order_by()
        .values("class_group_id", "session")
        .annotate(n=Count("pk"))
    }
    alerts = dict(
        OutbreakAlert.objects.filter(class_group_id__in=ids)
        .exclude(status=AlertStatus.CLOSED)
        .order_by()
        .values("class_group_id")
        .annotate(n=Count("pk"))
        .values_list("class_group_id", "n")
    )
    return [
        ClassChecks(
            class_group=c,
            enrolled=enrolled.get(c.pk, 0),
            morning=done.get((c.pk, Session.MORNING), 0),
            midday=done.get((c.pk, Session.MIDDAY), 0),
            open_alerts=alerts.get(c.pk, 0),
        )
        for c in classes
    ]


def open_alerts_of_class(class_group: ClassGroup) -> list[OutbreakAlert]:
    return list(
        OutbreakAlert.objects.filter(class_group=class_group)
        .exclude(status=AlertStatus.CLOSED)
        .order_by("-raised_at", "-pk")
    )
