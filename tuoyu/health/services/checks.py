"""Morning and midday checks (晨午检) of a class: every child's attendance, an absence's reason, an ill
child's symptoms and temperature, recorded at once for one day and one check by the institution's health
staff. Then the outbreak rule is asked (alerts.alerts_evaluate), in the same transaction.

Everything is checked before the first row is written: a refused sheet stores nothing and raises one
ValidationError (`day`, `session` or `entries`, a message per wrong row naming the child).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.bookings.selectors import enrolments_attending_on
from tuoyu.core.workdays import beijing_today
from tuoyu.institutions.models import ClassGroup
from tuoyu.institutions.selectors import is_member

from ..models import AbsenceReason, Attendance, DailyCheck, OutbreakAlert, Session, Symptom
from .alerts import alerts_evaluate

# How far back a sheet may still be filled in or corrected: a check is recorded on the day, and a missed
# or wrong one within the week.
DAYS_BACK = 7
TEMPERATURE_RANGE = (Decimal("34.0"), Decimal("43.0"))
ENTRY_FIELDS = frozenset({"child_id", "attendance", "absence_reason", "symptoms", "temperature", "note"})
NOTE_MAX = 200


@dataclass
class ChecksRecorded:
    checks: list[DailyCheck] = field(default_factory=list)
    raised: list[OutbreakAlert] = field(default_factory=list)
    extended: list[OutbreakAlert] = field(default_factory=list)


def guard_health_staff(class_group: ClassGroup, by) -> None:
    """The health staff of the class's institution only; its operator, another institution's health staff
    and officials are refused."""
    if not capabilities.keeps_health_records(by) or not is_member(by, class_group.institution_id):
        raise PermissionDenied


def check_day_error(day, *, today: date | None = None) -> str | None:
    """Why a sheet cannot be kept for `day`, or None (pages ask it before showing a form)."""
    today = today or beijing_today()
    if not isinstance(day, date):
        return _("Enter a valid date.")
    if day > today:
        return _("A check cannot be recorded for a day that has not come yet.")
    if day < today - timedelta(days=DAYS_BACK):
        return _("A check can be recorded or corrected up to %(days)s days back.") % {"days": DAYS_BACK}
    return None


def enrolled_children(class_group: ClassGroup, day: date) -> dict[int, str]:
    """{child id: name} of the children with an enrolment in the class on `day`."""
    return dict(
        enrolments_attending_on(day)
        .filter(class_group=class_group)
        .order_by("child__name", "child_id")
        .values_list("child_id", "child__name")
    )


def _temperature(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValueError from None
    if not number.is_finite() or not TEMPERATURE_RANGE[0] <= number <= TEMPERATURE_RANGE[1]:
        raise ValueError
    return number


def _clean_entry(entry, children: dict[int, str], seen: set[int]) -> tuple[dict | None, list[str]]:
    """One row, checked and normalised, or the messages saying what is wrong with it."""
    if not isinstance(entry, dict) or set(entry) - ENTRY_FIELDS:
        return None, [_("A row has fields that are not known.")]
    try:
        child_id = int(entry.get("child_id"))
    except (TypeError, ValueError):
        return None, [_("A row does not name a child.")]
    if child_id not in children:
        return None, [_("A child in the list is not enrolled in this class on that day.")]
    name = children[child_id]
    if child_id in seen:
        return None, [_("%(name)s appears twice.") % {"name": name}]
    seen.add(child_id)
    problems = []
    attendance = entry.get("attendance") or ""
    reason = entry.get("absence_reason") or ""
    symptoms = entry.get("symptoms") or []
    if isinstance(symptoms, str) or not isinstance(symptoms, list | tuple):
        symptoms = [symptoms]
    symptoms = list(dict.fromkeys(str(s) for s in symptoms))
    note = str(entry.get("note") or "").strip()
    if attendance not in Attendance.values:
        problems.append(_("%(name)s: choose present, absent or ill.") % {"name": name})
    if any(s not in Symptom.values for s in symptoms):
        problems.append(_("%(name)s: a symptom is not known.") % {"name": name})
    try:
        temperature = _temperature(entry.get("temperature"))
    except ValueError:
        temperature = None
        problems.append(
            _("%(name)s: a temperature between %(low)s and %(high)s °C.")
            % {"name": name, "low": TEMPERATURE_RANGE[0], "high": TEMPERATURE_RANGE[1]}
        )
    if len(note) > NOTE_MAX:
        problems.append(
            _("%(name)s: keep the note under %(max)s characters.") % {"name": name, "max": NOTE_MAX}
        )
    if attendance == Attendance.ABSENT:
        if reason not in AbsenceReason.values:
            problems.append(_("%(name)s: give the reason for the absence.") % {"name": name})
        elif reason != AbsenceReason.ILLNESS and symptoms:
            problems.append(_("%(name)s: symptoms go with an absence for illness only.") % {"name": name})
        if temperature is not None and reason != AbsenceReason.ILLNESS:
            # Only an absence for illness may carry the temperature the guardian reported.
            problems.append(_("%(name)s: an absent child's temperature was not taken.") % {"name": name})
    elif reason:
        problems.append(_("%(name)s: a reason goes with an absence only.") % {"name": name})
    if attendance == Attendance.ILL and not symptoms:
        problems.append(_("%(name)s: choose at least one symptom.") % {"name": name})
    if attendance == Attendance.PRESENT and symptoms:
        problems.append(_("%(name)s: a child with symptoms is ill, not well.") % {"name": name})
    if problems:
        return None, problems
    return {
        "child_id": child_id,
        "attendance": attendance,
        "absence_reason": reason if attendance == Attendance.ABSENT else "",
        "symptoms": symptoms,
        "temperature": temperature,
        "note": note,
    }, []


@transaction.atomic
def checks_record(
    *, class_group: ClassGroup, day: date, session: str, by, entries: list[dict]
) -> ChecksRecorded:
    """Record (or correct) the checks of the children in `entries` for the class on `day` at `session`;
    one row per child, day and check. Children not in `entries` are left as they are."""
    guard_health_staff(class_group, by)
    errors: dict[str, list[str]] = {}
    day_error = check_day_error(day)
    if day_error:
        errors["day"] = [day_error]
    if session not in Session.values:
        errors["session"] = [_("Choose the morning or the midday check.")]
    if errors:
        raise ValidationError(errors)
    # Saves of the same class wait for each other: the rows and the alert see one sheet at a time.
    class_group = ClassGroup.objects.select_for_update().get(pk=class_group.pk)
    children = enrolled_children(class_group, day)
    rows, problems, seen = [], [], set()
    for entry in entries or []:
        row, wrong = _clean_entry(entry, children, seen)
        problems.extend(wrong)
        if row is not None:
            rows.append(row)
    if not rows and not problems:
        problems.append(_("Record at least one child."))
    if problems:
        raise ValidationError({"entries": problems})

    existing = {
        check.child_id: check
        for check in DailyCheck.objects.select_for_update().filter(
            child_id__in=[row["child_id"] for row in rows], day=day, session=session
        )
    }
    result = ChecksRecorded()
    for row in rows:
        check = existing.get(row["child_id"]) or DailyCheck(
            child_id=row["child_id"], day=day, session=session
        )
        check.institution_id = class_group.institution_id
        check.class_group = class_group
        check.attendance = row["attendance"]
        check.absence_reason = row["absence_reason"]
        check.symptoms = row["symptoms"]
        check.temperature = row["temperature"]
        check.note = row["note"]
        check.by = by
        # One save per row (not bulk): auditlog records each child's health data change.
        check.save()
        result.checks.append(check)
    evaluated = alerts_evaluate(class_group=class_group, day=day, by=by)
    result.raised, result.extended = evaluated.raised, evaluated.extended
    return result
