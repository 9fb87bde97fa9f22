"""Every write of the filing workflow. Each is one transaction: lock the row, check the guard, change
state, write the event, and send messages only after commit (core.notifications does that)."""

import hashlib
import hmac
import json
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.capabilities import can_review_filings, is_health_commission
from tuoyu.accounts.models import Role, User
from tuoyu.core.files import clean_original_name, file_named_by_kind, validate_upload
from tuoyu.core.notifications import send_sms
from tuoyu.core.statemachine import lock, refuse, transition
from tuoyu.core.validators import normalize_mobile, normalize_uscc
from tuoyu.core.workdays import add_workdays
from tuoyu.institutions.models import (
    Institution,
    InstitutionMembership,
    InstitutionStatus,
    RegistrationBody,
    uscc_matches_body,
)
from tuoyu.institutions.services import (
    guard_member,
    institution_apply_change,
    institution_create,
    institution_transition,
)

from .data import data_from_institution, parse_filing_data
from .models import (
    SECTION_LABELS,
    Filing,
    FilingKind,
    FilingMaterial,
    FilingNumberSequence,
    FilingStatus,
    MaterialKind,
    Notice,
    NoticeKind,
    ReviewComment,
)
from .workflow import OPEN_STATUSES, WORKFLOW, WORKFLOW_CASE, case_is_open, is_editable

DECISION_WORKDAYS = 5  # the commission files within 5 working days
CHECK_WORKDAYS = 15  # and reports non-compliance within 15 working days
MIN_LEASE_YEARS = 3
MAX_MATERIAL_BYTES = 10 * 1024 * 1024


# --- registration and drafts ---------------------------------------------------------------------


@transaction.atomic
def operator_register(
    *, uscc: str, registration_body: str, name: str, legal_representative: str, phone: str, password: str
) -> tuple[User, Filing]:
    """An institution's operator opens an account with its credit code and starts a draft filing."""
    errors: dict[str, list[str]] = {}
    try:
        uscc = normalize_uscc(uscc)
    except ValidationError as exc:
        errors["uscc"] = exc.messages
    else:
        if registration_body in RegistrationBody.values and not uscc_matches_body(uscc, registration_body):
            errors["registration_body"] = [
                _(
                    "The credit code %(code)s does not belong to a %(body)s: its first two characters show who registered it."
                )
                % {"code": uscc, "body": RegistrationBody(registration_body).label}
            ]
        existing = Institution.objects.filter(uscc=uscc).first()
        # An institution imported from the officials' list of unfiled operators (存量, §8) is a draft
        # nobody acts for yet: its operator registers with the same code and files it online.
        unclaimed = (
            existing is not None
            and existing.status == InstitutionStatus.DRAFT
            and not existing.memberships.exists()
        )
        if User.objects.filter(username=uscc).exists() or (existing is not None and not unclaimed):
            errors["uscc"] = [
                _("An account or institution with this credit code already exists. Please sign in instead.")
            ]
    try:
        phone = normalize_mobile(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    else:
        if User.objects.filter(phone=phone).exists():
            errors["phone"] = [_("This mobile number already has an account.")]
    user = User(username=uscc, role=Role.INSTITUTION_OPERATOR, display_name=legal_representative, phone=phone)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    data = data_from_institution(existing) if existing is not None else {"institution": {}}
    data["institution"].update(
        {
            "name": name,
            "uscc": uscc,
            "registration_body": registration_body,
            "legal_representative": legal_representative,
        }
    )
    filing = Filing.objects.create(kind=FilingKind.INITIAL, applicant=user, institution=existing, data=data)
    return user, filing


def _lock(filing: Filing) -> Filing:
    return lock(WORKFLOW, filing)


def _guard_owner(filing: Filing, by: User) -> None:
    if filing.applicant_id != by.pk:
        raise PermissionDenied


def _guard_editable(filing: Filing) -> None:
    if not is_editable(filing):
        raise ValidationError(_("This application can no longer be changed."), code="status")


@transaction.atomic
def filing_save_draft(
    *, filing: Filing, by: User, data: dict[str, Any], pledge: bool | None = None
) -> Filing:
    """Keep what was typed, valid or not; validation happens on submit."""
    locked = _lock(filing)
    _guard_owner(locked, by)
    _guard_editable(locked)
    if locked.kind == FilingKind.INITIAL:
        # The credit code and body were checked at registration; a draft cannot swap them.
        fixed = {k: (locked.data.get("institution") or {}).get(k) for k in ("uscc", "registration_body")}
        data.setdefault("institution", {}).update({k: v for k, v in fixed.items() if v})
    locked.data = data
    if pledge is not None:
        locked.pledge_accepted_at = timezone.now() if pledge else None
    locked.save(update_fields=["data", "pledge_accepted_at", "updated_at"])
    return locked


@transaction.atomic
def filing_add_material(
    *,
    filing: Filing,
    by: User,
    kind: str,
    upload,
    lease_start: date | None = None,
    lease_end: date | None = None,
    hygiene_passed: bool | None = None,
) -> FilingMaterial:
    locked = _lock(filing)
    _guard_owner(locked, by)
    _guard_editable(locked)
    if kind not in MaterialKind.values:
        raise ValidationError({"kind": [_("Choose which material this is.")]})
    file_kind = validate_upload(upload, allowed=("pdf", "jpeg", "png"), max_bytes=MAX_MATERIAL_BYTES)
    if kind == MaterialKind.PREMISES_LEASE:
        _check_lease(lease_start, lease_end)
    if kind == MaterialKind.HYGIENE_REPORT and hygiene_passed is not True:
        raise ValidationError(
            {"hygiene_passed": [_("The hygiene evaluation report must be rated 合格 (pass).")]}
        )
    FilingMaterial.objects.filter(filing=locked, kind=kind, superseded=False).update(superseded=True)
    return FilingMaterial.objects.create(
        filing=locked,
        kind=kind,
        file=file_named_by_kind(upload, kind=file_kind),
        file_kind=file_kind,
        original_name=clean_original_name(upload.name or ""),
        size=upload.size,
        lease_start=lease_start if kind == MaterialKind.PREMISES_LEASE else None,
        lease_end=lease_end if kind == MaterialKind.PREMISES_LEASE else None,
        hygiene_passed=hygiene_passed if kind == MaterialKind.HYGIENE_REPORT else None,
        uploaded_by=by,
        version=locked.version,
    )


def _check_lease(start: date | None, end: date | None) -> None:
    if start is None or end is None:
        raise ValidationError({"lease_end": [_("Give the lease's start and end dates.")]})
    try:
        three_years_later = start.replace(year=start.year + MIN_LEASE_YEARS)
    except ValueError:  # 29 February
        three_years_later = start.replace(year=start.year + MIN_LEASE_YEARS, day=28)
    if end < three_years_later:
        raise ValidationError(
            {"lease_end": [_("The lease must run for at least 3 years (national filing rules).")]}
        )
    if end <= timezone.localdate():
        raise ValidationError({"lease_end": [_("The lease has already ended.")]})


@transaction.atomic
def filing_remove_material(*, material: FilingMaterial, by: User) -> None:
    locked = _lock(material.filing)
    _guard_owner(locked, by)
    _guard_editable(locked)
    material.delete()
    previous = (
        FilingMaterial.objects.filter(filing=locked, kind=material.kind).order_by("-uploaded_at").first()
    )
    if previous is not None:
        previous.superseded = False
        previous.save(update_fields=["superseded"])


def current_materials(filing: Filing) -> dict[str, FilingMaterial]:
    return {m.kind: m for m in filing.materials.filter(superseded=False)}


REQUIRED_MATERIALS = [
    MaterialKind.BUSINESS_LICENCE,
    MaterialKind.STAFF_QUALIFICATION,
    MaterialKind.STAFF_HEALTH,
    MaterialKind.HYGIENE_REPORT,
    MaterialKind.FIRE_SAFETY,
]


def filing_missing(filing: Filing) -> list[str]:
    """Everything that stops submission, in words the operator can act on. Empty when complete."""
    if filing.kind == FilingKind.DEREGISTRATION:
        missing = []
        if not (filing.data.get("deregistration") or {}).get("reason"):
            missing.append(_("Give the reason for deregistration."))
        return missing
    missing: list[str] = []
    parsed, errors = parse_filing_data(filing.data, instance=filing.institution)
    section_names = {**SECTION_LABELS, "register": _("Register rules")}
    for section, messages in errors.items():
        missing.extend(
            _("%(section)s — %(message)s") % {"section": section_names[section], "message": message}
            for message in messages
        )
    if filing.kind == FilingKind.INITIAL:
        materials = current_materials(filing)
        for kind in REQUIRED_MATERIALS:
            if kind not in materials:
                missing.append(_("Material missing: %(material)s") % {"material": MaterialKind(kind).label})
        if MaterialKind.PREMISES_OWN not in materials and MaterialKind.PREMISES_LEASE not in materials:
            missing.append(_("Material missing: proof of owned premises or a lease of at least 3 years"))
        serves_meals = (
            parsed.fields.get("serves_meals")
            if parsed
            else (filing.data.get("institution") or {}).get("serves_meals")
        )
        if serves_meals and MaterialKind.FOOD_LICENCE not in materials:
            missing.append(
                _("Material missing: %(material)s") % {"material": MaterialKind.FOOD_LICENCE.label}
            )
    if filing.pledge_accepted_at is None:
        missing.append(_("Accept the pledge (承诺书) before submitting."))
    return missing


def _check(locked: Filing, to_status: str) -> None:
    """Refuse early, before a decision's work, what the table refuses anyway (the API answers 409)."""
    if not WORKFLOW.can(locked.status, to_status):
        raise refuse(locked.status, to_status, model=Filing)


def _notify_applicant(filing: Filing, text: str) -> None:
    if filing.applicant.phone:
        send_sms(recipient=filing.applicant.phone, body=text)


# --- the workflow --------------------------------------------------------------------------------


@transaction.atomic
def filing_submit(*, filing: Filing, by: User) -> Filing:
    locked = _lock(filing)
    _guard_owner(locked, by)
    missing = filing_missing(locked)
    if missing:
        raise ValidationError(missing, code="incomplete")
    now = timezone.now()
    today = timezone.localdate()
    changes = {
        "version": locked.version + 1,
        "submitted_at": now,
        "due_on": add_workdays(today, DECISION_WORKDAYS),
    }
    if locked.first_submitted_at is None:
        changes.update(first_submitted_at=now, check_due_on=add_workdays(today, CHECK_WORKDAYS))
    locked = transition(
        WORKFLOW,
        locked,
        FilingStatus.SUBMITTED,
        by=by,
        changes=changes,
        event={"snapshot": locked.data},
        locked=True,
    )
    FilingMaterial.objects.filter(filing=locked, superseded=False, version__lt=locked.version).update(
        version=locked.version
    )
    _notify_applicant(
        locked,
        _(
            "The health commission received your application (version %(version)s). A decision is due by %(date)s."
        )
        % {"version": locked.version, "date": locked.due_on.isoformat()},
    )
    return locked


def _guard_reviewer(by: User) -> None:
    if not can_review_filings(by):
        raise PermissionDenied


@transaction.atomic
def filing_return(*, filing: Filing, by: User, comments: dict[str, str], note: str = "") -> Filing:
    """Return for correction (退回补正) with a comment per item that needs work."""
    _guard_reviewer(by)
    comments = {item: text.strip() for item, text in comments.items() if text and text.strip()}
    if not comments and not note.strip():
        raise ValidationError(
            _("Say what must be corrected: add a comment to at least one item."), code="comments"
        )
    locked = _lock(filing)
    locked = transition(
        WORKFLOW,
        locked,
        FilingStatus.RETURNED,
        by=by,
        note=note,
        changes={"decision_note": note},
        locked=True,
    )
    ReviewComment.objects.bulk_create(
        [
            ReviewComment(filing=locked, version=locked.version, item=item, text=text, by=by)
            for item, text in comments.items()
        ]
    )
    _notify_applicant(
        locked,
        _(
            "Your childcare filing application was returned for correction. Please sign in to see the comments."
        ),
    )
    return locked


def _next_filing_number(year: int) -> str:
    sequence, _created = FilingNumberSequence.objects.select_for_update().get_or_create(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{settings.TUOYU_FILING_PREFIX}〔{year}〕{sequence.last:04d}"


def receipt_code_for(institution: Institution) -> str:
    """A code over the institution's filed main data: it stops verifying as soon as that data changes."""
    classes = sorted((c.name, c.age_group, c.capacity) for c in institution.classes.all())
    payload = json.dumps(
        [
            institution.filing_number,
            institution.name,
            institution.uscc,
            institution.legal_representative,
            institution.address,
            institution.unit_id,
            institution.type,
            institution.ownership,
            institution.is_puhui,
            institution.capacity_total,
            classes,
        ],
        ensure_ascii=False,
    )
    digest = hmac.new(settings.SECRET_KEY.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return digest[:16].upper()


@transaction.atomic
def filing_approve(*, filing: Filing, by: User, note: str = "") -> Filing:
    """File it: issue the number and receipt (initial), apply the change, or deregister."""
    _guard_reviewer(by)
    locked = _lock(filing)
    _check(locked, FilingStatus.APPROVED)
    today = timezone.localdate()
    if locked.kind == FilingKind.DEREGISTRATION:
        institution = institution_transition(
            institution=locked.institution, to_status=InstitutionStatus.DEREGISTERED, by=by, note=note
        )
        notice_kind = NoticeKind.DEREGISTERED
        reason = (locked.data.get("deregistration") or {}).get("reason", "")
        summary = _("Filing deregistered on %(date)s. Reason: %(reason)s") % {
            "date": today.isoformat(),
            "reason": reason,
        }
    else:
        parsed, errors = parse_filing_data(locked.data, instance=locked.institution)
        if errors:
            raise ValidationError([m for messages in errors.values() for m in messages], code="invalid")
        # A change updates the filed record; so does filing an imported 存量 draft (never a duplicate).
        if locked.institution is not None:
            institution = institution_apply_change(
                institution=locked.institution,
                fields=parsed.fields,
                classes=parsed.classes,
                fees=parsed.fees,
                by=by,
            )
        else:
            institution = institution_create(
                fields=parsed.fields, classes=parsed.classes, fees=parsed.fees, by=by
            )
        if locked.kind == FilingKind.INITIAL:
            institution = institution_transition(
                institution=institution,
                to_status=InstitutionStatus.FILED,
                by=by,
                filing_number=_next_filing_number(today.year),
                note=note,
            )
            InstitutionMembership.objects.get_or_create(institution=institution, user=locked.applicant)
            locked.institution = institution
            notice_kind = NoticeKind.FILED
            summary = _("Filed on %(date)s with %(places)s places.") % {
                "date": today.isoformat(),
                "places": institution.capacity_total,
            }
        else:
            notice_kind = NoticeKind.CHANGED
            summary = _("Change filed on %(date)s. Now %(places)s places.") % {
                "date": today.isoformat(),
                "places": institution.capacity_total,
            }
        institution = Institution.objects.prefetch_related("classes").get(pk=institution.pk)
        locked.receipt_code = receipt_code_for(institution)
    locked = transition(
        WORKFLOW,
        locked,
        FilingStatus.APPROVED,
        by=by,
        note=note,
        changes={
            "filing_number": institution.filing_number,
            "decided_at": timezone.now(),
            "decided_by": by,
            "decision_note": note,
        },
        locked=True,
    )
    Notice.objects.create(
        kind=notice_kind,
        filing=locked,
        institution_name=institution.name,
        filing_number=institution.filing_number,
        unit_name=institution.unit.name,
        summary=summary,
    )
    _notify_applicant(
        locked,
        _("Your application for %(name)s was approved. Filing number %(number)s.")
        % {"name": institution.name, "number": institution.filing_number},
    )
    return locked


@transaction.atomic
def filing_find_noncompliant(*, filing: Filing, by: User, reasons: str) -> Filing:
    """Record non-compliance with reasons; it is published, and a filed institution is suspended."""
    _guard_reviewer(by)
    if not reasons.strip():
        raise ValidationError(_("Give the reasons: they are published."), code="reasons")
    locked = _lock(filing)
    from_status = locked.status
    locked = transition(
        WORKFLOW,
        locked,
        FilingStatus.NONCOMPLIANT,
        by=by,
        note=reasons,
        changes={"decided_at": timezone.now(), "decided_by": by, "decision_note": reasons},
        locked=True,
    )
    institution = locked.institution
    if (
        from_status == FilingStatus.APPROVED
        and locked.kind == FilingKind.INITIAL
        and institution.status == InstitutionStatus.FILED
    ):
        institution_transition(
            institution=institution, to_status=InstitutionStatus.SUSPENDED, by=by, note=reasons
        )
    name = institution.name if institution else locked.display_name
    Notice.objects.create(
        kind=NoticeKind.NONCOMPLIANT,
        filing=locked,
        institution_name=name,
        filing_number=institution.filing_number if institution else "",
        unit_name=institution.unit.name if institution else "",
        summary=reasons,
    )
    _notify_applicant(
        locked,
        _(
            "The health commission found that %(name)s does not meet the filing requirements. Please sign in for the reasons."
        )
        % {"name": name},
    )
    return locked


@transaction.atomic
def filing_withdraw(*, filing: Filing, by: User) -> Filing:
    locked = _lock(filing)
    _guard_owner(locked, by)
    return transition(WORKFLOW, locked, FilingStatus.WITHDRAWN, by=by, locked=True)


def _guard_no_open_filing(institution: Institution) -> None:
    if Filing.objects.filter(institution=institution, status__in=OPEN_STATUSES).exists():
        raise ValidationError(_("This institution already has an application in progress."), code="open")


@transaction.atomic
def filing_start_change(*, institution: Institution, by: User) -> Filing:
    """A change (变更) starts from the filed data; the public page keeps showing it until approval."""
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    guard_member(institution, by)
    if institution.status != InstitutionStatus.FILED:
        raise ValidationError(_("Only a filed institution can file a change."), code="status")
    _guard_no_open_filing(institution)
    data = data_from_institution(institution)
    # The staff summary is not part of the register; carry it over from the last approved filing.
    last = (
        Filing.objects.filter(institution=institution, status=FilingStatus.APPROVED)
        .exclude(kind=FilingKind.DEREGISTRATION)
        .order_by("-decided_at")
        .first()
    )
    if last is not None:
        data["staff"] = dict(last.data.get("staff") or {})
    return Filing.objects.create(kind=FilingKind.CHANGE, applicant=by, institution=institution, data=data)


@transaction.atomic
def filing_start_deregistration(
    *, institution: Institution, by: User, reason: str, last_day: date | None = None
) -> Filing:
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    guard_member(institution, by)
    if institution.status not in (InstitutionStatus.FILED, InstitutionStatus.SUSPENDED):
        raise ValidationError(_("Only a filed institution can be deregistered."), code="status")
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for deregistration.")]})
    _guard_no_open_filing(institution)
    return Filing.objects.create(
        kind=FilingKind.DEREGISTRATION,
        applicant=by,
        institution=institution,
        data={
            "deregistration": {"reason": reason.strip(), "last_day": last_day.isoformat() if last_day else ""}
        },
        pledge_accepted_at=timezone.now(),
    )


def receipt_verify(code: str) -> tuple[str, Filing | None]:
    """'valid', 'changed' (data changed since), 'deregistered' or 'unknown', with the filing it names."""
    filing = (
        Filing.objects.select_related("institution", "institution__unit")
        .prefetch_related("institution__classes")
        .filter(receipt_code=code.strip().upper(), status=FilingStatus.APPROVED)
        .first()
    )
    if filing is None or filing.institution is None:
        return "unknown", None
    institution = filing.institution
    if institution.status == InstitutionStatus.DEREGISTERED:
        return "deregistered", filing
    if institution.status != InstitutionStatus.FILED or receipt_code_for(institution) != filing.receipt_code:
        return "changed", filing
    return "valid", filing


# --- coordination cases (一事一议) -----------------------------------------------------------------


@transaction.atomic
def case_open(
    *, filing: Filing, by: User, title: str, domain: str, description: str, departments, deadline: date
):
    from .models import CoordinationCase

    _guard_reviewer(by)
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": [_("The deadline cannot be in the past.")]})
    departments = list(departments)
    if not departments:
        raise ValidationError({"departments": [_("Choose at least one department.")]})
    case = CoordinationCase.objects.create(
        filing=filing, title=title, domain=domain, description=description, deadline=deadline, opened_by=by
    )
    case.departments.set(departments)
    return case


@transaction.atomic
def case_add_opinion(*, case, by: User, text: str):
    from .models import CaseOpinion

    locked = lock(WORKFLOW_CASE, case)
    if not case_is_open(locked):
        raise ValidationError(_("This case is resolved; no more opinions can be added."), code="status")
    if by.role == Role.DEPARTMENT_OFFICER:
        if not locked.departments.filter(pk=by.department_id).exists():
            raise PermissionDenied
        department = by.department
    elif is_health_commission(by) and by.department_id:
        department = by.department
    else:
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": [_("Write the opinion first.")]})
    return CaseOpinion.objects.create(case=locked, department=department, author=by, text=text.strip())


@transaction.atomic
def case_resolve(*, case, by: User, resolution: str):
    from .models import CoordinationCase

    _guard_reviewer(by)
    locked = lock(WORKFLOW_CASE, case)
    # A resolved case is a state conflict first (409), whatever the resolution says.
    if not WORKFLOW_CASE.can(locked.status, CoordinationCase.Status.RESOLVED):
        raise refuse(locked.status, CoordinationCase.Status.RESOLVED, model=CoordinationCase)
    if not resolution.strip():
        raise ValidationError({"resolution": [_("Record the resolution.")]})
    return transition(
        WORKFLOW_CASE,
        locked,
        CoordinationCase.Status.RESOLVED,
        by=by,
        note=resolution.strip(),
        changes={"resolution": resolution.strip(), "resolved_at": timezone.now()},
        locked=True,
    )
