"""Rectification (整改): the institution's evidence for a finding, the drawn inspector's decision on it,
re-inspection, and the daily escalation of findings whose deadline has passed.

Each write is one transaction and moves the finding only through FINDING_WORKFLOW. A decision that may
be the inspection's last locks the inspection first, then the finding, so two inspectors accepting the
last two findings at once cannot both miss closing it.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import User
from tuoyu.core.files import (
    IMAGE_KINDS,
    clean_original_name,
    file_named_by_kind,
    strip_image_metadata,
    validate_upload,
)
from tuoyu.core.notifications import notify_person
from tuoyu.core.statemachine import lock, refuse, transition
from tuoyu.core.validators import required_text
from tuoyu.core.workdays import beijing_today, is_workday
from tuoyu.institutions.services import guard_member

from ..models import Finding, FindingStatus, Inspection, InspectionStatus, Rectification
from ..selectors import findings_of_member
from ..workflow import (
    FINDING_AWAITS_EVIDENCE,
    FINDING_OPEN,
    FINDING_WORKFLOW,
    INSPECTION_WORKFLOW,
    is_drawn_inspector,
)
from .notices import tell_finding_reopened

F = FindingStatus

EVIDENCE_KINDS = ("pdf", "jpeg", "png")


class Decision:
    """What the inspector decided on a piece of evidence (Rectification.decision)."""

    ACCEPTED = "accepted"  # 验收通过
    RETURNED = "returned"  # 退回补充
    REINSPECTION = "reinspection"  # 安排复查 (the outcome follows)
    PASSED = "passed"  # 复查通过
    FAILED = "failed"  # 复查未通过: open again with a new deadline


# --- what a person may do now (pages ask these; services enforce the same) --------------------------


def awaits_decision(finding: Finding) -> bool:
    """Evidence is in and the inspector has not decided on it yet."""
    return finding.status == F.SUBMITTED


def awaits_reinspection(finding: Finding) -> bool:
    return finding.status == F.REINSPECTION


def awaits_evidence(finding: Finding) -> bool:
    return finding.status in FINDING_AWAITS_EVIDENCE


def may_decide(user, finding: Finding) -> bool:
    return awaits_decision(finding) and is_drawn_inspector(user, finding.inspection)


def may_record_reinspection(user, finding: Finding) -> bool:
    return awaits_reinspection(finding) and is_drawn_inspector(user, finding.inspection)


# --- guards -----------------------------------------------------------------------------------------


def _guard_inspector(finding: Finding, by) -> None:
    """Only the inspectors drawn for the inspection decide on its findings (403 for anyone else)."""
    if not is_drawn_inspector(by, finding.inspection):
        raise PermissionDenied


def _guard_status(finding: Finding, ok: bool, to: str) -> None:
    if not ok:
        raise refuse(finding.status, to, model=Finding)


def _current_evidence(finding: Finding) -> Rectification | None:
    return finding.rectifications.order_by("-id").first()


def _decide(finding: Finding, *, decision: str, note: str, by) -> None:
    """Write the inspector's decision on the evidence it concerns (the latest piece)."""
    evidence = _current_evidence(finding)
    if evidence is None:
        return
    evidence.decision = decision
    evidence.decision_note = note
    evidence.decided_by = by
    evidence.decided_at = timezone.now()
    evidence.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])


def _lock_inspection_then_finding(finding: Finding) -> tuple[Inspection, Finding]:
    inspection = lock(INSPECTION_WORKFLOW, finding.inspection)
    locked = lock(FINDING_WORKFLOW, finding)
    locked.inspection = inspection
    return inspection, locked


def _close_if_done(inspection: Inspection, by) -> None:
    """The inspection's last open finding is put right: the inspection is closed (submitted → closed)."""
    if inspection.status != InspectionStatus.SUBMITTED:
        return
    if Finding.objects.filter(inspection=inspection, status__in=FINDING_OPEN).exists():
        return
    transition(
        INSPECTION_WORKFLOW,
        inspection,
        InspectionStatus.CLOSED,
        by=by,
        note=_("Every finding has been put right."),
        locked=True,
    )


# --- the institution --------------------------------------------------------------------------------


@transaction.atomic
def evidence_submit(*, finding: Finding, by, note: str, upload) -> Rectification:
    """The institution's evidence for a finding: what was done and a photo or PDF proving it. Images are
    re-encoded without their metadata (a phone photo's location) before they are stored."""
    guard_member(finding.inspection.institution_id, by)
    if not findings_of_member(by).filter(pk=finding.pk).exists():
        raise PermissionDenied
    locked = lock(FINDING_WORKFLOW, finding)
    _guard_status(locked, awaits_evidence(locked), F.SUBMITTED)
    errors = {}
    try:
        note = required_text(note, field="note", message=_("Say what was done to put it right."))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    kind = None
    if upload is None:
        errors["file"] = [_("Attach a photo or a PDF that shows it has been put right.")]
    else:
        try:
            kind = validate_upload(upload, allowed=EVIDENCE_KINDS)
        except ValidationError as exc:
            errors["file"] = exc.messages
    if errors:
        raise ValidationError(errors)
    content = strip_image_metadata(upload) if kind in IMAGE_KINDS else file_named_by_kind(upload, kind=kind)
    evidence = Rectification(
        finding=locked,
        note=note,
        file_kind=kind,
        original_name=clean_original_name(upload.name or ""),
        size=content.size,
        submitted_by=by,
    )
    evidence.file.save(content.name, content, save=False)
    evidence.save()
    transition(FINDING_WORKFLOW, locked, F.SUBMITTED, by=by, note=note, locked=True)
    return evidence


# --- the drawn inspector ----------------------------------------------------------------------------


@transaction.atomic
def evidence_accept(*, finding: Finding, by, note: str = "") -> Finding:
    """验收通过: the finding is put right; the inspection closes with its last open finding."""
    _guard_inspector(finding, by)
    inspection, locked = _lock_inspection_then_finding(finding)
    _guard_status(locked, awaits_decision(locked), F.RECTIFIED)
    note = (note or "").strip()
    _decide(locked, decision=Decision.ACCEPTED, note=note, by=by)
    locked = transition(
        FINDING_WORKFLOW,
        locked,
        F.RECTIFIED,
        by=by,
        note=note,
        changes={"rectified_at": timezone.now()},
        locked=True,
    )
    _close_if_done(inspection, by)
    return locked


@transaction.atomic
def evidence_return(*, finding: Finding, by, note: str) -> Finding:
    """退回补充: the evidence is not enough; the finding is open again with the same deadline."""
    _guard_inspector(finding, by)
    locked = lock(FINDING_WORKFLOW, finding)
    _guard_status(locked, awaits_decision(locked), F.OPEN)
    note = required_text(
        note, field="note", message=_("Say what is missing, so the institution knows what to send.")
    )
    _decide(locked, decision=Decision.RETURNED, note=note, by=by)
    reopened = transition(FINDING_WORKFLOW, locked, F.OPEN, by=by, note=note, locked=True)
    tell_finding_reopened(reopened, note=note)
    return reopened


@transaction.atomic
def reinspection_order(*, finding: Finding, by, note: str) -> Finding:
    """安排复查: the inspector will go back on site before deciding."""
    _guard_inspector(finding, by)
    locked = lock(FINDING_WORKFLOW, finding)
    _guard_status(locked, awaits_decision(locked), F.REINSPECTION)
    note = required_text(note, field="note", message=_("Say why and when the re-inspection takes place."))
    _decide(locked, decision=Decision.REINSPECTION, note=note, by=by)
    return transition(FINDING_WORKFLOW, locked, F.REINSPECTION, by=by, note=note, locked=True)


def _check_new_deadline(new_deadline: date | None, on: date) -> date:
    if new_deadline is None:
        raise ValidationError(
            {"new_deadline": [_("Give a new deadline for putting it right.")]}, code="required"
        )
    if new_deadline <= on:
        raise ValidationError(
            {"new_deadline": [_("The new deadline must be after today.")]}, code="deadline_past"
        )
    if not is_workday(new_deadline):
        raise ValidationError(
            {"new_deadline": [_("The new deadline must be a working day.")]}, code="deadline_workday"
        )
    return new_deadline


@transaction.atomic
def reinspection_record(
    *, finding: Finding, by, passed: bool, note: str, new_deadline: date | None = None
) -> Finding:
    """The re-inspection's outcome: passed → put right; failed → open again with a new deadline (a
    working day after today)."""
    _guard_inspector(finding, by)
    inspection, locked = _lock_inspection_then_finding(finding)
    to = F.RECTIFIED if passed else F.OPEN
    _guard_status(locked, awaits_reinspection(locked), to)
    if passed:
        note = (note or "").strip()
        _decide(locked, decision=Decision.PASSED, note=note, by=by)
        locked = transition(
            FINDING_WORKFLOW,
            locked,
            to,
            by=by,
            note=note,
            changes={"rectified_at": timezone.now()},
            locked=True,
        )
        _close_if_done(inspection, by)
        return locked
    errors = {}
    try:
        note = required_text(note, field="note", message=_("Say what the re-inspection found."))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        new_deadline = _check_new_deadline(new_deadline, beijing_today())
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    _decide(locked, decision=Decision.FAILED, note=note, by=by)
    reopened = transition(
        FINDING_WORKFLOW, locked, to, by=by, note=note, changes={"deadline": new_deadline}, locked=True
    )
    tell_finding_reopened(reopened, note=note)
    return reopened


# --- the daily job ----------------------------------------------------------------------------------


def _department_officers(department) -> list[User]:
    if department is None:
        return []
    roles = (
        capabilities.HEALTH_COMMISSION
        if department.is_health_commission
        else capabilities.DEPARTMENT_OFFICERS
    )
    qs = User.objects.filter(is_active=True, role__in=roles)
    if not department.is_health_commission:
        qs = qs.filter(department=department)
    return list(qs)


def _street_officers(units) -> dict[int, list[User]]:
    """The street and town officers answerable for each unit (their unit is the unit or above it)."""
    officers = list(
        User.objects.filter(
            is_active=True, role__in=capabilities.STREET_OFFICERS, unit__isnull=False
        ).select_related("unit")
    )
    return {
        unit.pk: [officer for officer in officers if unit.path.startswith(officer.unit.path)]
        for unit in units
    }


def escalate_overdue(*, today: date | None = None) -> int:
    """Findings still open after their deadline become overdue (open → overdue, once per lapse: an
    overdue finding is no longer open) with a note on their timeline, and the plan's lead department,
    the health commission's administrators and the street or town officer of the unit are told by SMS.
    Returns how many findings were escalated."""
    on = today or beijing_today()
    ids = list(Finding.objects.filter(status=F.OPEN, deadline__lt=on).values_list("pk", flat=True))
    escalated: list[Finding] = []
    for pk in ids:
        with transaction.atomic():
            locked = Finding.objects.select_for_update().get(pk=pk)
            if locked.status != F.OPEN or locked.deadline >= on:
                continue  # evidence came in meanwhile
            note = _(
                "Not put right by %(deadline)s: escalated to the lead department and the health commission."
            ) % {"deadline": locked.deadline.isoformat()}
            escalated.append(
                transition(
                    FINDING_WORKFLOW,
                    locked,
                    F.OVERDUE,
                    by=None,
                    note=note,
                    changes={"escalated_at": timezone.now()},
                    locked=True,
                )
            )
    if not escalated:
        return len(escalated)
    findings = list(
        Finding.objects.filter(pk__in=[f.pk for f in escalated]).select_related(
            "inspection__institution__unit", "inspection__plan__lead_department"
        )
    )
    admins = list(User.objects.filter(is_active=True, role__in=capabilities.HEALTH_COMMISSION_ADMINS))
    streets = _street_officers({f.inspection.institution.unit for f in findings})
    leads: dict[int, list[User]] = {}
    told: dict[int, tuple[User, list[Finding]]] = {}
    for finding in findings:
        department = finding.inspection.plan.lead_department
        if department.pk not in leads:
            leads[department.pk] = _department_officers(department)
        for user in [*leads[department.pk], *admins, *streets[finding.inspection.institution.unit_id]]:
            told.setdefault(user.pk, (user, []))[1].append(finding)
    with transaction.atomic():
        for user, theirs in told.values():
            lines = "; ".join(
                _("%(institution)s: %(finding)s (due %(deadline)s)")
                % {
                    "institution": f.inspection.institution.name,
                    "finding": f.description[:40],
                    "deadline": f.deadline.isoformat(),
                }
                for f in theirs
            )
            notify_person(
                user,
                subject=_("Overdue rectification"),
                body=_("Rectification overdue, escalated to you: %(findings)s") % {"findings": lines},
            )
    return len(escalated)


def findings_overdue_q(on: date) -> Q:
    """Open findings whose deadline has passed (the list pages' "overdue" filter)."""
    return Q(status=F.OVERDUE) | Q(status__in=FINDING_OPEN, deadline__lt=on)
