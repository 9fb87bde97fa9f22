"""Outward messages (SMS and email) through configurable adapters, with an outbox that makes them
reliable: every message is a row first, leaves only after the caller's transaction commits, is retried
with growing pauses when the provider fails, and is claimed by exactly one sender so it is never sent
twice. Development and tests never reach a network.

`manage.py send_outbox` delivers what is due (run it from cron, or `--loop` as a service).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import OutboxMessage

logger = logging.getLogger("tuoyu.outbox")

MAX_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=10)  # a sender that died mid-send; its message is tried again


class ConsoleSmsBackend:
    """Development: prints the message so the developer can read a sign-in code."""

    def send(self, *, recipient: str, body: str) -> None:
        print(f"[SMS to {recipient}] {body}", flush=True)  # noqa: T201 - the console is this adapter's output
        logger.info("SMS to %s: %s", recipient, body)


class OutboxOnlySmsBackend:
    """Tests: the outbox row is the whole delivery."""

    def send(self, *, recipient: str, body: str) -> None:
        return None


class DjangoEmailBackend:
    """Email through Django's mail framework (EMAIL_BACKEND: console in development, SMTP in production)."""

    def send(self, *, recipient: str, body: str, subject: str = "") -> None:
        send_mail(subject or body[:60], body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=False)


def _backend(channel: str):
    path = (
        settings.TUOYU_SMS_BACKEND if channel == OutboxMessage.Channel.SMS else settings.TUOYU_EMAIL_BACKEND
    )
    return import_string(path)()


def _claim(pk: int) -> bool:
    """Take the message for this sender. One conditional UPDATE: atomic on every database, so of two
    senders racing for the same row exactly one wins."""
    now = timezone.now()
    claimable = Q(status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED]) | Q(
        status=OutboxMessage.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    return (
        OutboxMessage.objects.filter(claimable, pk=pk).update(
            status=OutboxMessage.Status.SENDING, claimed_at=now
        )
        == 1
    )


def deliver(pk: int) -> bool:
    """Send one message if nobody else has; True when this call sent it."""
    if not _claim(pk):
        return False
    message = OutboxMessage.objects.get(pk=pk)
    message.attempts += 1
    try:
        if message.channel == OutboxMessage.Channel.EMAIL:
            _backend(message.channel).send(
                recipient=message.recipient, body=message.body, subject=message.subject
            )
        else:  # an SMS adapter is just send(recipient=, body=)
            _backend(message.channel).send(recipient=message.recipient, body=message.body)
    except Exception as exc:  # noqa: BLE001 - any provider failure must leave the row to retry
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxMessage.Status.ABANDONED
            logger.error(
                "Giving up on outbox message %s after %s attempts: %s",
                pk,
                message.attempts,
                message.last_error,
            )
        else:
            message.status = OutboxMessage.Status.FAILED
            # 1, 2, 4 … minutes: a provider outage is ridden out without hammering it.
            message.next_attempt_at = timezone.now() + timedelta(minutes=2 ** (message.attempts - 1))
        sent = False
    else:
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        sent = True
    message.save(update_fields=["attempts", "status", "last_error", "sent_at", "next_attempt_at"])
    return sent


def deliver_due(*, limit: int = 200) -> int:
    """Send what is due: new messages whose on-commit send was missed, and failed ones whose pause is over."""
    now = timezone.now()
    due = (
        Q(status=OutboxMessage.Status.PENDING)
        | Q(status=OutboxMessage.Status.FAILED, next_attempt_at__lte=now)
        | Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
    )
    ids = list(
        OutboxMessage.objects.filter(due).order_by("created_at", "id").values_list("id", flat=True)[:limit]
    )
    return sum(deliver(pk) for pk in ids)


def _queue(*, channel: str, recipient: str, body: str, subject: str = "") -> OutboxMessage:
    message = OutboxMessage.objects.create(channel=channel, recipient=recipient, body=body, subject=subject)
    transaction.on_commit(lambda: deliver(message.pk))
    return message


def send_sms(*, recipient: str, body: str) -> OutboxMessage:
    """Write the message in the caller's transaction and send it only once that commits."""
    return _queue(channel=OutboxMessage.Channel.SMS, recipient=recipient, body=body)


def send_email(*, recipient: str, subject: str, body: str) -> OutboxMessage:
    return _queue(channel=OutboxMessage.Channel.EMAIL, recipient=recipient, body=body, subject=subject)


def notify_person(person, *, subject: str, body: str) -> None:
    """Tell a signed-up person on every channel they gave: SMS to their mobile, email to their address.
    `person` is anything with `phone` and `email` (a user); either may be empty."""
    if person.phone:
        send_sms(recipient=person.phone, body=body)
    if person.email:
        send_email(recipient=person.email, subject=subject, body=body)
