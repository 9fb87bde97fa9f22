"""The daily jobs (`manage.py complaint_deadlines`): escalate overdue cases once, close answered cases the
reporter did not rate in time."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import User

from ..models import (
    Complaint,
    ComplaintStatus,
    EventKind,
)
from ..selectors import is_overdue, overdue_q, today
from .common import CLOSE_UNRATED_AFTER_DAYS, _event, _move
from .geography import health_commission
from .notifications import _tell

S = ComplaintStatus


def complaints_escalate_overdue(*, on: date | None = None) -> int:
    """Flag overdue open cases once each, on the public timeline, and tell the health commission's leads."""
    on = on or today()
    ids = list(
        Complaint.objects.filter(overdue_q(on), escalated_at__isnull=True).values_list("pk", flat=True)
    )
    lead = health_commission() if ids else None  # the department every escalation goes to, read once
    escalated = []
    for pk in ids:
        with transaction.atomic():
            locked = Complaint.objects.select_for_update().get(pk=pk)
            if locked.escalated_at is not None or not is_overdue(locked, on):
                continue
            locked.escalated_at = timezone.now()
            locked.save(update_fields=["escalated_at", "updated_at"])
            _event(locked, EventKind.ESCALATED, department=lead)
            escalated.append(locked)
    if escalated:
        leads = list(User.objects.filter(is_active=True, role__in=capabilities.HEALTH_COMMISSION_ADMINS))
        numbers = ", ".join(c.tracking_number for c in escalated)
        transaction.on_commit(
            lambda: _tell(leads, _("Overdue complaints escalated to you: %(numbers)s") % {"numbers": numbers})
        )
    return len(escalated)


def complaints_close_unrated(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(days=CLOSE_UNRATED_AFTER_DAYS)
    closed = 0
    for pk in Complaint.objects.filter(status=S.ANSWERED, answered_at__lt=cutoff).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            locked = Complaint.objects.select_for_update().get(pk=pk)
            if locked.status != S.ANSWERED or locked.answered_at >= cutoff:
                continue
            _move(
                locked,
                S.CLOSED,
                EventKind.CLOSED,
                by=None,
                note=_("Not rated within %(days)s days.") % {"days": CLOSE_UNRATED_AFTER_DAYS},
                changes={"closed_at": now},
            )
            closed += 1
    return closed
