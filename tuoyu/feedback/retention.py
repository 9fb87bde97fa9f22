"""What feedback forgets each day (core.retention runs this from `manage.py purge_retention`)."""

from datetime import datetime, timedelta

from django.conf import settings

from tuoyu.core.models import OutboxMessage

from .services import lookup_attempts_forget
from .services.notifications import ANONYMOUS_RECEIPT


def anonymous_receipt_numbers_forget(*, now: datetime) -> int:
    """An anonymous reporter's mobile, typed only to get the tracking number and query code by SMS,
    goes once the message is sent (or, abandoned, after the outbox's retention): kept in the outbox row
    beside the report's time, it would say who reported."""
    cutoff = now - timedelta(days=settings.TUOYU_OUTBOX_RETENTION_DAYS)
    receipts = OutboxMessage.objects.filter(subject=ANONYMOUS_RECEIPT).exclude(recipient="")
    sent = receipts.filter(status=OutboxMessage.Status.SENT)
    abandoned = receipts.filter(status=OutboxMessage.Status.ABANDONED, created_at__lt=cutoff)
    return sent.update(recipient="") + abandoned.update(recipient="")


def purge(*, now: datetime) -> dict[str, int]:
    return {
        "failed 马上查 look-ups": lookup_attempts_forget(now=now),
        "anonymous reporters' SMS numbers": anonymous_receipt_numbers_forget(now=now),
    }
