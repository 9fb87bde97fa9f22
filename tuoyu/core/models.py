from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TransitionEvent(models.Model):
    """The common part of every event table (core.statemachine writes one row per status change): who
    made the change (nobody for the system's own jobs), when, and the note. A concrete event table adds
    its foreign key to the object and its `from_status` / `to_status` with the model's choices, and
    declares `class Meta(TransitionEvent.Meta)` to keep the time order."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class OutboxMessage(models.Model):
    """Every outward message is a row first, so a failed send is retried and never lost or sent twice."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Email")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")  # written, not yet handed to the provider
        SENDING = "sending", _("Sending")  # claimed by one sender; nobody else may send it
        SENT = "sent", _("Sent")  # the provider accepted it
        FAILED = "failed", _("Failed")  # the last attempt failed; it will be retried at next_attempt_at
        ABANDONED = "abandoned", _("Abandoned")  # failed too often: kept for an administrator, never dropped

    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=200)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # What the body becomes once the provider has it: the same text with its secret (a sign-in code, a
    # 马上查 query code) masked. Empty when the message holds no secret.
    redacted_body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}"


class OutboxEvent(TransitionEvent):
    """One row per status change of a message: each attempt's outcome with the provider's error, and an
    administrator's retry. Support reads here why a family got no SMS."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=OutboxMessage.Status.choices)
    to_status = models.CharField(max_length=10, choices=OutboxMessage.Status.choices)
    # The worker acts for nobody; only an administrator's retry has a person behind it.

    class Meta(TransitionEvent.Meta):
        verbose_name = _("outbox message status change")
        verbose_name_plural = _("outbox message status changes")

    def __str__(self) -> str:
        return f"{self.message_id}: {self.from_status} → {self.to_status}"


class CalendarDay(models.Model):
    """One day of the official calendar as the system administrator sets it.

    A row overrides chinesecalendar for its date. It is also how next year gets in before the package
    knows it: the State Council publishes the holidays each November, and a release follows later.
    """

    date = models.DateField(_("date"), unique=True)
    # One flag covers both kinds of exception: a rest day on a weekday, a working day on a weekend (调休).
    is_workday = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_(
            "Unticked: an official holiday or rest day. "
            "Ticked: a working day, such as a weekend day worked in exchange for a holiday."
        ),
    )
    name = models.CharField(
        _("name"), max_length=50, help_text=_("The holiday, as the State Council's notice names it.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"
