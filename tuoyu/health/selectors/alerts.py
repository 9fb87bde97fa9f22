"""Outbreak alerts as their readers see them: the list (by the object rule `alerts_for`), one alert, its
case list and its timeline. Inside the institution the case list names the children; outside it (the
commission, the guidance centre) each child is a number ("幼儿 1, 2 …") with age, sex, days and symptoms.
Fixed queries whatever the number of alerts or cases."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from tuoyu.bookings.models import months_between

from ..models import AlertEvent, AlertStatus, Attendance, OutbreakAlert, Symptom
from . import alerts_for, sees_case_names


def alerts_listed(user, *, status: str | None = None) -> QuerySet[OutbreakAlert]:
    """The alerts this person may see, newest first; `status` narrows them (an unknown one: none)."""
    alerts = alerts_for(user).order_by("-raised_at", "-pk")
    if status:
        alerts = alerts.filter(status=status) if status in AlertStatus.values else alerts.none()
    return alerts


def alert_for(user, pk: int) -> OutbreakAlert:
    """One alert this person may see, or 404 (never 403: ids cannot be probed)."""
    alert = alerts_for(user).filter(pk=pk).first()
    if alert is None:
        raise Http404
    return alert


@dataclass
class CaseRow:
    """One child in an alert (a child counts once, whatever the number of checks)."""

    number: int
    label: str  # the child's name inside the institution, "幼儿 N" outside it
    name: str | None  # None outside the institution
    age_months: int
    sex: str
    sex_label: str
    first_day: date
    days: list[date] = field(default_factory=list)
    symptoms: list[str] = field(default_factory=list)
    symptom_labels: list[str] = field(default_factory=list)
    absent: bool = False  # at least one of its checks is an absence for illness


def alert_cases(alert: OutbreakAlert, *, names: bool) -> list[CaseRow]:
    """The alert's case list, one row per child in the order the cases came; one query."""
    checks = alert.checks.select_related("child").order_by("day", "session", "pk")
    rows: dict[int, CaseRow] = {}
    for check in checks:
        child = check.child
        row = rows.get(child.pk)
        if row is None:
            number = len(rows) + 1
            row = rows[child.pk] = CaseRow(
                number=number,
                label=child.name if names else _("Child %(number)s") % {"number": number},
                name=child.name if names else None,
                age_months=months_between(child.birth_date, check.day),
                sex=child.sex,
                sex_label=child.get_sex_display(),
                first_day=check.day,
            )
        if check.day not in row.days:
            row.days.append(check.day)
        for symptom in check.symptoms or []:
            if symptom not in row.symptoms:
                row.symptoms.append(symptom)
        row.absent = row.absent or check.attendance == Attendance.ABSENT
    labels = dict(Symptom.choices)
    for row in rows.values():
        row.symptom_labels = [str(labels.get(s, s)) for s in row.symptoms]
    return list(rows.values())


def alert_case_rows_for(user, alert: OutbreakAlert) -> list[CaseRow]:
    """The case list as this person may see it: names only inside the institution."""
    return alert_cases(alert, names=sees_case_names(user, alert))


def alert_events(alert: OutbreakAlert) -> list[AlertEvent]:
    return list(alert.events.select_related("by").order_by("at", "pk"))
