"""Reads of the filing workflow, and the only way a filing reaches a user (access_* helpers)."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.capabilities import (
    can_review_filings,
    is_department_officer,
    is_health_commission,
    is_operator,
)
from tuoyu.accounts.models import User
from tuoyu.institutions.selectors import institutions_of

from .data import (
    INSTITUTION_FIELDS,
    ClassRow,
    FeeRow,
    InstitutionSection,
    StaffSection,
    data_from_institution,
)
from .models import CoordinationCase, Filing, FilingKind, FilingStatus, Notice
from .workflow import is_applied


def filings_for_user(user: User) -> QuerySet[Filing]:
    """An operator sees their own applications and those of institutions they act for; the health
    commission sees all in its district; nobody else sees any."""
    qs = Filing.objects.select_related("institution", "applicant")
    if can_review_filings(user):
        return qs
    if is_operator(user):
        return qs.filter(Q(applicant=user) | Q(institution__in=institutions_of(user)))
    return qs.none()


def access_filing_for_user(user: User, pk: int) -> Filing:
    filing = filings_for_user(user).filter(pk=pk).first()
    if filing is None:
        raise Http404
    return filing


def review_queue(*, status: str = FilingStatus.SUBMITTED) -> QuerySet[Filing]:
    """Oldest deadline first: what the reviewer must decide next."""
    return (
        Filing.objects.select_related("institution", "applicant")
        .filter(status=status)
        .order_by("due_on", "submitted_at", "id")
    )


def cases_for_user(user: User) -> QuerySet[CoordinationCase]:
    """The health commission sees every case; a department officer only the cases their department is in."""
    qs = CoordinationCase.objects.select_related("filing").prefetch_related("departments")
    if is_health_commission(user):
        return qs
    if is_department_officer(user) and user.department_id:
        return qs.filter(departments=user.department_id)
    return qs.none()


def access_case_for_user(user: User, pk: int) -> CoordinationCase:
    case = cases_for_user(user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def public_notices() -> QuerySet[Notice]:
    return Notice.objects.all()


# --- a change (变更) against the register ------------------------------------------------------

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
# Keys that name what a change touched beyond the institution's own fields: the reviewer's table, the
# material rule (requirements.py) and the public notice all speak of these.
CLASSES_TOPIC, PLACES_TOPIC, PLACES_UP, FEES_TOPIC, STAFF_TOPIC, LOCATION_TOPIC = (
    "classes",
    "places",
    "places_up",
    "fees",
    "staff",
    "location",
)
TOPIC_LABELS = {
    CLASSES_TOPIC: _("Classes"),
    PLACES_TOPIC: _("Places"),
    FEES_TOPIC: _("Fees"),
    STAFF_TOPIC: _("Staff"),
    LOCATION_TOPIC: _("Location"),
}
# The pin on the map is one thing to a reader, though the form keeps it as two numbers.
FIELD_TOPICS = {"lat": LOCATION_TOPIC, "lng": LOCATION_TOPIC}


@dataclass
class FieldChange:
    key: str
    label: str
    old: str
    new: str


@dataclass
class RowChange:
    """A class or a fee added, removed or changed; `old`/`new` describe the whole row ("" when absent)."""

    key: str
    change: str  # ADDED, REMOVED or CHANGED
    label: str
    old: str
    new: str


@dataclass
class ChangeDiff:
    """What a change filing changes against the register: old → new, and what it leaves alone."""

    fields: list[FieldChange] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)
    staff: list[FieldChange] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)  # (label, value), for the folded part
    places: tuple[int, int] = (0, 0)  # total places before and after

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.rows or self.staff)

    @property
    def topics(self) -> list[str]:
        """What changed, in the form's order: institution field keys, then classes, places, fees, staff."""
        found: list[str] = []
        for item in self.fields:
            topic = FIELD_TOPICS.get(item.key, item.key)
            if topic not in found:
                found.append(topic)
        classes = [r for r in self.rows if r.key.startswith("class:")]
        if any(r.change != CHANGED or r.key.endswith(":age_group") for r in classes):
            found.append(CLASSES_TOPIC)
        if self.places[0] != self.places[1]:
            found.append(PLACES_TOPIC)
        if any(r.key.startswith("fee:") for r in self.rows):
            found.append(FEES_TOPIC)
        if self.staff:
            found.append(STAFF_TOPIC)
        return found

    @property
    def triggers(self) -> set[str]:
        """The keys the material rule reads: every field key that changed, the topics, and whether the
        places went up."""
        keys = {item.key for item in self.fields} | set(self.topics)
        if self.places[1] > self.places[0]:
            keys.add(PLACES_UP)
        return keys


def topic_labels(topics: list[str]) -> list[str]:
    """Each topic in words: a field's form label, or the section's name."""
    labels = {name: f.label for name, f in InstitutionSection().fields.items()}
    return [str(TOPIC_LABELS.get(t) or labels.get(t, t)) for t in topics]


def _normal(form_field: forms.Field, raw: Any) -> Any:
    """A raw form value as the form reads it, so "7:30" and "07:30", or "1500" and "1500.00", are equal."""
    raw = "" if raw is None else raw
    try:
        return form_field.to_python(raw)
    except ValidationError:
        return str(raw).strip()


def _display(form_field: forms.Field, raw: Any) -> str:
    if isinstance(form_field, forms.BooleanField):
        return gettext("yes") if _normal(form_field, raw) else gettext("no")
    if isinstance(form_field, forms.ChoiceField):
        return str(dict(form_field.choices).get(raw, raw or "")) or "—"
    return str(raw or "").strip() or "—"


def _class_row(row: dict) -> str:
    form = ClassRow()
    return gettext("%(age_group)s, %(places)s places") % {
        "age_group": _display(form.fields["age_group"], row.get("age_group")),
        "places": row.get("capacity") or "—",
    }


def _fee_key(row: dict) -> tuple:
    form = FeeRow()
    return tuple(_normal(form.fields[k], row.get(k)) or "" for k in ("service_type", "age_group", "period"))


def _fee_label(row: dict) -> str:
    form = FeeRow()
    return " · ".join(_display(form.fields[k], row.get(k)) for k in ("service_type", "age_group", "period"))


def _amount(form_field: forms.Field, raw: Any) -> str:
    """1500, 1500.0 and 1500.00 read alike: whole yuan without decimals, otherwise as typed."""
    value = _normal(form_field, raw)
    if isinstance(value, Decimal):
        return (
            str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value.normalize())
        )
    return _display(form_field, raw)


def _fee_row(row: dict) -> str:
    form = FeeRow()
    return gettext("%(amount)s yuan, %(price_type)s") % {
        "amount": _amount(form.fields["amount"], row.get("amount")),
        "price_type": _display(form.fields["price_type"], row.get("price_type")),
    }


def _places(rows: list[dict]) -> int:
    capacity = ClassRow().fields["capacity"]
    values = (_normal(capacity, row.get("capacity")) for row in rows)
    return sum(value for value in values if isinstance(value, int))


def _diff_classes(old: list[dict], new: list[dict], unchanged: list[tuple[str, str]]) -> list[RowChange]:
    """Classes match by name, as the register applies a change (institution_apply_change). The
    enrolled count is the register's own (bookings keep it), so a change never moves it."""
    form = ClassRow()
    before = {str(r.get("name") or "").strip(): r for r in old}
    after = {str(r.get("name") or "").strip(): r for r in new}
    rows: list[RowChange] = []
    for name, row in after.items():
        label = gettext("Class %(name)s") % {"name": name or "—"}
        if name not in before:
            rows.append(RowChange(f"class:{name}", ADDED, label, "", _class_row(row)))
            continue
        was = before[name]
        differs = [
            k
            for k in ("age_group", "capacity")
            if _normal(form.fields[k], was.get(k)) != _normal(form.fields[k], row.get(k))
        ]
        if differs:
            suffix = ":age_group" if "age_group" in differs else ""
            rows.append(RowChange(f"class:{name}{suffix}", CHANGED, label, _class_row(was), _class_row(row)))
        else:
            unchanged.append((label, _class_row(row)))
    for name, row in before.items():
        if name not in after:
            label = gettext("Class %(name)s") % {"name": name or "—"}
            rows.append(RowChange(f"class:{name}", REMOVED, label, _class_row(row), ""))
    return rows


def _diff_fees(old: list[dict], new: list[dict], unchanged: list[tuple[str, str]]) -> list[RowChange]:
    """Fees match by service, age group and period; what may change is the amount and the price type."""
    form = FeeRow()
    before: dict[tuple, list[dict]] = {}
    for row in old:
        before.setdefault(_fee_key(row), []).append(row)
    rows: list[RowChange] = []
    for row in new:
        key = _fee_key(row)
        label = gettext("Fee: %(fee)s") % {"fee": _fee_label(row)}
        slug = "fee:" + ":".join(str(k) for k in key)
        matches = before.get(key) or []
        if not matches:
            rows.append(RowChange(slug, ADDED, label, "", _fee_row(row)))
            continue
        was = matches.pop(0)
        if any(
            _normal(form.fields[k], was.get(k)) != _normal(form.fields[k], row.get(k))
            for k in ("amount", "price_type")
        ):
            rows.append(RowChange(slug, CHANGED, label, _fee_row(was), _fee_row(row)))
        else:
            unchanged.append((label, _fee_row(row)))
    for key, left in before.items():
        for row in left:
            slug = "fee:" + ":".join(str(k) for k in key)
            label = gettext("Fee: %(fee)s") % {"fee": _fee_label(row)}
            rows.append(RowChange(slug, REMOVED, label, _fee_row(row), ""))
    return rows


def diff_filing_data(old: dict[str, Any], new: dict[str, Any]) -> ChangeDiff:
    """Compare two sets of raw filing data (the register's and the change's), field by field."""
    diff = ChangeDiff()
    inst_form, staff_form = InstitutionSection(), StaffSection()
    old_inst, new_inst = old.get("institution") or {}, new.get("institution") or {}
    for key in INSTITUTION_FIELDS:
        form_field = inst_form.fields[key]
        before, after = old_inst.get(key), new_inst.get(key)
        if _normal(form_field, before) != _normal(form_field, after):
            diff.fields.append(
                FieldChange(
                    key, str(form_field.label), _display(form_field, before), _display(form_field, after)
                )
            )
        elif key not in ("lat", "lng"):
            diff.unchanged.append((str(form_field.label), _display(form_field, after)))
    old_staff, new_staff = old.get("staff") or {}, new.get("staff") or {}
    if old_staff:  # the register keeps no staff summary; compare only with a filed one
        for key in ("total", "caregivers", "certified_caregivers", "health_staff"):
            form_field = staff_form.fields[key]
            before, after = old_staff.get(key), new_staff.get(key)
            if _normal(form_field, before) != _normal(form_field, after):
                diff.staff.append(
                    FieldChange(
                        f"staff:{key}",
                        str(form_field.label),
                        _display(form_field, before),
                        _display(form_field, after),
                    )
                )
    old_classes, new_classes = old.get("classes") or [], new.get("classes") or []
    diff.rows = _diff_classes(old_classes, new_classes, diff.unchanged) + _diff_fees(
        old.get("fees") or [], new.get("fees") or [], diff.unchanged
    )
    diff.places = (_places(old_classes), _places(new_classes))
    return diff


def register_baseline(filing: Filing) -> dict[str, Any] | None:
    """What a change is compared with: the register as it stands while the change waits; once the change
    is decided (the register then holds it), the data of the application filed before it."""
    if filing.kind != FilingKind.CHANGE or filing.institution_id is None:
        return None
    earlier = Filing.objects.filter(
        institution_id=filing.institution_id, status=FilingStatus.APPROVED
    ).exclude(kind=FilingKind.DEREGISTRATION)
    if is_applied(filing):
        previous = (
            earlier.exclude(pk=filing.pk)
            .filter(decided_at__lt=filing.decided_at or timezone.now())
            .order_by("-decided_at")
            .first()
        )
        return dict(previous.data) if previous is not None else None
    baseline = data_from_institution(filing.institution)
    last = earlier.exclude(pk=filing.pk).order_by("-decided_at").first()
    baseline["staff"] = dict(last.data.get("staff") or {}) if last is not None else {}
    return baseline


def change_against_register(filing: Filing) -> ChangeDiff | None:
    """A change filing's changes against the register (old → new); None for any other filing."""
    baseline = register_baseline(filing)
    if baseline is None:
        return None
    return diff_filing_data(baseline, filing.data)
