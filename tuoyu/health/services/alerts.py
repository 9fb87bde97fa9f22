"""Outbreak alerts: raised from a class's checks by the outbreak rule (rules.clusters, thresholds as
OutbreakRule rows), extended while open, acknowledged and closed with a note (workflow.ALERT_WORKFLOW).

A case is a child found ill at a check, or absent for illness, with the symptom. One alert is open per
class and symptom: while it is open, later cases of that symptom in the class join it instead of raising
another. A case already in a closed alert does not count toward a new one, so saving the same sheet again
after an alert is closed raises nothing.

Raising an alert writes outbox messages in the same transaction: the institution's health staff and
operator get the children's names; the commission (administrators, reviewers, child-health officers) and
the maternal and child health guidance centre get the institution, class, symptom, number of children
and days, never a name.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import User
from tuoyu.core.notifications import notify_person
from tuoyu.core.statemachine import transition
from tuoyu.institutions.models import ClassGroup, InstitutionMembership

from .. import rules
from ..models import (
    AbsenceReason,
    AlertStatus,
    Attendance,
    DailyCheck,
    OutbreakAlert,
    OutbreakRule,
    Symptom,
)
from ..selectors import may_handle_alert
from ..workflow import ALERT_WORKFLOW


@dataclass
class AlertsEvaluated:
    raised: list[OutbreakAlert] = field(default_factory=list)
    extended: list[OutbreakAlert] = field(default_factory=list)


def symptoms_of_case(check: DailyCheck) -> list[str]:
    """The symptoms a check counts as cases of: an ill child's, or an absent-for-illness child's; none for
    a child present and well or absent for another reason."""
    if check.attendance == Attendance.ILL or (
        check.attendance == Attendance.ABSENT and check.absence_reason == AbsenceReason.ILLNESS
    ):
        return [s for s in (check.symptoms or []) if s in Symptom.values]
    return []


def _symptom_label(symptom: str) -> str:
    return str(Symptom(symptom).label) if symptom in Symptom.values else symptom


def _institution_people(institution_id: int) -> list[User]:
    return [
        m.user
        for m in InstitutionMembership.objects.filter(
            institution_id=institution_id,
            user__is_active=True,
            user__role__in=capabilities.ALERT_HANDLERS_INSTITUTION,
        )
        .select_related("user")
        .order_by("user_id")
    ]


def _officials() -> list[User]:
    return list(
        User.objects.filter(is_active=True, role__in=capabilities.ALERT_FOLLOWERS_GOVERNMENT).order_by("pk")
    )


def _notify_raised(alert: OutbreakAlert, rule: OutbreakRule, names: list[str]) -> int:
    """Tell the institution (with names) and the officials (without); how many people were told."""
    facts = {
        "institution": alert.institution.name,
        "class": alert.class_group.name,
        "symptom": _symptom_label(alert.symptom),
        "count": alert.cases,
        "first": alert.first_day.isoformat(),
        "last": alert.last_day.isoformat(),
        "rule": rule.name,
    }
    subject = _("Outbreak alert: %(institution)s %(class)s, %(symptom)s") % facts
    inside = _(
        "%(institution)s %(class)s: %(count)s children with %(symptom)s between %(first)s and %(last)s "
        "(%(rule)s): %(names)s. Report it as the rules require, and record what was done on the alert."
    ) % {**facts, "names": "、".join(names)}
    # No name, no age, no sex: outside the institution an alert is numbers only.
    outside = (
        _(
            "%(institution)s %(class)s: %(count)s children with %(symptom)s between %(first)s and %(last)s "
            "(%(rule)s). The case list without names is on the alert's page."
        )
        % facts
    )
    told = 0
    for person in _institution_people(alert.institution_id):
        notify_person(person, subject=subject, body=inside)
        told += 1
    for person in _officials():
        notify_person(person, subject=subject, body=outside)
        told += 1
    return told


def _cases_by_symptom(checks: list[DailyCheck]) -> dict[str, list[DailyCheck]]:
    found: dict[str, list[DailyCheck]] = {}
    for check in checks:
        for symptom in symptoms_of_case(check):
            found.setdefault(symptom, []).append(check)
    return found


@transaction.atomic
def alerts_evaluate(*, class_group: ClassGroup, day: date, by) -> AlertsEvaluated:
    """After the checks of `class_group` on `day` are recorded: extend the class's open alerts with the
    new cases of their symptom, and raise an alert for each symptom that reaches a rule in its window
    ending on `day` and has no open alert yet (the rule with the shortest window when several are met)."""
    result = AlertsEvaluated()
    # One evaluation per class at a time: two sheets saved together would otherwise both raise.
    class_group = ClassGroup.objects.select_for_update().select_related("institution").get(pk=class_group.pk)
    active = list(OutbreakRule.objects.filter(active=True).order_by("days", "min_cases", "code"))
    open_alerts = {
        alert.symptom: alert
        for alert in OutbreakAlert.objects.select_for_update()
        .filter(class_group=class_group)
        .exclude(status=AlertStatus.CLOSED)
        .order_by("pk")
    }
    if not active and not open_alerts:
        return result
    longest = max((rule.days for rule in active), default=1)
    since = rules.outbreak_window(longest, day)[0]
    until = day
    for alert in open_alerts.values():
        since, until = min(since, alert.first_day), max(until, alert.last_day)
    checks = list(
        DailyCheck.objects.filter(
            class_group=class_group,
            day__gte=since,
            day__lte=until,
            attendance__in=(Attendance.ILL, Attendance.ABSENT),
        )
        .select_related("child")
        .order_by("day", "session", "pk")
    )
    by_symptom = _cases_by_symptom(checks)

    # Extend: every case of the symptom since the alert's first day, and today's, joins it.
    for symptom, alert in open_alerts.items():
        upper = max(alert.last_day, day)
        joining = [
            c for c in by_symptom.get(symptom, []) if alert.first_day <= c.day <= upper or c.day == day
        ]
        current = set(alert.checks.values_list("pk", flat=True))
        new = [c for c in joining if c.pk not in current]
        if not new:
            continue
        alert.checks.add(*new)
        members = list(DailyCheck.objects.filter(alerts=alert).values_list("child_id", "day"))
        children = {child for child, _day in members}
        days = [d for _child, d in members]
        alert.cases = len(children)
        alert.first_day, alert.last_day = min(days), max(days)
        alert.save(update_fields=["cases", "first_day", "last_day"])
        result.extended.append(alert)

    # Raise: cases already in a closed alert of the class and symptom count no more.
    covered = set(
        DailyCheck.objects.filter(
            alerts__class_group=class_group, alerts__status=AlertStatus.CLOSED, day__gte=since
        ).values_list("child_id", "day", "alerts__symptom")
    )
    cases = [
        (class_group.pk, check.child_id, check.day, symptom)
        for symptom, found in by_symptom.items()
        if symptom not in open_alerts
        for check in found
        if check.day <= day and (check.child_id, check.day, symptom) not in covered
    ]
    thresholds = [(rule.code, rule.days, rule.min_cases) for rule in active]
    by_code = {rule.code: rule for rule in active}
    raised_symptoms: set[str] = set()
    for cluster in rules.clusters(cases, thresholds, day):
        if cluster.symptom in raised_symptoms:
            continue  # the shortest window's cluster comes first and raises the alert
        raised_symptoms.add(cluster.symptom)
        rule = by_code[cluster.rule]
        start = rules.outbreak_window(rule.days, day)[0]
        members = [
            c
            for c in by_symptom[cluster.symptom]
            if start <= c.day <= day and (c.child_id, c.day, cluster.symptom) not in covered
        ]
        alert = OutbreakAlert.objects.create(
            institution_id=class_group.institution_id,
            class_group=class_group,
            symptom=cluster.symptom,
            rule=rule,
            first_day=cluster.first_day,
            last_day=cluster.last_day,
            cases=cluster.cases,
        )
        alert.checks.add(*members)
        ALERT_WORKFLOW.record(obj=alert, from_status="", to_status=AlertStatus.OPEN, by=by, note=rule.name)
        alert.class_group = class_group
        names = []
        for check in members:
            if check.child.name not in names:
                names.append(check.child.name)
        _notify_raised(alert, rule, names)
        result.raised.append(alert)
    return result


def _guard(alert: OutbreakAlert, by) -> None:
    if not may_handle_alert(by, alert):
        raise PermissionDenied


@transaction.atomic
def alert_acknowledge(*, alert: OutbreakAlert, by, note: str = "") -> OutbreakAlert:
    """The institution or the child-health officers have seen the alert and act on it."""
    _guard(alert, by)
    return transition(ALERT_WORKFLOW, alert, AlertStatus.ACKNOWLEDGED, by=by, note=(note or "").strip())


@transaction.atomic
def alert_close(*, alert: OutbreakAlert, by, note: str) -> OutbreakAlert:
    """Close the alert with what was done (reported, disinfected, children followed up); the note is
    required. Later cases of the symptom in the class raise a new alert when they reach the rule again."""
    _guard(alert, by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say what was done before closing the alert.")]}, code="required")
    if len(note) > 2000:
        raise ValidationError({"note": [_("Keep the note under 2000 characters.")]}, code="max_length")
    return transition(ALERT_WORKFLOW, alert, AlertStatus.CLOSED, by=by, note=note)
