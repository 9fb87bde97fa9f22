"""How long the platform keeps what it no longer needs, and the floor under its audit trail.

`manage.py purge_retention` runs this once a day. Core forgets what it owns (sent message bodies) and what
the third-party apps keep (django-axes sign-in attempts and logs, django-auditlog entries); every app
that holds something to forget has a `retention.py` with `purge(*, now) -> dict[str, int]`, found here
the way the admin finds `admin.py`, so core imports no app.

Audit records (auditlog's entries, the accounts access log, axes' sign-in log) are kept at least
TUOYU_AUDIT_RETENTION_DAYS, which may not be set below 183 days: 网络安全法 §21 asks network operators to
keep logs of their network's operation for no less than six months.
"""

import logging
from datetime import datetime, timedelta
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from .models import OutboxMessage

logger = logging.getLogger("tuoyu.retention")

AUDIT_RETENTION_MINIMUM_DAYS = 183  # six months, rounded up: 网络安全法 §21


def audit_retention_days() -> int:
    days = settings.TUOYU_AUDIT_RETENTION_DAYS
    if days < AUDIT_RETENTION_MINIMUM_DAYS:
        raise ImproperlyConfigured(
            f"TUOYU_AUDIT_RETENTION_DAYS is {days}; audit logs must be kept at least "
            f"{AUDIT_RETENTION_MINIMUM_DAYS} days (six months, 网络安全法 §21)."
        )
    return days


def audit_cutoff(now: datetime) -> datetime:
    """Audit records older than this may go; nothing younger is ever deleted."""
    return now - timedelta(days=audit_retention_days())


@checks.register(checks.Tags.compatibility)
def check_audit_retention(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Refuse to start (runserver, migrate, check --deploy) with a retention below the legal floor,
    rather than find out at the first nightly purge."""
    try:
        audit_retention_days()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="tuoyu.E010")]
    return []


def outbox_purge(*, now: datetime) -> int:
    """Blank the bodies of messages sent more than TUOYU_OUTBOX_RETENTION_DAYS ago. The row stays (who was
    told, when, on which channel) for support questions; the text, with whatever personal detail it
    carried, goes."""
    cutoff = now - timedelta(days=settings.TUOYU_OUTBOX_RETENTION_DAYS)
    sent = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT, sent_at__lt=cutoff).exclude(body="")
    blanked = sent.update(body="", redacted_body="")
    # An abandoned message is kept for an administrator, but its secret is no use to anyone by now.
    old_secrets = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.ABANDONED, created_at__lt=cutoff
    ).exclude(redacted_body="")
    for message in old_secrets:
        message.body, message.redacted_body = message.redacted_body, ""
        message.save(update_fields=["body", "redacted_body"])
    return blanked


def axes_purge(*, now: datetime) -> int:
    """Sign-in attempts past their cool-off (they lock nobody any more), and axes' sign-in and failure
    logs past the audit period."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt, AccessFailureLog
    from axes.models import AccessLog as AxesAccessLog

    deleted = 0
    cool_off = get_cool_off()
    if cool_off is not None:
        if getattr(settings, "AXES_USE_ATTEMPT_EXPIRATION", False):
            expired = AccessAttempt.objects.filter(expiration__expires_at__lte=now)
        else:
            expired = AccessAttempt.objects.filter(attempt_time__lt=now - cool_off)
        deleted += expired.delete()[0]
    cutoff = audit_cutoff(now)
    deleted += AxesAccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    deleted += AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return deleted


def auditlog_purge(*, now: datetime) -> int:
    from auditlog.models import LogEntry

    return LogEntry.objects.filter(timestamp__lt=audit_cutoff(now)).delete()[0]


def purge_all(*, now: datetime) -> dict[str, int]:
    """Everything the daily job forgets, by kind. Each app's part is its own transaction, so one app's
    failure does not keep the others' data longer."""
    audit_retention_days()  # a wrong setting stops the run before anything is deleted
    counts: dict[str, int] = {}
    with transaction.atomic():
        counts["outbox bodies"] = outbox_purge(now=now)
    with transaction.atomic():
        counts["sign-in attempts and logs"] = axes_purge(now=now)
    with transaction.atomic():
        counts["audit log entries"] = auditlog_purge(now=now)
    for app_config in apps.get_app_configs():
        name = f"{app_config.name}.retention"
        if app_config.name == __package__ or find_spec(name) is None:
            continue
        with transaction.atomic():
            counts.update(import_module(name).purge(now=now))
    logger.info("Retention purge: %s", ", ".join(f"{kind} {n}" for kind, n in counts.items()))
    return counts
