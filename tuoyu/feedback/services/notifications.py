"""Who is told about a case, and how: the department's officers by notice, the reporter by SMS (only a
mobile number can take one; a landline reporter is called back)."""

from auditlog.models import LogEntry
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import User
from tuoyu.core.models import OutboxMessage
from tuoyu.core.notifications import notify_person, send_sms
from tuoyu.core.validators import mask_middle
from tuoyu.regions.models import Department

from ..models import (
    Complaint,
    ComplaintStatus,
)

S = ComplaintStatus

# Marks the one SMS an anonymous reporter asked for, so that feedback's retention can drop the number
# once it is sent (the subject is not part of an SMS; core keeps it for email).
ANONYMOUS_RECEIPT = "feedback:anonymous-receipt"


def is_mobile(phone: str) -> bool:
    """Only a mobile number can take an SMS; a landline reporter is called back instead."""
    return len(phone) == 11 and phone.startswith("1")


def _officers(department: Department | None) -> QuerySet[User]:
    if department is None:
        return User.objects.none()
    if department.is_health_commission:
        return User.objects.filter(is_active=True, role__in=capabilities.HEALTH_COMMISSION)
    return User.objects.filter(
        is_active=True, role__in=capabilities.DEPARTMENT_OFFICERS, department=department
    )


def _tell(users, text: str) -> None:
    for user in users:
        notify_person(user, subject=_("Complaint or report"), body=text)


def _tell_reporter(complaint: Complaint, text: str, *, secret: str = "") -> None:
    if complaint.reporter_phone and is_mobile(complaint.reporter_phone):
        send_sms(recipient=complaint.reporter_phone, body=text, secret=secret)


def receipt_text(complaint: Complaint, code: str) -> str:
    return _(
        "Your report has been received. Tracking number %(number)s, query code %(code)s. "
        "Answer expected by %(due)s."
    ) % {"number": complaint.tracking_number, "code": code, "due": complaint.answer_due_on}


def _send_receipt(complaint: Complaint, code: str, phone: str) -> OutboxMessage:
    """The tracking number and query code to the mobile an anonymous reporter typed for it. The number
    lives only in this outbox row (retention drops it once sent), never on the complaint. Writing a
    person's number is audited like any write of personal data: an auditlog entry for the message with
    the number masked, so the audit trail, kept for years, does not keep it either."""
    message = send_sms(
        recipient=phone, body=receipt_text(complaint, code), secret=code, subject=ANONYMOUS_RECEIPT
    )
    masked = mask_middle(phone)
    LogEntry.objects.log_create(
        message,
        action=LogEntry.Action.CREATE,
        changes={"channel": ["None", message.channel], "recipient": ["None", masked]},
        object_repr=f"{message.channel} → {masked}",
        serialized_data=None,
    )
    return message
