"""What every filing write checks first: the row lock, who may act, whether the status allows it,
and the applicant's SMS (queued in the same transaction, sent after commit by core.notifications)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from tuoyu.accounts.capabilities import can_review_filings
from tuoyu.accounts.models import User
from tuoyu.core.notifications import send_sms
from tuoyu.core.statemachine import lock, refuse

from ..models import Filing
from ..workflow import WORKFLOW, is_editable


def lock_filing(filing: Filing) -> Filing:
    return lock(WORKFLOW, filing)


def guard_owner(filing: Filing, by: User) -> None:
    if filing.applicant_id != by.pk:
        raise PermissionDenied


def guard_editable(filing: Filing) -> None:
    if not is_editable(filing):
        raise ValidationError(_("This application can no longer be changed."), code="status")


def guard_reviewer(by: User) -> None:
    if not can_review_filings(by):
        raise PermissionDenied


def check_transition(locked: Filing, to_status: str) -> None:
    """Refuse early, before a decision's work, what the table refuses anyway (the API answers 409)."""
    if not WORKFLOW.can(locked.status, to_status):
        raise refuse(locked.status, to_status, model=Filing)


def notify_applicant(filing: Filing, text: str) -> None:
    if filing.applicant.phone:
        send_sms(recipient=filing.applicant.phone, body=text)
