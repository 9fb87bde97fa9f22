"""Outward messages (SMS and email) through configurable adapters, with an outbox that makes them
reliable: every message is a row written in the caller's transaction, and only a worker process hands it
to the provider, so a slow or broken provider never holds a web request (a family would see an error for
a booking that was saved). The worker retries with growing pauses when the provider fails, and a message
is claimed by exactly one sender so it is never sent twice, however many workers run. A message holding a
secret (a sign-in code, a 马上查 query code) keeps it readable only until the provider has it.
Development and tests never reach a network.

`manage.py send_outbox --loop` is the worker (`make run` starts it beside the web server).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from . import limits
from .models import OutboxMessage
from .statemachine import transition
from .workflow import WORKFLOW

logger = logging.getLogger("tuoyu.outbox")

MAX_ATTEMPTS = limits.OUTBOX_MAX_ATTEMPTS
STALE_CLAIM = limits.OUTBOX_STALE_CLAIM


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


def _due(now) -> Q:
    """New messages, failed ones whose pause is over, and those of a sender that died mid-send."""
    return (
        Q(status=OutboxMessage.Status.PENDING)
        | Q(status=OutboxMessage.Status.FAILED, next_attempt_at__lte=now)
        | Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
    )


def _claim(pk: int) -> OutboxMessage | None:
    """Take the message for this sender, or None when it is not due or another sender has it.

    The row is locked with the due condition in the same query: of two senders racing for it, one locks
    it and the other skips it (PostgreSQL), and once the winner commits the row is `sending` with a fresh
    claim, so it is no longer due. SQLite has no row locks; it lets one writer at a time into the
    database, and the loser's write fails (the worker's pass is retried) rather than sending twice. The
    condition is the same as the due list's: a sender that read the list before another one failed the
    message must not retry it at once, which would hammer a provider that is down."""
    now = timezone.now()
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(_due(now), pk=pk).first()
        if message is None:
            return None
        note = (
            "taken over from a sender that stopped" if message.status == OutboxMessage.Status.SENDING else ""
        )
        return transition(
            WORKFLOW,
            message,
            OutboxMessage.Status.SENDING,
            by=None,
            note=note,
            changes={"claimed_at": now},
            locked=True,
        )


def deliver(pk: int) -> bool:
    """Send one message if nobody else has; True when this call sent it. The attempt's outcome is one
    transition with its event row (the provider's error as the note)."""
    message = _claim(pk)
    if message is None:
        return False
    attempts = message.attempts + 1
    changes: dict = {"attempts": attempts}
    try:
        if message.channel == OutboxMessage.Channel.EMAIL:
            _backend(message.channel).send(
                recipient=message.recipient, body=message.body, subject=message.subject
            )
        else:  # an SMS adapter is just send(recipient=, body=)
            _backend(message.channel).send(recipient=message.recipient, body=message.body)
    except Exception as exc:  # noqa: BLE001 - any provider failure must leave the row to retry
        error = f"{type(exc).__name__}: {exc}"[:2000]
        changes["last_error"] = error
        logger.warning("Outbox message %s failed (attempt %s): %s", pk, attempts, error)
        if attempts >= MAX_ATTEMPTS:
            outcome = OutboxMessage.Status.ABANDONED
            logger.error("Giving up on outbox message %s after %s attempts: %s", pk, attempts, error)
        else:
            outcome = OutboxMessage.Status.FAILED
            # 1, 2, 4 … minutes: a provider outage is ridden out without hammering it.
            changes["next_attempt_at"] = timezone.now() + timedelta(minutes=2 ** (attempts - 1))
        note = error
    else:
        outcome = OutboxMessage.Status.SENT
        changes["sent_at"] = timezone.now()
        if message.redacted_body:
            # The recipient has the code now; nobody reading the database or the admin needs it.
            changes["body"], changes["redacted_body"] = message.redacted_body, ""
        note = ""
    transition(WORKFLOW, message, outcome, by=None, note=note, changes=changes)
    return outcome == OutboxMessage.Status.SENT


def deliver_due(*, limit: int = limits.OUTBOX_BATCH) -> int:
    """Send what is due, oldest first; the worker calls this every few seconds."""
    ids = list(
        OutboxMessage.objects.filter(_due(timezone.now()))
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(deliver(pk) for pk in ids)


def redact(body: str, secret: str) -> str:
    """The body with every occurrence of the secret masked, so the rest stays readable for support."""
    if not secret or secret not in body:
        # A caller that names a secret the text does not contain has a bug; fail before writing anything.
        raise ValueError("the secret to redact is not in the message body")
    return body.replace(secret, "*" * len(secret))


def _queue(*, channel: str, recipient: str, body: str, subject: str = "", secret: str = "") -> OutboxMessage:
    """Only a row: it commits or rolls back with the caller's transaction, and the worker sends it."""
    return OutboxMessage.objects.create(
        channel=channel,
        recipient=recipient,
        body=body,
        subject=subject,
        redacted_body=redact(body, secret) if secret else "",
    )


def send_sms(*, recipient: str, body: str, secret: str = "", subject: str = "") -> OutboxMessage:
    """Queue an SMS; the worker sends it once the caller's transaction has committed. `secret` is the
    part of the body (a code) that must not stay readable in the database once the message is sent.
    `subject` is not sent (an SMS has none): it labels the row, so an app can find its own messages
    again (feedback's retention drops an anonymous reporter's number that way)."""
    return _queue(
        channel=OutboxMessage.Channel.SMS, recipient=recipient, body=body, secret=secret, subject=subject
    )


def send_email(*, recipient: str, subject: str, body: str) -> OutboxMessage:
    return _queue(channel=OutboxMessage.Channel.EMAIL, recipient=recipient, body=body, subject=subject)


def outbox_retry(*, messages, by=None) -> int:
    """Put abandoned messages back in the queue (an administrator's decision after a long provider
    outage): they get a fresh set of attempts and are due at once. Only abandoned ones move (the table
    allows abandoned → pending and nothing else back to pending), so a retry can never send a message
    twice; each retry is an event row with who asked for it."""
    count = 0
    with transaction.atomic():
        # Locked in one query: two administrators retrying the same messages move each of them once.
        for message in (
            messages.filter(status=OutboxMessage.Status.ABANDONED).select_for_update().order_by("pk")
        ):
            transition(
                WORKFLOW,
                message,
                OutboxMessage.Status.PENDING,
                by=by,
                note="sent again by an administrator",
                changes={"attempts": 0, "next_attempt_at": timezone.now(), "claimed_at": None},
                locked=True,
            )
            count += 1
    return count


def notify_person(person, *, subject: str, body: str) -> None:
    """Tell a signed-up person on every channel they gave: SMS to their mobile, email to their address.
    `person` is anything with `phone` and `email` (a user); either may be empty."""
    if person.phone:
        send_sms(recipient=person.phone, body=body)
    if person.email:
        send_email(recipient=person.email, subject=subject, body=body)
