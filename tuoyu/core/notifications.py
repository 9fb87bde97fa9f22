"""Outward messages through a configurable adapter. Development and tests never reach a network."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import OutboxMessage

logger = logging.getLogger("tuoyu.sms")


class ConsoleSmsBackend:
    """Development: prints the message so the developer can read a sign-in code."""

    def send(self, *, recipient: str, body: str) -> None:
        print(f"[SMS to {recipient}] {body}", flush=True)  # noqa: T201 - the console is this adapter's output
        logger.info("SMS to %s: %s", recipient, body)


class OutboxOnlySmsBackend:
    """Tests: the outbox row is the whole delivery."""

    def send(self, *, recipient: str, body: str) -> None:
        return None


def _sms_backend():
    return import_string(settings.TUOYU_SMS_BACKEND)()


def deliver(message: OutboxMessage) -> None:
    """Hand one pending message to the provider; a failure is recorded for a later retry."""
    message.attempts += 1
    try:
        _sms_backend().send(recipient=message.recipient, body=message.body)
    except Exception as exc:  # noqa: BLE001 - any provider failure must leave the row to retry
        message.status = OutboxMessage.Status.FAILED
        message.last_error = str(exc)[:2000]
    else:
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
    message.save(update_fields=["attempts", "status", "last_error", "sent_at"])


def send_sms(*, recipient: str, body: str) -> OutboxMessage:
    """Write the message in the caller's transaction and send it only once that commits."""
    message = OutboxMessage.objects.create(channel=OutboxMessage.Channel.SMS, recipient=recipient, body=body)
    transaction.on_commit(lambda: deliver(message))
    return message
