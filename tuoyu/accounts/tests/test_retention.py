"""Sign-in codes: unreadable once sent, forgotten once they count for nothing; reads stay audited."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tuoyu.accounts.models import AccessLog, PhoneCode
from tuoyu.accounts.services import phone_code_request
from tuoyu.core.models import OutboxMessage
from tuoyu.core.notifications import deliver_due

pytestmark = pytest.mark.django_db


def test_a_sign_in_code_is_masked_in_the_outbox_once_sent():
    phone_code_request(phone="13800138000")
    message = OutboxMessage.objects.get()
    code = re.search(r"\d{6}", message.body).group(0)  # readable until the worker sends it
    assert deliver_due() == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert code not in message.body and "******" in message.body


def test_the_daily_purge_deletes_expired_codes_but_keeps_those_the_hourly_limit_counts():
    for _ in range(3):
        phone_code_request(phone="13800138000")
    old, expired, live = PhoneCode.objects.order_by("pk")
    PhoneCode.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=2), expires_at=timezone.now() - timedelta(hours=2)
    )
    PhoneCode.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    call_command("purge_retention", stdout=StringIO())
    assert set(PhoneCode.objects.values_list("pk", flat=True)) == {expired.pk, live.pk}


def test_the_daily_purge_keeps_access_log_entries_for_the_audit_period(settings):
    settings.TUOYU_AUDIT_RETENTION_DAYS = 365
    kept = AccessLog.objects.create(username="reviewer", kind="reporter_identity")
    AccessLog.objects.filter(pk=kept.pk).update(at=timezone.now() - timedelta(days=364))
    gone = AccessLog.objects.create(username="reviewer", kind="reporter_identity")
    AccessLog.objects.filter(pk=gone.pk).update(at=timezone.now() - timedelta(days=366))
    call_command("purge_retention", stdout=StringIO())
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [kept.pk]
