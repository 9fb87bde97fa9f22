"""Registration, the draft and its materials: what the operator writes before submitting, and what
still stops submission."""

from datetime import date
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import Role, User
from tuoyu.core.files import clean_original_name, file_named_by_kind, validate_upload
from tuoyu.core.validators import normalize_mobile, normalize_uscc
from tuoyu.institutions.models import Institution, InstitutionStatus, RegistrationBody, uscc_matches_body

from ..data import data_from_institution, parse_filing_data
from ..models import SECTION_LABELS, Filing, FilingKind, FilingMaterial, MaterialKind
from ..requirements import materials_missing
from ..selectors import ChangeDiff, change_against_register
from .guards import guard_editable, guard_owner, lock_filing

MIN_LEASE_YEARS = 3
MAX_MATERIAL_BYTES = 10 * 1024 * 1024


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


@transaction.atomic
def filing_save_draft(
    *, filing: Filing, by: User, data: dict[str, Any], pledge: bool | None = None
) -> Filing:
    """Keep what was typed, valid or not; validation happens on submit."""
    locked = lock_filing(filing)
    guard_owner(locked, by)
    guard_editable(locked)
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
    locked = lock_filing(filing)
    guard_owner(locked, by)
    guard_editable(locked)
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
    locked = lock_filing(material.filing)
    guard_owner(locked, by)
    guard_editable(locked)
    material.delete()
    previous = (
        FilingMaterial.objects.filter(filing=locked, kind=material.kind).order_by("-uploaded_at").first()
    )
    if previous is not None:
        previous.superseded = False
        previous.save(update_fields=["superseded"])


def current_materials(filing: Filing) -> dict[str, FilingMaterial]:
    return {m.kind: m for m in filing.materials.filter(superseded=False)}


def material_messages(filing: Filing, *, diff: ChangeDiff | None = None) -> list[str]:
    """The materials the rule (requirements.MATERIAL_RULES) asks of this application and it lacks, in
    words; a change says which of its changes calls for each."""
    messages = []
    for need in materials_missing(filing, diff=diff):
        if need.because:
            messages.append(
                _("Material missing: %(material)s, because %(changes)s changed")
                % {"material": need.name, "changes": need.changes}
            )
        else:
            messages.append(_("Material missing: %(material)s") % {"material": need.name})
    return messages


def filing_missing(filing: Filing) -> list[str]:
    """Everything that stops submission, in words the operator can act on. Empty when complete."""
    if filing.kind == FilingKind.DEREGISTRATION:
        missing = []
        if not (filing.data.get("deregistration") or {}).get("reason"):
            missing.append(_("Give the reason for deregistration."))
        return missing
    missing: list[str] = []
    _parsed, errors = parse_filing_data(filing.data, instance=filing.institution)
    section_names = {**SECTION_LABELS, "register": _("Register rules")}
    for section, messages in errors.items():
        missing.extend(
            _("%(section)s — %(message)s") % {"section": section_names[section], "message": message}
            for message in messages
        )
    diff = change_against_register(filing)  # None unless a change
    if diff is not None and not diff.changed:
        missing.append(_("Nothing is changed yet: change at least one item before submitting."))
    missing.extend(material_messages(filing, diff=diff))
    if filing.pledge_accepted_at is None:
        missing.append(_("Accept the pledge (承诺书) before submitting."))
    return missing
