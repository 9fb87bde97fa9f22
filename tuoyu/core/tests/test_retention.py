"""The daily purge forgets what is no longer needed and never an audit record younger than the floor."""

from datetime import timedelta
from io import StringIO

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.utils import timezone

from tuoyu.core.models import OutboxMessage
from tuoyu.core.retention import check_audit_retention

pytestmark = pytest.mark.django_db


def _aged(model, pk, field, days):
    model.objects.filter(pk=pk).update(**{field: timezone.now() - timedelta(days=days)})


def test_it_blanks_sent_message_bodies_after_the_retention_period(settings):
    settings.TUOYU_OUTBOX_RETENTION_DAYS = 30
    old = OutboxMessage.objects.create(
        channel="sms", recipient="13800138000", body="王小明已入托", status="sent"
    )
    _aged(OutboxMessage, old.pk, "sent_at", 31)
    recent = OutboxMessage.objects.create(channel="sms", recipient="13800138000", body="近期", status="sent")
    _aged(OutboxMessage, recent.pk, "sent_at", 29)
    waiting = OutboxMessage.objects.create(channel="sms", recipient="13800138000", body="待发")
    _aged(OutboxMessage, waiting.pk, "created_at", 40)
    call_command("purge_retention", stdout=StringIO())
    old.refresh_from_db()
    assert old.body == "" and old.status == "sent" and old.recipient == "13800138000"  # the row stays
    assert OutboxMessage.objects.get(pk=recent.pk).body == "近期"
    assert OutboxMessage.objects.get(pk=waiting.pk).body == "待发"  # never sent: still needed


def test_it_keeps_audit_entries_for_the_whole_retention_period(settings, family):
    settings.TUOYU_AUDIT_RETENTION_DAYS = 183
    entries = list(LogEntry.objects.order_by("pk"))
    assert entries  # creating the family's account was audited
    young, old = (
        entries[0],
        LogEntry.objects.create(
            content_type=entries[0].content_type,
            object_pk="1",
            object_repr="x",
            action=LogEntry.Action.UPDATE,
        ),
    )
    _aged(LogEntry, young.pk, "timestamp", 182)
    _aged(LogEntry, old.pk, "timestamp", 184)
    call_command("purge_retention", stdout=StringIO())
    assert list(LogEntry.objects.values_list("pk", flat=True)) == [young.pk]


def test_it_refuses_an_audit_retention_shorter_than_six_months(settings, family):
    settings.TUOYU_AUDIT_RETENTION_DAYS = 90
    _aged(LogEntry, LogEntry.objects.get().pk, "timestamp", 100)
    with pytest.raises(CommandError, match="183"):
        call_command("purge_retention", stdout=StringIO())
    assert LogEntry.objects.count() == 1
    assert [message.id for message in check_audit_retention()] == ["tuoyu.E010"]
    settings.TUOYU_AUDIT_RETENTION_DAYS = 183
    assert check_audit_retention() == []


def test_it_forgets_sign_in_attempts_once_their_cool_off_is_over():
    stale = AccessAttempt.objects.create(username="reviewer", ip_address="10.0.0.1", failures_since_start=5)
    _aged(AccessAttempt, stale.pk, "attempt_time", 1)
    fresh = AccessAttempt.objects.create(username="inspector", ip_address="10.0.0.2", failures_since_start=5)
    call_command("purge_retention", stdout=StringIO())
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [fresh.pk]  # still locked out
