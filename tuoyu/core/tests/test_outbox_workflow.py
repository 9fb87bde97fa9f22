"""The outbox message's one table: every (from, to) pair allowed or refused, and the worker and the
administrator's retry moving messages only through it, with an event row per attempt and per retry."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tuoyu.core import notifications
from tuoyu.core.models import OutboxEvent, OutboxMessage
from tuoyu.core.statemachine import transition
from tuoyu.core.workflow import CLAIMABLE, TRANSITIONS, WORKFLOW

S = OutboxMessage.Status
pytestmark = pytest.mark.django_db


class OkSms:
    def send(self, *, recipient, body):
        return None


class DownSms:
    def send(self, *, recipient, body):
        raise ConnectionError("gateway down")


def _message(status, **fields):
    # Due in every sense: any pause is over and any claim is stale, so only the table decides.
    long_ago = timezone.now() - timedelta(hours=1)
    return OutboxMessage.objects.create(
        channel="sms",
        recipient="13800138000",
        body="通知",
        status=status,
        next_attempt_at=long_ago,
        claimed_at=long_ago,
        **fields,
    )


def test_the_table_knows_every_status():
    assert WORKFLOW.statuses() == set(S.values)
    assert set(CLAIMABLE) == {S.PENDING, S.FAILED, S.SENDING}


@pytest.mark.parametrize("start", list(S.values))
@pytest.mark.parametrize("target", list(S.values))
def test_every_pair_is_allowed_or_refused_by_the_one_table(start, target):
    message = _message(start)
    if target in TRANSITIONS[start]:
        moved = transition(WORKFLOW, message, target, by=None, note="n")
        message.refresh_from_db()
        assert moved.status == message.status == target
        event = OutboxEvent.objects.filter(message=message).last()
        if target == S.SENDING and start != S.SENDING:
            assert event is None  # a claim is a lease; the attempt's outcome is the event
        else:
            assert (event.from_status, event.to_status, event.note) == (start, target, "n")
    else:
        with pytest.raises(ValidationError) as refused:
            transition(WORKFLOW, message, target, by=None, changes={"attempts": 7})
        assert refused.value.code == "transition"
        message.refresh_from_db()
        assert (message.status, message.attempts) == (start, 0)
        assert not OutboxEvent.objects.filter(message=message).exists()


@pytest.mark.parametrize("start", list(S.values))
def test_the_worker_sends_only_what_the_table_lets_it_claim(start, settings):
    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox_workflow.OkSms"
    message = _message(start)
    sent = notifications.deliver(message.pk)
    message.refresh_from_db()
    assert sent is (start in CLAIMABLE)
    if sent:
        assert message.status == S.SENT and message.attempts == 1
        event = OutboxEvent.objects.filter(message=message).last()
        assert (event.from_status, event.to_status, event.note) == (S.SENDING, S.SENT, "")
    else:
        assert message.status == start and not OutboxEvent.objects.filter(message=message).exists()


def test_each_failed_attempt_is_an_event_with_the_providers_error(settings):
    settings.TUOYU_SMS_BACKEND = "tuoyu.core.tests.test_outbox_workflow.DownSms"
    message = _message(S.PENDING)
    for _ in range(notifications.MAX_ATTEMPTS):
        OutboxMessage.objects.filter(pk=message.pk).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        notifications.deliver(message.pk)
    events = list(OutboxEvent.objects.filter(message=message).values_list("from_status", "to_status", "note"))
    assert len(events) == notifications.MAX_ATTEMPTS
    assert events[:-1] == [(S.SENDING, S.FAILED, "ConnectionError: gateway down")] * (len(events) - 1)
    assert events[-1] == (S.SENDING, S.ABANDONED, "ConnectionError: gateway down")


@pytest.mark.parametrize("start", list(S.values))
def test_a_retry_moves_only_abandoned_messages_and_says_who_asked(start, admin_user):
    message = _message(start, attempts=3)
    count = notifications.outbox_retry(messages=OutboxMessage.objects.filter(pk=message.pk), by=admin_user)
    message.refresh_from_db()
    if start == S.ABANDONED:
        assert count == 1 and message.status == S.PENDING and message.attempts == 0
        event = OutboxEvent.objects.get(message=message)
        assert (event.from_status, event.to_status, event.by) == (S.ABANDONED, S.PENDING, admin_user)
    else:
        assert count == 0 and (message.status, message.attempts) == (start, 3)
        assert not OutboxEvent.objects.filter(message=message).exists()
