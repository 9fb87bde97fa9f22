"""入托网上约 (SPEC §3): children, visit slots and visits, applications with a waitlist, enrolments.

Places are exact: a class's enrolled count is raised only under a row lock and the database refuses
enrolled > capacity; visit slots likewise. Enrolments are what utilisation, subsidies and health
records count from later.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.core.crypto import EncryptedTextField
from tuoyu.core.models import TransitionEvent
from tuoyu.core.validators import mask_middle
from tuoyu.institutions.models import AgeGroup, ServiceType


def months_between(birth: date, on: date) -> int:
    """Completed months of age on a day (a child born 15 March is 2 months old on 15 May, not 14 May)."""
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    if on.day < birth.day:
        months -= 1
    return months


class Child(models.Model):
    class Sex(models.TextChoices):
        GIRL = "F", _("Girl")
        BOY = "M", _("Boy")

    # Empty for a child an institution records directly (an enrolment that did not come online).
    family = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("child's name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    is_second_or_later = models.BooleanField(_("a second or later child of the family"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family", "birth_date"]
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            # One record per ID number: the blind index makes this checkable without the number itself.
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~models.Q(id_number_index=""),
                name="child_unique_id_number",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_middle(self.id_number, 3, 4) if self.id_number else ""

    def age_in_months(self, on: date) -> int:
        return months_between(self.birth_date, on)


class VisitSlot(models.Model):
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="visit_slots"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("families"), default=5)
    booked = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("visit slot")
        verbose_name_plural = _("visit slots")
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="slot_capacity_positive"),
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")), name="slot_booked_within_capacity"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


class VisitStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")  # the family will come
    CANCELLED = "cancelled", _("Cancelled")  # by the family or the institution; the seat is free again
    ATTENDED = "attended", _("Visited")  # the institution recorded the visit: the family may review it later
    NO_SHOW = "no_show", _("Did not come")


class Visit(models.Model):
    slot = models.ForeignKey(VisitSlot, on_delete=models.PROTECT, related_name="visits")
    family = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits")
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT, related_name="visits")
    status = models.CharField(
        _("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.BOOKED
    )
    idempotency_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.UniqueConstraint(fields=["family", "idempotency_key"], name="visit_idempotent"),
            models.UniqueConstraint(
                fields=["slot", "family"], condition=models.Q(status="booked"), name="visit_once_per_slot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family} → {self.slot}"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the institution")  # a place looks free; the institution decides
    WAITLISTED = "waitlisted", _("On the waitlist")  # no place now; ordered by the institution's rule
    OFFERED = "offered", _("Place offered")  # the family must reply before offer_expires_at
    ENROLLED = "enrolled", _("Place taken")  # accepted: an enrolment exists
    DECLINED = "declined", _("Declined")  # by the institution, with a reason
    CANCELLED = "cancelled", _("Cancelled")  # by the family
    EXPIRED = "expired", _("Offer expired")  # no reply in time; the offer passed on


# Still waiting for one side to answer (workflow.OPEN). A child has at most one such application at an
# institution: a second one, from another browser tab, could only be declined or, once the first had
# the place, fail on the enrolment.
OPEN_APPLICATION_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.OFFERED,
)


class WaitlistRule(models.TextChoices):
    FIRST_COME = "first_come", _("First come, first served")
    MULTI_CHILD_FIRST = "multi_child_first", _("Second and third children first, then first come")
    WORK_NEARBY_FIRST = "work_nearby_first", _("Both parents working nearby first, then first come")


class BookingPolicy(models.Model):
    """An institution's waitlist rule and how long a family has to answer an offer."""

    institution = models.OneToOneField(
        "institutions.Institution", on_delete=models.CASCADE, related_name="booking_policy"
    )
    waitlist_rule = models.CharField(
        _("waitlist rule"), max_length=20, choices=WaitlistRule.choices, default=WaitlistRule.FIRST_COME
    )
    offer_hours = models.PositiveSmallIntegerField(_("hours to answer an offer"), default=48)

    class Meta:
        verbose_name = _("booking policy")
        verbose_name_plural = _("booking policies")

    def __str__(self) -> str:
        return f"{self.institution}: {self.get_waitlist_rule_display()}"


class Application(models.Model):
    family = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="applications")
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="applications"
    )
    age_group = models.CharField(_("age group"), max_length=12, choices=AgeGroup.choices)
    service_type = models.CharField(_("service type"), max_length=12, choices=ServiceType.choices)
    start_date = models.DateField(_("wished start date"))
    notes = models.TextField(_("notes"), blank=True, max_length=1000)
    parents_work_nearby = models.BooleanField(_("both parents work nearby"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["institution", "age_group", "status"], name="application_queue")]
        constraints = [
            models.UniqueConstraint(fields=["family", "idempotency_key"], name="application_idempotent"),
            # The last guard behind application_submit's check (two tabs with two idempotency keys).
            models.UniqueConstraint(
                fields=["child", "institution"],
                condition=models.Q(status__in=OPEN_APPLICATION_STATUSES),
                name="application_open_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} → {self.institution}"


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Attending")
    ENDED = "ended", _("Ended")


class Enrolment(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="enrolments")
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="enrolments"
    )
    class_group = models.ForeignKey(
        "institutions.ClassGroup", on_delete=models.PROTECT, related_name="enrolments"
    )
    service_type = models.CharField(_("service type"), max_length=12, choices=ServiceType.choices)
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolment"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["child", "institution"],
                condition=models.Q(status="active"),
                name="enrolment_once_active",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="enrolment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} @ {self.class_group}"


class BookingEvent(TransitionEvent):
    """The family's timeline and the institution's history: one row per change of an application, a
    visit or an enrolment (who ended it, when, and why)."""

    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
