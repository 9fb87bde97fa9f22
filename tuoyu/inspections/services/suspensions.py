"""Suspension (暂停服务) after a serious finding: recorded against the institution's filing, with a public
reason, and the register moves the institution filed → suspended through its own workflow; lifting it
moves it back to filed. Only the health commission, which keeps the filings, orders or lifts one."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.core.validators import required_text
from tuoyu.core.workdays import beijing_today
from tuoyu.institutions.models import Institution, InstitutionStatus
from tuoyu.institutions.services import institution_transition

from ..models import Finding, Severity, Suspension


def may_suspend(user, finding: Finding) -> bool:
    """The 暂停服务 form: the commission, on a serious finding."""
    return capabilities.can_suspend(user) and finding.severity == Severity.SERIOUS


def _guard_suspender(by) -> None:
    if not capabilities.can_suspend(by):
        raise PermissionDenied


@transaction.atomic
def suspension_order(*, finding: Finding, by, reason: str, starts_on: date | None = None) -> Suspension:
    _guard_suspender(by)
    if finding.severity != Severity.SERIOUS:
        raise ValidationError(_("Only a serious finding can lead to a suspension."), code="not_serious")
    reason = required_text(
        reason, field="reason", message=_("Give the reason for the suspension; it is published.")
    )
    on = beijing_today()
    starts_on = starts_on or on
    if starts_on > on:
        # The register shows the institution suspended from the moment this is recorded.
        raise ValidationError(
            {"starts_on": [_("A suspension starts today or earlier; record it on the day it starts.")]},
            code="starts_on",
        )
    institution = Institution.objects.select_for_update().get(pk=finding.inspection.institution_id)
    if Suspension.objects.filter(institution=institution, lifted_at__isnull=True).exists():
        raise ValidationError(_("This institution is already suspended."), code="status")
    suspension = Suspension.objects.create(
        institution=institution,
        filing_number=institution.filing_number,
        finding=finding,
        reason=reason,
        starts_on=starts_on,
        ordered_by=by,
    )
    # Refused (code "transition", nothing written) unless the institution is filed.
    institution_transition(institution=institution, to_status=InstitutionStatus.SUSPENDED, by=by, note=reason)
    return suspension


@transaction.atomic
def suspension_lift(*, suspension: Suspension, by, note: str) -> Suspension:
    _guard_suspender(by)
    locked = Suspension.objects.select_for_update().get(pk=suspension.pk)
    if locked.lifted_at is not None:
        raise ValidationError(_("This suspension has already been lifted."), code="status")
    note = required_text(note, field="note", message=_("Say why the suspension is lifted."))
    locked.lifted_at = timezone.now()
    locked.lifted_note = note
    locked.save(update_fields=["lifted_at", "lifted_note"])
    institution_transition(
        institution=locked.institution, to_status=InstitutionStatus.FILED, by=by, note=note
    )
    return locked
