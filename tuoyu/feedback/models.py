"""Reviews, complaints and reports (评价及投诉举报, 群众"投诉举报马上查"; SPEC §4, plan §15 and §16).

A complaint is about a filed institution or about a place that is not in the register (无证办托, with a
point on the map). It is routed to a department by category through RoutingRule, answered within
working-day deadlines, and tracked by anyone holding its tracking number and query code. Who reported
it is kept from everyone but the handlers, and from them too when the report is anonymous.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuoyu.core.crypto import EncryptedTextField
from tuoyu.core.files import private_storage, private_upload_to
from tuoyu.core.models import TransitionEvent


class Category(models.TextChoices):
    SAFETY = "safety", _("Safety hazard")  # 安全隐患
    HYGIENE = "hygiene", _("Hygiene")  # 卫生
    FOOD = "food", _("Food")  # 食品
    FEES = "fees", _("Fees and charges")  # 收费
    CARE = "care", _("Abuse or poor care")  # 虐待或照护不当
    UNLICENSED = "unlicensed", _("Childcare without filing")  # 无证办托
    ADVERTISING = "advertising", _("False advertising")  # 虚假宣传
    OTHER = "other", _("Other")  # 其他


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")  # stored; routing follows in the same transaction
    ASSIGNED = "assigned", _("Assigned to a department")  # waiting for the department to take it up
    IN_PROGRESS = "in_progress", _("Being handled")  # the department acknowledged it (or it was reopened)
    ANSWERED = "answered", _("Answered")  # the answer is out; the reporter may rate it for 15 days
    CLOSED = "closed", _("Closed")  # rated, or not rated in time
    MERGED = "merged", _("Merged as a duplicate")  # handled together with another report


class Finding(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")  # 属实
    PARTLY = "partly", _("Partly substantiated")  # 部分属实
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")  # 不属实


class RoutingRule(models.Model):
    """Which department answers a category, and in how many working days. District configuration."""

    category = models.CharField(_("category"), max_length=16, choices=Category.choices, unique=True)
    department = models.ForeignKey(
        "regions.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("lead department")
    )
    co_departments = models.ManyToManyField(
        "regions.Department", blank=True, related_name="+", verbose_name=_("co-handling departments")
    )
    # 无证办托 is found on the ground by the street or town (§16 属地责任): its officers are told too.
    involve_street = models.BooleanField(_("involve the street or town"), default=False)
    acknowledge_days = models.PositiveSmallIntegerField(_("acknowledge within (working days)"), default=1)
    answer_days = models.PositiveSmallIntegerField(_("answer within (working days)"), default=15)

    class Meta:
        ordering = ["category"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(acknowledge_days__gte=1)
                & models.Q(answer_days__gte=models.F("acknowledge_days")),
                name="routing_deadlines_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} → {self.department}"


class Complaint(models.Model):
    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    # Encrypted rather than hashed so that a double-submitted form can show the same code again.
    query_code = EncryptedTextField()
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("institution"),
    )
    # For a place not in the register: what the reporter calls it and where it is (WGS-84).
    place_name = models.CharField(_("name of the place"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    unit = models.ForeignKey(
        "regions.Unit", on_delete=models.PROTECT, related_name="complaints", verbose_name=_("street or town")
    )
    description = models.TextField(_("description"))
    happened_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    reporter_name = EncryptedTextField(_("reporter's name"), blank=True)
    reporter_phone = EncryptedTextField(_("reporter's mobile number"), blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )
    source = models.CharField(max_length=60, default="web")  # web, or the Open311 client's name
    media_url = models.URLField(_("media link"), blank=True, max_length=500)  # given by an Open311 client
    idempotency_key = models.CharField(max_length=64, blank=True)

    department = models.ForeignKey(
        "regions.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("responsible department"),
    )
    co_departments = models.ManyToManyField("regions.Department", blank=True, related_name="co_complaints")
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    acknowledge_due_on = models.DateField(_("acknowledge by"), null=True, blank=True)
    answer_due_on = models.DateField(_("answer by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_on_time = models.BooleanField(null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    satisfied = models.BooleanField(_("satisfied"), null=True, blank=True)
    rating_comment = models.TextField(_("comment on the handling"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    # The institution's own answer; it never learns who complained.
    institution_reply = models.TextField(_("institution's reply"), blank=True)
    institution_replied_at = models.DateTimeField(null=True, blank=True)
    failed_lookups = models.PositiveSmallIntegerField(default=0)
    lookup_locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint or report")
        verbose_name_plural = _("complaints and reports")
        indexes = [
            models.Index(fields=["status", "answer_due_on"], name="complaint_queue"),
            models.Index(fields=["institution", "category", "received_at"], name="complaint_duplicates"),
        ]
        constraints = [
            # An institution of the register, a place on the map, or (a hotline's report) an address
            # that a handler has yet to place on the map. A point is always whole.
            models.CheckConstraint(
                condition=models.Q(institution__isnull=False)
                | (models.Q(lat__isnull=False) & models.Q(lng__isnull=False))
                | (models.Q(lat__isnull=True) & models.Q(lng__isnull=True) & ~models.Q(address="")),
                name="complaint_has_subject",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="merged") | models.Q(merged_into__isnull=False),
                name="complaint_merged_has_target",
            ),
            models.CheckConstraint(
                condition=~models.Q(anonymous=True)
                | (
                    models.Q(reporter_name="") & models.Q(reporter_phone="") & models.Q(reporter__isnull=True)
                ),
                name="complaint_anonymous_has_no_identity",
            ),
            # The form's one-time key: a double-clicked submit files one report (NULL-free, so anonymous too).
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="complaint_idempotent",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def subject_name(self) -> str:
        return self.institution.name if self.institution_id else self.place_name or self.address

    @property
    def needs_placing(self) -> bool:
        """Filed with an address only (a hotline's report): a handler is to put it on the map."""
        return self.institution_id is None and self.lat is None


class ComplaintPhoto(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    # Re-encoded without EXIF (GPS, camera, time) before it is stored.
    file = models.FileField(storage=private_storage, upload_to=private_upload_to, max_length=200)
    file_kind = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    added_by_reporter = models.BooleanField(default=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"photo {self.pk} of {self.complaint_id}"


class EventKind(models.TextChoices):
    FILED = "filed", _("Received")
    ASSIGNED = "assigned", _("Assigned to a department")
    REASSIGNED = "reassigned", _("Passed to another department")
    ACKNOWLEDGED = "acknowledged", _("Being handled")
    ANSWERED = "answered", _("Answered")
    INFO_ADDED = "info_added", _("The reporter added information")
    RATED = "rated", _("The reporter rated the handling")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged as a duplicate")
    DUPLICATE_ADDED = "duplicate_added", _("A duplicate report was merged into this one")
    ESCALATED = "escalated", _("Overdue: escalated to the health commission")
    INSTITUTION_REPLIED = "institution_replied", _("The institution replied")
    NOTE = "note", _("Internal note")
    PLACED = "placed", _("Placed on the map")


class ComplaintEvent(TransitionEvent):
    """One row per thing that happened; `public` rows form the timeline 马上查 shows."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    department = models.ForeignKey(
        "regions.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"


class TrackingSequence(models.Model):
    """The last tracking number given out per day: TS20261129-00012 is the twelfth of that day."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class LookupAttempt(models.Model):
    """Failed 马上查 look-ups per client, so guessing query codes is slow whatever number is tried."""

    client_hash = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"failed look-up {self.at:%Y-%m-%d %H:%M}"


class Aspect(models.TextChoices):
    SAFETY = "safety", _("Safe environment")  # 环境安全
    CARE = "care", _("Care")  # 保育照护
    MEALS = "meals", _("Meals")  # 膳食
    COMMUNICATION = "communication", _("Communication")  # 沟通
    FEES = "fees", _("Clear fees")  # 收费透明


class ReviewStatus(models.TextChoices):
    PUBLISHED = "published", pgettext_lazy("review status", "Published")
    HELD = "held", _("Held for moderation")  # words on the moderation list; a moderator decides
    REJECTED = "rejected", _("Not published")


def _score(label):
    return models.PositiveSmallIntegerField(label, null=True, blank=True)


class Review(models.Model):
    """A rating by a family that really visited (Visit attended) or enrolled (Enrolment) at the institution."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="reviews"
    )
    family = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    visit = models.OneToOneField(
        "bookings.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="review"
    )
    enrolment = models.OneToOneField(
        "bookings.Enrolment", null=True, blank=True, on_delete=models.PROTECT, related_name="review"
    )
    overall = models.PositiveSmallIntegerField(_("overall"))
    safety = _score(_("Safe environment"))
    care = _score(_("Care"))
    meals = _score(_("Meals"))
    communication = _score(_("Communication"))
    fees = _score(_("Clear fees"))
    text = models.TextField(_("review"), blank=True)
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED)
    held_reason = models.CharField(max_length=200, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(_("institution's reply"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [models.Index(fields=["institution", "status", "created_at"], name="review_public")]
        constraints = [
            # Exactly one of a visit or an enrolment is the proof of a real contact.
            models.CheckConstraint(
                condition=(models.Q(visit__isnull=False) & models.Q(enrolment__isnull=True))
                | (models.Q(visit__isnull=True) & models.Q(enrolment__isnull=False)),
                name="review_has_one_basis",
            ),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__isnull": True}) | models.Q(**{f"{name}__range": (1, 5)}),
                    name=f"review_{name}_1_to_5",
                )
                for name in ("safety", "care", "meals", "communication", "fees")
            ],
            models.CheckConstraint(condition=models.Q(overall__range=(1, 5)), name="review_overall_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.overall}/5"


class ReviewEvent(TransitionEvent):
    """One row per moderation decision: a review published, held back or taken down, by whom and why.
    The review's moderated_by/moderated_at keep only the last decision; this is its history."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=ReviewStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ReviewStatus.choices)

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status} {self.at:%Y-%m-%d}"


class ModeratedWord(models.Model):
    """A word or phrase that holds a review for a moderator (abuse, insults, personal data)."""

    word = models.CharField(_("word or phrase"), max_length=50, unique=True)

    class Meta:
        ordering = ["word"]
        verbose_name = _("moderated word")
        verbose_name_plural = _("moderated words")

    def __str__(self) -> str:
        return self.word


class Open311Client(models.Model):
    """A system allowed to POST requests through Open311 GeoReport v2 (a hotline, a city app)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return self.name
