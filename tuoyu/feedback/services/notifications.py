"""Who is told about a case, and how: the department's officers by notice, the reporter by SMS (only a
mobile number can take one; a landline reporter is called back)."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import User
from tuoyu.core.notifications import notify_person, send_sms
from tuoyu.regions.models import Department

from ..models import (
    Complaint,
    ComplaintStatus,
)

S = ComplaintStatus


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
