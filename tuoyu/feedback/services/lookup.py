"""马上查 and its rate limiting: a wrong number and a wrong code give the same answer, and failures are
counted per client and per case so that guessing a query code is hopeless."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from ..models import (
    Complaint,
    ComplaintStatus,
    LookupAttempt,
)
from .common import _lock

S = ComplaintStatus


# Guessing a query code: a client gets this many wrong look-ups per hour, whatever numbers it tries;
# a complaint locks for an hour after this many wrong codes in a row, whoever tries.
LOOKUP_FAILURES_PER_CLIENT_HOUR = 10
LOOKUP_FAILURES_PER_COMPLAINT = 20


class LookupRefused(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def client_key(remote_addr: str) -> str:
    return salted_hmac("tuoyu.feedback.lookup", remote_addr or "unknown").hexdigest()


def complaint_lookup(*, tracking_number: str, query_code: str, client: str) -> Complaint:
    """马上查: the case for a tracking number and its query code. A wrong number and a wrong code give the
    same answer, so the form does not tell which numbers exist; failures are counted per client and per
    case so that guessing a code is hopeless."""
    number = (tracking_number or "").strip().upper()
    code = "".join(ch for ch in (query_code or "") if ch.isdigit())
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    if (
        LookupAttempt.objects.filter(client_hash=client, at__gte=hour_ago).count()
        >= LOOKUP_FAILURES_PER_CLIENT_HOUR
    ):
        raise LookupRefused(_("Too many wrong tries. Please wait an hour and try again."), "rate_limited")
    complaint = (
        Complaint.objects.filter(tracking_number=number)
        .select_related("institution", "department", "merged_into")
        .first()
    )
    if complaint is not None and complaint.lookup_locked_until and complaint.lookup_locked_until > now:
        raise LookupRefused(_("Too many wrong tries. Please wait an hour and try again."), "rate_limited")
    if complaint is None or not constant_time_compare(code, complaint.query_code):
        with transaction.atomic():
            LookupAttempt.objects.create(client_hash=client)
            if complaint is not None:
                locked = _lock(complaint)
                locked.failed_lookups += 1
                if locked.failed_lookups >= LOOKUP_FAILURES_PER_COMPLAINT:
                    locked.failed_lookups = 0
                    locked.lookup_locked_until = now + timedelta(hours=1)
                locked.save(update_fields=["failed_lookups", "lookup_locked_until"])
        raise LookupRefused(
            _("The tracking number and the query code do not match. Please check both."), "no_match"
        )
    if complaint.failed_lookups:
        Complaint.objects.filter(pk=complaint.pk).update(failed_lookups=0)
    return complaint


def lookup_attempts_forget(*, now: datetime | None = None) -> int:
    """Drop failed look-ups older than a day: the limit counts only the last hour, and the rows say
    something about visitors that need not be kept."""
    now = now or timezone.now()
    deleted, _rows = LookupAttempt.objects.filter(at__lt=now - timedelta(days=1)).delete()
    return deleted
