"""Health records: opened at enrolment, kept by the child's institution, moved only with consent.

The writes of a record's parts (the entry check, the vaccination certificate, allergies and the family
doctor) are the keeping institution's health staff's (`selectors.may_write_record`): the operator, another
institution, the guardian and the officials read at most. Each is one transaction that locks the record,
checks every field and only then writes, so a refusal stores nothing (not even an uploaded report).

A move (`RecordTransfer`) is decided once, under the transfer's lock: online by the guardian (the child's
family account), or on paper by the new institution's health staff, who saw the guardian's signed form.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import AccessKind, User
from tuoyu.accounts.services import access_record
from tuoyu.core.files import IMAGE_KINDS, file_named_by_kind, strip_image_metadata, validate_upload
from tuoyu.core.statemachine import transition
from tuoyu.core.workdays import beijing_today
from tuoyu.institutions.selectors import is_member

from ..models import EntryResult, HealthRecord, RecordTransfer, TransferStatus, VaccinationStatus
from ..selectors import may_write_record
from ..workflow import TRANSFER_WORKFLOW

REPORT_KINDS = ("pdf", "jpeg", "png")
# How a guardian's consent to a move reaches us.
CONSENT_ONLINE = "online"  # the guardian's own account
CONSENT_PAPER = "paper"  # a signed form, seen by the new institution's health staff
CONSENT_KINDS = (CONSENT_ONLINE, CONSENT_PAPER)


@transaction.atomic
def record_open_for_enrolment(*, enrolment, by: User) -> HealthRecord:
    """Open the child's record, kept by the institution the child enrols at. A child who already has a
    record kept elsewhere keeps it there until the guardian consents: a pending transfer is opened (once)."""
    record, created = HealthRecord.objects.get_or_create(
        child_id=enrolment.child_id, defaults={"institution_id": enrolment.institution_id}
    )
    if not created and record.institution_id != enrolment.institution_id:
        transfer, asked = RecordTransfer.objects.get_or_create(
            record=record,
            status=TransferStatus.PENDING,
            defaults={
                "from_institution_id": record.institution_id,
                "to_institution_id": enrolment.institution_id,
            },
        )
        if asked:  # the move's timeline starts when it is asked
            TRANSFER_WORKFLOW.record(
                obj=transfer, from_status="", to_status=TransferStatus.PENDING, by=by, note=""
            )
    return record


def record_read(*, record: HealthRecord, by, what: str, request=None) -> None:
    """Write down one read of a record (an accounts.AccessLog row the guardian sees): `what` is "page",
    "form", "report" or "api" (selectors.records.READ_LABELS). Called by every view that shows a record,
    after the rule let the person in and before anything is sent."""
    access_record(user=by, kind=AccessKind.HEALTH_RECORD, obj=record, detail=what, request=request)


def records_listed(*, by, label: str, request=None) -> None:
    """Write down one read of a list of records (a health staff's children, an officer's search, the API's
    list): one AccessLog row labelled with what was listed, for the commission's access log. It names no
    record, so guardians see the record pages read, not every list their child was on."""
    access_record(user=by, kind=AccessKind.HEALTH_RECORD, obj=label, detail="list", request=request)


# --- checking ------------------------------------------------------------------------------------------


def _locked_for_writing(record: HealthRecord, by) -> HealthRecord:
    """The record under its row lock, after the rule: only the keeping institution's health staff write.
    The rule is asked again under the lock, so a record that moved meanwhile is refused."""
    locked = HealthRecord.objects.select_for_update().select_related("child").get(pk=record.pk)
    if not may_write_record(by, locked):
        raise PermissionDenied
    return locked


def _text(value, *, field: str, limit: int, errors: dict, required: str | None = None) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        errors[field] = [ValidationError(required, code="required")]
    elif len(text) > limit:
        errors[field] = [
            ValidationError(
                _("Write at most %(limit)s characters."), code="max_length", params={"limit": limit}
            )
        ]
    return text


def _day(value, *, field: str, birth: date, errors: dict, required: str) -> None:
    """A day of the child's life so far: not in the future, not before the child was born."""
    if not isinstance(value, date):
        errors[field] = [ValidationError(required, code="required")]
    elif value > beijing_today():
        errors[field] = [ValidationError(_("The date cannot be after today."), code="future")]
    elif value < birth:
        errors[field] = [
            ValidationError(_("The date cannot be before the child was born."), code="before_birth")
        ]


# --- the record's parts ----------------------------------------------------------------------------------


@transaction.atomic
def record_entry_check(
    *,
    record: HealthRecord,
    by,
    checked_on: date | None,
    hospital: str,
    result: str,
    note: str = "",
    report=None,
) -> HealthRecord:
    """The entry health check (入托体检): when, where, the result, and the hospital's report as a PDF or a
    photo (recognised by content; a photo is stored without its metadata). A new report replaces the old
    one, whose file goes once the change is committed; no report given keeps the one on file."""
    record = _locked_for_writing(record, by)
    errors: dict[str, list] = {}
    _day(
        checked_on,
        field="checked_on",
        birth=record.child.birth_date,
        errors=errors,
        required=_("Enter the date of the health check."),
    )
    hospital = _text(
        hospital,
        field="hospital",
        limit=100,
        errors=errors,
        required=_("Enter the hospital that did the check."),
    )
    if result not in EntryResult.values:
        errors["result"] = [ValidationError(_("Choose the result of the check."), code="required")]
    note = _text(note, field="note", limit=500, errors=errors)
    file_kind = None
    if report is not None:
        try:
            file_kind = validate_upload(report, allowed=REPORT_KINDS)
        except ValidationError as exc:
            errors["report"] = exc.error_list
    if errors:
        raise ValidationError(errors)
    record.entry_check_on = checked_on
    record.entry_check_hospital = hospital
    record.entry_check_result = result
    record.entry_check_note = note
    fields = [
        "entry_check_on",
        "entry_check_hospital",
        "entry_check_result",
        "entry_check_note",
        "updated_at",
    ]
    if report is not None:
        old = record.entry_check_report.name
        storage = record.entry_check_report.storage
        content = (
            strip_image_metadata(report)
            if file_kind in IMAGE_KINDS
            else file_named_by_kind(report, kind=file_kind)
        )
        record.entry_check_report.save(content.name, content, save=False)
        fields.append("entry_check_report")
        if old:
            transaction.on_commit(lambda: storage.delete(old))
    try:
        record.save(update_fields=fields)
    except Exception:
        # The row was not written: the new file must not stay behind, unnamed by any record.
        if report is not None:
            record.entry_check_report.storage.delete(record.entry_check_report.name)
        raise
    return record


@transaction.atomic
def record_vaccination(
    *, record: HealthRecord, by, checked_on: date | None, status: str, missing_doses: str = ""
) -> HealthRecord:
    """The vaccination certificate checked (预防接种证查验): complete for age, or the doses missing listed so
    they are caught up, and later marked caught up (the list stays, as what was caught up)."""
    record = _locked_for_writing(record, by)
    errors: dict[str, list] = {}
    _day(
        checked_on,
        field="checked_on",
        birth=record.child.birth_date,
        errors=errors,
        required=_("Enter the date the certificate was checked."),
    )
    checked = {VaccinationStatus.COMPLETE, VaccinationStatus.MISSING, VaccinationStatus.CAUGHT_UP}
    if status not in checked:
        errors["status"] = [ValidationError(_("Choose what the certificate shows."), code="required")]
    missing_doses = _text(
        missing_doses,
        field="missing_doses",
        limit=500,
        errors=errors,
        required=_("List the doses to be caught up.") if status == VaccinationStatus.MISSING else None,
    )
    if errors:
        raise ValidationError(errors)
    record.vaccination_checked_on = checked_on
    record.vaccination_status = status
    # Complete for age: nothing is missing, whatever was typed before.
    record.missing_doses = "" if status == VaccinationStatus.COMPLETE else missing_doses
    record.save(update_fields=["vaccination_checked_on", "vaccination_status", "missing_doses", "updated_at"])
    return record


@transaction.atomic
def record_details(
    *, record: HealthRecord, by, allergies: str, special_needs: str, family_doctor: bool | None
) -> HealthRecord:
    """Allergies, special needs and the family-doctor contract (家庭医生签约: yes, no, or not asked yet)."""
    record = _locked_for_writing(record, by)
    errors: dict[str, list] = {}
    allergies = _text(allergies, field="allergies", limit=500, errors=errors)
    special_needs = _text(special_needs, field="special_needs", limit=500, errors=errors)
    if family_doctor not in (True, False, None):
        errors["family_doctor"] = [ValidationError(_("Choose yes, no or not asked yet."), code="invalid")]
    if errors:
        raise ValidationError(errors)
    record.allergies = allergies
    record.special_needs = special_needs
    record.family_doctor = family_doctor
    record.save(update_fields=["allergies", "special_needs", "family_doctor", "updated_at"])
    return record


# --- the move to another institution ---------------------------------------------------------------------


def may_decide_transfer(user, transfer: RecordTransfer, kind: str) -> bool:
    """Online: the child's family account. Paper: the new institution's health staff."""
    if kind == CONSENT_ONLINE:
        return capabilities.is_family(user) and transfer.record.child.family_id == user.pk
    if kind == CONSENT_PAPER:
        return capabilities.keeps_health_records(user) and is_member(user, transfer.to_institution_id)
    return False


@transaction.atomic
def transfer_consent(*, transfer: RecordTransfer, by, consent: bool, kind: str) -> RecordTransfer:
    """The guardian's answer to a move. Consent: the new institution keeps the record from now on (its
    health staff read and write it, the old one's no longer). Refusal: the record stays where it is. The
    answer is given once: a second one (or one racing the first) is refused with code `status`.

    Locks the transfer, then the record (always in that order)."""
    if kind not in CONSENT_KINDS:
        raise ValidationError(_("Say how the consent was given."), code="invalid")
    transfer = (
        RecordTransfer.objects.select_for_update()
        .select_related("record__child", "to_institution")
        .get(pk=transfer.pk)
    )
    if not may_decide_transfer(by, transfer, kind):
        raise PermissionDenied
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError(_("This move has already been decided."), code="status")
    record = HealthRecord.objects.select_for_update().get(pk=transfer.record_id)
    transfer = transition(
        TRANSFER_WORKFLOW,
        transfer,
        TransferStatus.CONSENTED if consent else TransferStatus.REFUSED,
        by=by,
        note=kind,
        changes={"decided_at": timezone.now(), "decided_by": by, "consent_kind": kind},
        locked=True,
    )
    if consent:
        record.institution_id = transfer.to_institution_id
        record.save(update_fields=["institution", "updated_at"])
    return transfer
