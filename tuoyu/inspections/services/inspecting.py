"""The inspection on site: start, answer the checklist, add photos, sign and submit (现场检查).

Only the inspectors drawn for an inspection act on it (anyone else: PermissionDenied, 403). Each service
is one transaction that validates everything before its first write, so a refusal leaves nothing behind.
Submitting turns every failed item into a Finding with a severity and a rectification deadline in
working days, records the result, and moves the inspection through INSPECTION_WORKFLOW: to closed when
nothing was found, else to submitted (findings to put right). 一公开: the result is due for publication
within 20 working days of the submission.
"""

import json
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tuoyu.core.files import IMAGE_KINDS, strip_image_metadata, validate_upload
from tuoyu.core.statemachine import lock, transition
from tuoyu.core.workdays import add_workdays

from .. import rules, selectors
from ..models import (
    Answer,
    ChecklistAnswer,
    ChecklistItem,
    Domain,
    Finding,
    Inspection,
    InspectionPhoto,
    InspectionStatus,
    Inspector,
    Result,
    Severity,
    Signature,
)
from ..workflow import INSPECTION_WORKFLOW
from .notices import tell_findings

CHECKLIST_FILE = settings.BASE_DIR / "tuoyu" / "inspections" / "data" / "checklist.json"

PUBLISH_WITHIN_WORKDAYS = 20  # 一公开: results published within 20 working days
MIN_SIGNATURES = 2  # 执法人员不少于两人
MAX_NOTE = 2000
MAX_PHOTOS = 100  # per inspection: a phone's worth of evidence, not an archive
DETAIL_MAX = ChecklistAnswer._meta.get_field("detail").max_length
SIGNATORY_MAX = Inspection._meta.get_field("institution_signatory").max_length


# --- The checklist (district data) ----------------------------------------------------------------


def checklist_load(*, items: list[dict]) -> int:
    """Create or update checklist items by code from data (tuoyu/inspections/data/checklist.json). An item
    already loaded is updated, none is deleted (plans refer to them). All or nothing."""
    errors, rows = [], []
    seen = set()
    for index, row in enumerate(items, start=1):
        code = str(row.get("code") or "").strip()
        problems = []
        if not code or code in seen:
            problems.append("missing or repeated code")
        if row.get("domain") not in Domain.values:
            problems.append(f"unknown domain {row.get('domain')!r}")
        if not str(row.get("text") or "").strip():
            problems.append("no text")
        severity = row.get("severity", Severity.MINOR)
        if severity not in Severity.values:
            problems.append(f"unknown severity {severity!r}")
        auto_rule = row.get("auto_rule", "")
        if auto_rule and auto_rule not in rules.RULES:
            problems.append(f"unknown rule {auto_rule!r}")
        days = row.get("rectify_days", 10)
        if not isinstance(days, int) or days < 1:
            problems.append("rectify_days must be a whole number of at least 1")
        if problems:
            errors.append(f"item {index} ({code or '?'}): {', '.join(problems)}")
            continue
        seen.add(code)
        rows.append(
            (
                code,
                {
                    "domain": row["domain"],
                    "text": row["text"].strip(),
                    "basis": row.get("basis", ""),
                    "auto_rule": auto_rule,
                    "severity": severity,
                    "rectify_days": days,
                    "active": bool(row.get("active", True)),
                    "sort_order": index,
                },
            )
        )
    if errors:
        raise ValueError("; ".join(errors))
    with transaction.atomic():
        for code, defaults in rows:
            ChecklistItem.objects.update_or_create(code=code, defaults=defaults)
    return len(rows)


def checklist_load_file(path: str | Path = CHECKLIST_FILE) -> int:
    return checklist_load(items=json.loads(Path(path).read_text(encoding="utf-8"))["items"])


# --- Guards ---------------------------------------------------------------------------------------


def _drawn_inspector(by, inspection: Inspection) -> Inspector:
    """The acting person's roster row, if they were drawn for this inspection; else 403."""
    if not selectors.drawn_for(by).filter(pk=inspection.pk).exists():
        raise PermissionDenied
    inspector = inspection.inspectors.filter(user=by).first()
    if inspector is None:
        raise PermissionDenied
    return inspector


def _guard_on_site(inspection: Inspection) -> None:
    """The checklist is filled while the inspection is assigned; after that the record is final."""
    if inspection.status != InspectionStatus.ASSIGNED:
        raise ValidationError(
            _("This inspection is %(status)s; its on-site record can no longer change.")
            % {"status": InspectionStatus(inspection.status).label},
            code="status",
        )


def _guard_started(inspection: Inspection) -> None:
    if inspection.inspected_on is None:
        raise ValidationError(_("Start the inspection first."), code="status")


def is_started(inspection: Inspection) -> bool:
    return inspection.inspected_on is not None


# --- Start ----------------------------------------------------------------------------------------


def inspection_start(*, inspection: Inspection, by) -> Inspection:
    """Open the checklist on site: the date of the visit is today, and each item of the plan's checklist
    gets its answer row, answered in advance where a register rule can tell. Idempotent: a second call
    adds only items the first did not have and changes no answer."""
    _drawn_inspector(by, inspection)
    with transaction.atomic():
        locked = lock(INSPECTION_WORKFLOW, inspection)
        _guard_on_site(locked)
        if locked.inspected_on is None:
            locked.inspected_on = timezone.localdate()
            locked.save(update_fields=["inspected_on"])
        have = set(locked.answers.values_list("item_id", flat=True))
        items = [
            item
            for item in locked.plan.checklist.order_by("domain", "sort_order", "code")
            if item.pk not in have
        ]
        now = timezone.now()
        outcomes: dict[str, rules.RuleOutcome] = {}
        rows = []
        for item in items:
            row = ChecklistAnswer(inspection=locked, item=item)
            if item.auto_rule:
                if item.auto_rule not in outcomes:
                    outcomes[item.auto_rule] = rules.evaluate(item.auto_rule, locked.institution)
                outcome = outcomes[item.auto_rule]
                row.automatic = True
                row.detail = outcome.detail[:DETAIL_MAX]
                if outcome.answer:
                    row.answer = outcome.answer
                    row.answered_at = now
            rows.append(row)
        ChecklistAnswer.objects.bulk_create(rows)
    inspection.inspected_on = locked.inspected_on
    return locked


# --- Answers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveOutcome:
    changed: int  # answers or notes changed
    signatures_cleared: int  # signatures withdrawn because the record they signed changed


def answers_save(*, inspection: Inspection, by, answers: dict) -> SaveOutcome:
    """Save some or all answers as the inspector goes: {item_id: {"answer": "pass"|"fail"|"na"|"", "note"}}.
    A blank answer leaves the item unanswered. A signature attests the record as it was signed, so a
    change after someone signed withdraws the signatures (they sign again)."""
    _drawn_inspector(by, inspection)
    with transaction.atomic():
        locked = lock(INSPECTION_WORKFLOW, inspection)
        _guard_on_site(locked)
        _guard_started(locked)
        rows = {row.item_id: row for row in locked.answers.select_related("item")}
        errors: dict[str, list[str]] = {}
        clean = {}
        for raw_id, values in answers.items():
            try:
                item_id = int(raw_id)
            except (TypeError, ValueError):
                item_id = None
            row = rows.get(item_id)
            if row is None:
                errors.setdefault("answers", []).append(
                    _("Item %(item)s is not on this inspection's checklist.") % {"item": raw_id}
                )
                continue
            values = values or {}
            answer = str(values.get("answer") or "")
            note = str(values.get("note") or "").strip()
            field = f"item-{row.item.code}"
            if answer and answer not in Answer.values:
                errors.setdefault(field, []).append(_("Choose pass, fail or not applicable."))
            if len(note) > MAX_NOTE:
                errors.setdefault(field, []).append(
                    _("Please keep the note under %(limit)s characters.") % {"limit": MAX_NOTE}
                )
            clean[item_id] = (answer, note)
        if errors:
            raise ValidationError(errors, code="invalid")
        now = timezone.now()
        changed = []
        for item_id, (answer, note) in clean.items():
            row = rows[item_id]
            if row.answer == answer and row.note == note:
                continue
            row.answer, row.note, row.answered_by, row.answered_at = answer, note, by, now
            changed.append(row)
        ChecklistAnswer.objects.bulk_update(changed, ["answer", "note", "answered_by", "answered_at"])
        cleared = 0
        if changed:
            cleared, _deleted = locked.signatures.all().delete()
    return SaveOutcome(changed=len(changed), signatures_cleared=cleared)


# --- Photos ---------------------------------------------------------------------------------------


def photo_add(
    *, inspection: Inspection, by, upload: File, answer: ChecklistAnswer | None = None
) -> InspectionPhoto:
    """A photo taken on site, of the inspection or of one item: JPEG or PNG only, re-encoded without its
    EXIF (location, device) and kept in private storage."""
    _drawn_inspector(by, inspection)
    if answer is not None and answer.inspection_id != inspection.pk:
        raise PermissionDenied
    with transaction.atomic():
        locked = lock(INSPECTION_WORKFLOW, inspection)
        _guard_on_site(locked)
        _guard_started(locked)
        if locked.photos.count() >= MAX_PHOTOS:
            raise ValidationError(
                {"photo": [_("At most %(max)s photos per inspection.") % {"max": MAX_PHOTOS}]},
                code="too_many",
            )
        try:
            kind = validate_upload(upload, allowed=IMAGE_KINDS)
            content = strip_image_metadata(upload)
        except ValidationError as exc:
            raise ValidationError({"photo": exc.messages}, code=exc.code) from exc
        photo = InspectionPhoto(
            inspection=locked, answer=answer, file_kind=kind, size=content.size, uploaded_by=by
        )
        photo.file.save(content.name, content, save=False)
        photo.save()
    return photo


# --- Signatures -----------------------------------------------------------------------------------


def _same_name(typed: str, name: str) -> bool:
    def norm(value: str) -> str:
        return "".join(unicodedata.normalize("NFKC", value or "").split())

    return bool(norm(typed)) and norm(typed) == norm(name)


def inspection_sign(*, inspection: Inspection, by, name: str) -> Signature:
    """A drawn inspector signs the on-site record with their name as on the roster, once."""
    inspector = _drawn_inspector(by, inspection)
    with transaction.atomic():
        locked = lock(INSPECTION_WORKFLOW, inspection)
        _guard_on_site(locked)
        _guard_started(locked)
        if not _same_name(name, inspector.name):
            raise ValidationError(
                {"name": [_("Type your name as it is on the inspectors' roster.")]}, code="invalid"
            )
        if locked.signatures.filter(inspector=inspector).exists():
            raise ValidationError(_("You have already signed this record."), code="duplicate")
        return Signature.objects.create(inspection=locked, inspector=inspector, name=" ".join(name.split()))


# --- Submit ---------------------------------------------------------------------------------------


def default_deadline(item: ChecklistItem, *, today: date | None = None) -> date:
    return add_workdays(today or timezone.localdate(), item.rectify_days)


def _item_label(item: ChecklistItem) -> str:
    return f"{item.code} {item.text}"


def inspection_submit(
    *,
    inspection: Inspection,
    by,
    institution_signatory: str,
    findings: dict | None = None,
    summary: str = "",
) -> Inspection:
    """Submit the signed record: every item answered, a note on every failure, at least two drawn
    inspectors' signatures, the institution's signatory named. `findings` gives, per failed item id,
    {"severity", "deadline"} (defaults: the item's usual severity, and its working days from today).
    Refused as a whole with every problem listed; nothing is written then."""
    _drawn_inspector(by, inspection)
    findings = findings or {}
    today = timezone.localdate()
    with transaction.atomic():
        locked = lock(INSPECTION_WORKFLOW, inspection)
        _guard_on_site(locked)
        _guard_started(locked)
        rows = list(
            locked.answers.select_related("item").order_by("item__domain", "item__sort_order", "item__code")
        )
        errors: dict[str, list[str]] = {}
        if not rows:
            errors["answers"] = [_("This inspection's checklist is empty.")]
        unanswered = [row.item for row in rows if not row.answer]
        if unanswered:
            errors["unanswered"] = [
                _("These items are not answered yet: %(items)s")
                % {"items": "；".join(_item_label(item) for item in unanswered)}
            ]
        failed = [row for row in rows if row.answer == Answer.FAIL]
        no_note = [row.item for row in failed if not row.note.strip()]
        if no_note:
            errors["notes"] = [
                _("Write what was found for each failed item: %(items)s")
                % {"items": "；".join(_item_label(item) for item in no_note)}
            ]
        drawn = set(locked.inspectors.values_list("pk", flat=True))
        signed = sum(
            1
            for inspector_id in locked.signatures.values_list("inspector_id", flat=True)
            if inspector_id in drawn
        )
        if signed < MIN_SIGNATURES:
            errors["signatures"] = [
                _("The record needs the signatures of at least %(min)s drawn inspectors; it has %(n)s.")
                % {"min": MIN_SIGNATURES, "n": signed}
            ]
        signatory = (institution_signatory or "").strip()
        if not signatory:
            errors["institution_signatory"] = [
                _("Type the name of the person who signs for the institution.")
            ]
        elif len(signatory) > SIGNATORY_MAX:
            errors["institution_signatory"] = [
                _("Please keep the name under %(limit)s characters.") % {"limit": SIGNATORY_MAX}
            ]
        planned = []
        for row in failed:
            item = row.item
            given = findings.get(item.pk) or findings.get(str(item.pk)) or {}
            severity = given.get("severity") or item.severity
            if severity not in Severity.values:
                errors.setdefault(f"severity-{item.code}", []).append(_("Choose a severity."))
            deadline = given.get("deadline") or None
            if isinstance(deadline, str):
                try:
                    parsed = parse_date(deadline.strip())
                except ValueError:
                    parsed = None
                if parsed is None:
                    errors.setdefault(f"deadline-{item.code}", []).append(
                        _("%(item)s: give the deadline as a date.") % {"item": item.code}
                    )
                deadline = parsed
            if deadline is None:
                deadline = default_deadline(item, today=today)
            elif deadline < today:
                errors.setdefault(f"deadline-{item.code}", []).append(
                    _("%(item)s: the deadline %(date)s is in the past.")
                    % {"item": item.code, "date": deadline.isoformat()}
                )
            planned.append((row, severity, deadline))
        if errors:
            raise ValidationError(errors, code="invalid")

        created = Finding.objects.bulk_create(
            [
                Finding(
                    inspection=locked,
                    item=row.item,
                    description=f"{row.item.text}：{row.note.strip()}",
                    severity=severity,
                    deadline=deadline,
                )
                for row, severity, deadline in planned
            ]
        )
        if not planned:
            result, to = Result.COMPLIANT, InspectionStatus.CLOSED
        elif any(severity == Severity.SERIOUS for _row, severity, _deadline in planned):
            result, to = Result.SERIOUS, InspectionStatus.SUBMITTED
        else:
            result, to = Result.FINDINGS, InspectionStatus.SUBMITTED
        now = timezone.now()
        tell_findings(locked, created)
        return transition(
            INSPECTION_WORKFLOW,
            locked,
            to,
            by=by,
            note=summary.strip(),
            changes={
                "result": result,
                "summary": summary.strip(),
                "institution_signatory": signatory,
                "submitted_at": now,
                "publish_due_on": add_workdays(timezone.localdate(now), PUBLISH_WITHIN_WORKDAYS),
            },
            locked=True,
        )
