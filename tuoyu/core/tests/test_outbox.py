"""The outbox: a message is never lost (retried with pauses, abandoned only visibly) and never sent twice."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from tuoyu.core import notifications
from tuoyu.core.models import OutboxMessage

SENT: list[tuple[str, str]] = []


class CountingSms:
    def send(self, *, recipient, body):
        SENT.append((recipient, body))


class FlakySms:
    """Fails while `down` is set, like a provider outage."""

    down = True

    def send(self, *, recipient, body):
        if FlakySms.down:
            raise ConnectionError("SMS gateway unreachable")
        SENT.append((recipient, body))


@pytest.fixture(autouse=True)
def _reset():
    SENT.clear()
    FlakySms.down = True


@pytest.mark.django_db(transaction=True)
def test_a_message_leaves_only_after_the_transaction_commits(settings):
    from django.db import transaction

    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox.CountingSms"
    with transaction.atomic():
        notifications.send_sms(recipient="13800138000", body="您的预约已确认")
        assert SENT == []
    assert SENT == [("13800138000", "您的预约已确认")]
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_nothing(settings):
    from django.db import transaction

    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox.CountingSms"
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications.send_sms(recipient="13800138000", body="不该发出")
        raise RuntimeError
    assert SENT == [] and OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_a_failed_send_is_retried_after_a_pause_and_then_sent(settings):
    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox.FlakySms"
    message = OutboxMessage.objects.create(channel="sms", recipient="13800138000", body="入托通知")
    assert notifications.deliver(message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED and message.attempts == 1
    assert "unreachable" in message.last_error and message.next_attempt_at > timezone.now()
    assert notifications.deliver_due() == 0  # not yet due
    FlakySms.down = False
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    call_command("send_outbox")
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 2
    assert SENT == [("13800138000", "入托通知")]


@pytest.mark.django_db
def test_a_message_that_keeps_failing_is_kept_as_abandoned_not_dropped(settings):
    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox.FlakySms"
    message = OutboxMessage.objects.create(channel="sms", recipient="13800138000", body="x")
    for _ in range(notifications.MAX_ATTEMPTS):
        OutboxMessage.objects.filter(pk=message.pk).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        notifications.deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.ABANDONED and message.attempts == notifications.MAX_ATTEMPTS
    assert notifications.deliver_due() == 0


@pytest.mark.django_db
def test_a_sent_message_is_never_sent_again(settings):
    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox.CountingSms"
    message = OutboxMessage.objects.create(channel="sms", recipient="13800138000", body="一次")
    assert notifications.deliver(message.pk) is True
    assert notifications.deliver(message.pk) is False
    assert notifications.deliver_due() == 0
    assert len(SENT) == 1


@pytest.mark.django_db
def test_a_sender_that_died_mid_send_is_taken_over_later(settings):
    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox.CountingSms"
    message = OutboxMessage.objects.create(
        channel="sms", recipient="13800138000", body="接管", status="sending", claimed_at=timezone.now()
    )
    assert notifications.deliver_due() == 0  # another sender is still on it
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - timedelta(minutes=11))
    assert notifications.deliver_due() == 1 and len(SENT) == 1


@pytest.mark.django_db(transaction=True)
def test_email_goes_through_djangos_mail_framework():
    notifications.send_email(recipient="parent@example.cn", subject="预约确认", body="您已预约参观。")
    assert (
        len(mail.outbox) == 1
        and mail.outbox[0].subject == "预约确认"
        and mail.outbox[0].to == ["parent@example.cn"]
    )
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrent senders need PostgreSQL; .ci/run runs this there",
)
def test_concurrent_senders_send_each_message_exactly_once(settings):
    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox.CountingSms"
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(channel="sms", recipient=f"1380013{i:04d}", body=f"m{i}") for i in range(40)]
    )
    barrier = threading.Barrier(4)

    def sender():
        try:
            barrier.wait()
            notifications.deliver_due()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(body for _, body in SENT) == sorted(f"m{i}" for i in range(40))
    assert OutboxMessage.objects.filter(status="sent").count() == 40
