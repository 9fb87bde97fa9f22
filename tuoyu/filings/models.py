"""Online filing (备案) of childcare institutions, its review, notices and coordination (SPEC §2).

National rules (托育机构登记和备案办法（试行）): the county health commission files an application
within 5 working days and issues a receipt; it checks after the fact and tells the institution of any
non-compliance within 15 working days, publicly. Changes and deregistration are filed the same way.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.core.files import private_storage, private_upload_to
from tuoyu.core.models import TransitionEvent


class FilingKind(models.TextChoices):
    INITIAL = "initial", _("Filing")  # 备案
    CHANGE = "change", _("Change")  # 变更
    DEREGISTRATION = "deregistration", _("Deregistration")  # 注销


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # the operator is still writing it
    SUBMITTED = "submitted", _("Submitted")  # waiting for the reviewer; the 5-working-day clock runs
    RETURNED = "returned", _("Returned for correction")  # 退回补正: the operator corrects and resubmits
    APPROVED = "approved", _("Filed")  # 已备案 / change or deregistration applied
    NONCOMPLIANT = "noncompliant", _("Does not comply")  # 不符合: reasons published in the notice feed
    WITHDRAWN = "withdrawn", _("Withdrawn")  # the operator gave up a draft or a returned application


class Filing(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=FilingKind.choices, default=FilingKind.INITIAL)
    status = models.CharField(
        _("status"), max_length=20, choices=FilingStatus.choices, default=FilingStatus.DRAFT
    )
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="filings")
    # Empty until an initial filing is approved; set from the start for changes and deregistration.
    institution = models.ForeignKey(
        "institutions.Institution", null=True, blank=True, on_delete=models.PROTECT, related_name="filings"
    )
    # The proposed register data as the operator typed it (raw form values), so a half-finished draft
    # saves and resumes; it is validated in full on submit and applied only on approval.
    data = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)  # incremented at each submission
    pledge_accepted_at = models.DateTimeField(_("pledge accepted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(_("decision due on"), null=True, blank=True)  # 5 working days after submission
    check_due_on = models.DateField(_("compliance check due on"), null=True, blank=True)  # 15 working days
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(_("decision"), blank=True)
    filing_number = models.CharField(_("filing number"), max_length=40, blank=True)
    receipt_code = models.CharField(max_length=40, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("filing application")
        verbose_name_plural = _("filing applications")
        indexes = [models.Index(fields=["status", "due_on"], name="filing_queue")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="change") & ~models.Q(kind="deregistration")
                | models.Q(institution__isnull=False),
                name="filing_change_has_institution",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.display_name}"

    @property
    def display_name(self) -> str:
        return (self.data.get("institution") or {}).get("name") or (
            self.institution.name if self.institution_id else ""
        )


class MaterialKind(models.TextChoices):
    BUSINESS_LICENCE = "licence", _("Business licence or legal person certificate")  # 营业执照 / 法人登记证书
    PREMISES_OWN = "premises_own", _("Proof of owned premises")  # 产权证明
    PREMISES_LEASE = "premises_lease", _("Lease of the premises (at least 3 years)")  # 租赁合同
    STAFF_QUALIFICATION = "staff_qualification", _("Staff qualification certificates")  # 资格证书
    STAFF_HEALTH = "staff_health", _("Staff health certificates")  # 健康证明
    HYGIENE_REPORT = "hygiene", _("Hygiene evaluation report")  # 卫生评价报告 (must be 合格)
    FIRE_SAFETY = "fire", _("Fire safety proof")  # 消防安全
    FOOD_LICENCE = "food", _("Food business licence")  # 食品经营许可证 when meals are served
    OTHER = "other", _("Other material")


SECTION_LABELS = {
    "institution": _("Basic information"),
    "classes": _("Classes"),
    "fees": _("Fees"),
    "staff": _("Staff"),
}


class FilingMaterial(models.Model):
    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("material"), max_length=24, choices=MaterialKind.choices)
    file = models.FileField(storage=private_storage, upload_to=private_upload_to, max_length=200)
    file_kind = models.CharField(max_length=8)  # pdf / jpeg / png, by content
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField()
    lease_start = models.DateField(_("lease starts"), null=True, blank=True)
    lease_end = models.DateField(_("lease ends"), null=True, blank=True)
    hygiene_passed = models.BooleanField(_("rated 合格"), null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=0)  # the filing version it was uploaded for
    superseded = models.BooleanField(default=False)  # replaced by a newer upload of the same kind

    class Meta:
        ordering = ["kind", "-uploaded_at"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class FilingEvent(TransitionEvent):
    """One row per status change: the application's history (who, from, to, when, note)."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=FilingStatus.choices)
    to_status = models.CharField(max_length=20, choices=FilingStatus.choices)
    version = models.PositiveIntegerField(default=0)
    snapshot = models.JSONField(default=dict, blank=True)  # the data as submitted, for the version history

    def __str__(self) -> str:
        return f"{self.filing_id}: {self.from_status} → {self.to_status}"


class ReviewComment(models.Model):
    """A reviewer's comment on one item (a material or a section) when returning an application."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="comments")
    version = models.PositiveIntegerField()
    item = models.CharField(_("item"), max_length=40)  # a MaterialKind value or a section name
    text = models.TextField(_("comment"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item}: {self.text[:30]}"

    def get_item_display(self) -> str:
        """The section or material in words ("消防安全证明"), not its key ("fire")."""
        return str(SECTION_LABELS.get(self.item) or dict(MaterialKind.choices).get(self.item, self.item))


class FilingNumberSequence(models.Model):
    """The last filing number issued per year; locked while the next one is taken so none repeats."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class NoticeKind(models.TextChoices):
    FILED = "filed", _("Filed")  # 备案
    CHANGED = "changed", _("Change filed")  # 变更
    NONCOMPLIANT = "noncompliant", _("Does not comply")  # 不符合备案要求
    DEREGISTERED = "deregistered", _("Deregistered")  # 注销


class Notice(models.Model):
    """The public notice feed (公示) of §14: filings, changes, non-compliance and deregistrations."""

    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    filing = models.ForeignKey(Filing, on_delete=models.PROTECT, related_name="notices")
    institution_name = models.CharField(_("institution"), max_length=100)
    filing_number = models.CharField(_("filing number"), max_length=40, blank=True)
    unit_name = models.CharField(_("street or town"), max_length=100, blank=True)
    summary = models.TextField(_("content"))
    # A change notice's topics (selectors.ChangeDiff.topics: "fees", "places", "address" …), said in
    # words on the page in the reader's language.
    changes = models.JSONField(_("what changed"), default=list, blank=True)
    published_at = models.DateTimeField(_("published"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.institution_name}"


class RequirementDomain(models.TextChoices):
    FIRE = "fire", _("Fire safety")
    PREMISES = "premises", _("Premises and building")
    LAND_USE = "land_use", _("Land use and planning")
    OTHER = "other", _("Other")


class CoordinationCase(models.Model):
    """一事一议: a filing blocked by another department's requirement, resolved together (§8)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")  # departments are giving opinions
        RESOLVED = "resolved", _("Resolved")  # a resolution is recorded

    filing = models.ForeignKey(Filing, on_delete=models.PROTECT, related_name="coordination_cases")
    title = models.CharField(_("subject"), max_length=200)
    domain = models.CharField(_("blocking requirement"), max_length=20, choices=RequirementDomain.choices)
    description = models.TextField(_("description"))
    departments = models.ManyToManyField(
        "regions.Department", related_name="coordination_cases", verbose_name=_("departments")
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "deadline"]
        verbose_name = _("coordination case")
        verbose_name_plural = _("coordination cases")

    def __str__(self) -> str:
        return self.title


class CoordinationCaseEvent(TransitionEvent):
    """One row per status change of a coordination case (who, from, to, when, note)."""

    case = models.ForeignKey(CoordinationCase, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=CoordinationCase.Status.choices)
    to_status = models.CharField(max_length=10, choices=CoordinationCase.Status.choices)

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


class CaseOpinion(models.Model):
    case = models.ForeignKey(CoordinationCase, on_delete=models.CASCADE, related_name="opinions")
    department = models.ForeignKey("regions.Department", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("opinion"))
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.department}: {self.text[:30]}"


class SemesterReport(models.Model):
    """A kindergarten with 托班 reports each semester to education, copied to health (§14)."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="semester_reports"
    )
    semester = models.CharField(_("semester"), max_length=12)  # e.g. 2025-autumn
    class_count = models.PositiveSmallIntegerField(_("nursery classes"))
    children = models.PositiveIntegerField(_("children"))
    staff = models.PositiveIntegerField(_("staff"))
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-semester", "institution__name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "semester"], name="semester_report_once")
        ]
        verbose_name = _("semester report")
        verbose_name_plural = _("semester reports")

    def __str__(self) -> str:
        return f"{self.institution} {self.semester}"
