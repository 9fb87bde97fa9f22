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
def test_a_message_is_written_with_the_transaction_and_left_to_the_worker(settings):
    from django.db import transaction

    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox.CountingSms"
    with transaction.atomic():
        notifications.send_sms(recipient="13800138000", body="您的预约已确认")
    assert SENT == [] and OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING
    assert notifications.deliver_due() == 1
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
    assert mail.outbox == []  # the worker sends it, not the caller
    notifications.deliver_due()
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


class SlowBrokenSms:
    """A provider that hangs and then fails: it must never be reached from inside a web request."""

    calls: list[str] = []

    def send(self, *, recipient, body):
        SlowBrokenSms.calls.append(recipient)
        raise TimeoutError("SMS gateway timed out")


@pytest.mark.django_db(transaction=True)
def test_a_request_that_sends_an_sms_never_calls_the_provider(client, settings):
    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox.SlowBrokenSms"
    SlowBrokenSms.calls = []
    response = client.post("/accounts/login/phone/", {"phone": "13800138000"})
    assert response.status_code == 200
    assert SlowBrokenSms.calls == []
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.PENDING and message.attempts == 0
    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox.CountingSms"
    call_command("send_outbox")
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and SENT[0][0] == "13800138000"


@pytest.mark.django_db
def test_a_failed_message_is_not_claimed_before_its_pause_is_over(settings):
    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox.CountingSms"
    message = OutboxMessage.objects.create(
        channel="sms",
        recipient="13800138000",
        body="稍后重试",
        status=OutboxMessage.Status.FAILED,
        attempts=1,
        next_attempt_at=timezone.now() + timedelta(minutes=1),
    )
    assert notifications.deliver(message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED and message.attempts == 1 and SENT == []
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert notifications.deliver(message.pk) is True


@pytest.mark.django_db
def test_the_admin_retries_abandoned_messages(admin_client, settings):
    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox.CountingSms"
    abandoned = OutboxMessage.objects.create(
        channel="sms",
        recipient="13800138000",
        body="再试一次",
        status=OutboxMessage.Status.ABANDONED,
        attempts=notifications.MAX_ATTEMPTS,
        last_error="ConnectionError: down",
    )
    sent = OutboxMessage.objects.create(
        channel="sms", recipient="13800138001", body="已发", status=OutboxMessage.Status.SENT, attempts=1
    )
    response = admin_client.post(
        "/admin/core/outboxmessage/",
        {"action": "retry", "_selected_action": [abandoned.pk, sent.pk]},
    )
    assert response.status_code == 302
    abandoned.refresh_from_db()
    sent.refresh_from_db()
    assert abandoned.status == OutboxMessage.Status.PENDING and abandoned.attempts == 0
    assert abandoned.next_attempt_at <= timezone.now()
    assert sent.status == OutboxMessage.Status.SENT  # a sent message is never sent twice
    assert notifications.deliver_due() == 1 and SENT == [("13800138000", "再试一次")]


@pytest.mark.django_db
def test_a_secret_stays_readable_only_until_the_provider_has_it(settings):
    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox.FlakySms"
    message = notifications.send_sms(
        recipient="13800138000", body="验证码 123456，5分钟内有效", secret="123456"
    )
    notifications.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED and "123456" in message.body  # needed for the retry
    FlakySms.down = False
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert notifications.deliver_due() == 1
    message.refresh_from_db()
    assert SENT == [("13800138000", "验证码 123456，5分钟内有效")]
    assert message.body == "验证码 ******，5分钟内有效" and message.redacted_body == ""


def test_a_secret_missing_from_the_text_is_refused_before_anything_is_written():
    with pytest.raises(ValueError):
        notifications.redact("验证码 123456", "654321")


@pytest.mark.django_db(transaction=True)  # the worker runs outside any transaction, like the real one
def test_the_worker_keeps_going_after_a_failed_pass_and_stops_cleanly_on_sigterm(settings, monkeypatch):
    import os
    import signal

    from tuoyu.core.management.commands import send_outbox

    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox.CountingSms"
    notifications.send_sms(recipient="13800138000", body="工作进程")
    passes = []

    def one_pass():
        passes.append(1)
        if len(passes) == 1:
            raise notifications.OutboxMessage.DoesNotExist("the database went away")
        try:
            return notifications.deliver_due()
        finally:
            os.kill(os.getpid(), signal.SIGTERM)  # what systemd or `make run`'s trap sends

    monkeypatch.setattr(send_outbox, "deliver_due", one_pass)
    saved = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        call_command("send_outbox", "--loop", "--interval", "0.01")
    finally:
        signal.signal(signal.SIGTERM, saved[0])
        signal.signal(signal.SIGINT, saved[1])
    assert len(passes) == 2 and SENT == [("13800138000", "工作进程")]
