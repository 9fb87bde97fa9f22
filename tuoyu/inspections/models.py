"""Multi-department supervision (多部门监督检查; SPEC §5, plan §8, §15 and §16): inspection plans, the
双随机 draw of institutions and inspectors, on-site checklists, findings with rectification, suspensions
and the published results (一公开).

A plan names its period, departments, domains, checklist, sample and inspector pool. A draw picks the
institutions and, for each, the inspectors, by a published algorithm over a published seed and sorted
input lists (`draw.py`), so anyone can re-run it; a redraw keeps the earlier draw and its reason. Each
drawn institution gets an Inspection; its failed items become Findings, each with a severity and a
rectification deadline in working days; the institution answers with Rectification evidence.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.core.files import private_storage, private_upload_to
from tuoyu.core.models import TransitionEvent


class Domain(models.TextChoices):
    """What a plan inspects (the plan's §8 and §16: each department's part of the supervision)."""

    BUILDING = "building", _("Building safety")  # 建筑安全 (住建)
    FIRE = "fire", _("Fire safety")  # 消防 (消防救援)
    FOOD = "food", _("Food safety")  # 食品安全 (市场监管)
    HEALTH = "health", _("Health care")  # 卫生保健 (卫健)
    CARE = "care", _("Safe care")  # 照护安全 (卫健, 公安)
    FEES = "fees", _("Fees")  # 收费 (市场监管, 发改)


class Answer(models.TextChoices):
    PASS = "pass", _("Pass")  # 符合
    FAIL = "fail", _("Fail")  # 不符合
    NOT_APPLICABLE = "na", _("Not applicable")  # 不适用


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")  # 一般
    MAJOR = "major", _("Major")  # 较重
    SERIOUS = "serious", _("Serious")  # 严重


class ChecklistItem(models.Model):
    """One line of the national rules an inspector checks; district data, extended in the admin."""

    code = models.CharField(_("code"), max_length=20, unique=True)  # FIRE-03
    domain = models.CharField(_("domain"), max_length=12, choices=Domain.choices)
    text = models.CharField(_("item"), max_length=300)
    basis = models.CharField(_("basis"), max_length=200, blank=True)  # the rule it comes from
    # A rule of rules.py that answers the item from the register (class sizes, ratios, the lease); blank
    # when only an inspector on site can answer it.
    auto_rule = models.CharField(_("checked from the register by"), max_length=40, blank=True)
    severity = models.CharField(
        _("usual severity if failed"), max_length=10, choices=Severity.choices, default=Severity.MINOR
    )
    # Working days the institution has to put a failure right, unless the inspector sets another date.
    rectify_days = models.PositiveSmallIntegerField(
        _("working days to rectify"), default=10, validators=[MinValueValidator(1)]
    )
    active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["domain", "sort_order", "code"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class Inspector(models.Model):
    """A person on the roster of law-enforcement inspectors (执法检查人员名录), public by the 双随机 rules:
    the name, the department and the certificate number are published with every draw."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspector", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=50)
    department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        related_name="inspectors",
        verbose_name=_("department"),
    )
    # The law-enforcement certificate number (执法证号): the inspector's public, stable identifier in the
    # draw's input list.
    certificate_number = models.CharField(_("certificate number"), max_length=30, unique=True)
    active = models.BooleanField(_("on the roster"), default=True)

    class Meta:
        ordering = ["department__code", "certificate_number"]
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")

    def __str__(self) -> str:
        return f"{self.name} ({self.certificate_number})"


class InspectorLink(models.Model):
    """A tie between an inspector and an institution (a relative works there, a former employer …): the
    draw never sends that inspector there (recusal, 回避). Declared by the inspector or their department."""

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="links")
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="inspector_links"
    )
    reason = models.CharField(_("reason"), max_length=200)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspector's declared link")
        verbose_name_plural = _("inspectors' declared links")
        constraints = [
            models.UniqueConstraint(fields=["inspector", "institution"], name="inspector_link_once")
        ]

    def __str__(self) -> str:
        return f"{self.inspector} — {self.institution}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being prepared: lists and checklist may change
    DRAWN = "drawn", _("Drawn")  # the draw is made: inspections are under way
    CLOSED = "closed", _("Closed")  # every inspection is finished
    CANCELLED = "cancelled", _("Cancelled")


class InspectionPlan(models.Model):
    title = models.CharField(_("title"), max_length=150)
    lead_department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        related_name="led_plans",
        verbose_name=_("lead department"),
    )
    # A joint plan (联合抽查) names every department taking part, the lead included.
    departments = models.ManyToManyField(
        "regions.Department", related_name="inspection_plans", verbose_name=_("departments")
    )
    # The street or town the plan covers (and every unit below it); None for the whole district.
    unit = models.ForeignKey(
        "regions.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    domains = models.JSONField(_("domains"), default=list)  # Domain values
    checklist = models.ManyToManyField(ChecklistItem, related_name="plans", verbose_name=_("checklist"))
    # Exactly one of the two: a share of the candidate institutions (rounded up) or a number of them.
    sample_percent = models.PositiveSmallIntegerField(
        _("sample (percent)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    sample_size = models.PositiveSmallIntegerField(
        _("sample (institutions)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    inspectors_per_inspection = models.PositiveSmallIntegerField(
        _("inspectors per inspection"), default=2, validators=[MinValueValidator(2)]
    )
    # The two lists the draw picks from (双随机: 随机抽取检查对象, 随机选派执法检查人员).
    institutions = models.ManyToManyField(
        "institutions.Institution",
        related_name="inspection_plans",
        verbose_name=_("institutions to draw from"),
    )
    inspectors = models.ManyToManyField(Inspector, related_name="plans", verbose_name=_("inspector pool"))
    # Experts of the district's pool (workforce.Expert) drawn with the inspectors, the same way; 0 (the
    # default) draws none, and the draw is then exactly the one without experts ("sha256-rank/1").
    experts_per_inspection = models.PositiveSmallIntegerField(_("experts per inspection"), default=0)
    experts = models.ManyToManyField(
        "workforce.Expert", blank=True, related_name="inspection_plans", verbose_name=_("expert pool")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="plan_period_ordered"
            ),
            models.CheckConstraint(
                condition=(models.Q(sample_percent__isnull=True) & models.Q(sample_size__isnull=False))
                | (models.Q(sample_percent__isnull=False) & models.Q(sample_size__isnull=True)),
                name="plan_sample_one_way",
            ),
            models.CheckConstraint(
                condition=models.Q(inspectors_per_inspection__gte=2), name="plan_two_inspectors"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PlanEvent(TransitionEvent):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=PlanStatus.choices)
    to_status = models.CharField(max_length=10, choices=PlanStatus.choices)

    class Meta(TransitionEvent.Meta):
        pass


class Draw(models.Model):
    """One run of the draw, kept for ever with everything needed to re-run it: the seed, the algorithm's
    name and version, the sorted input lists and the result. A redraw is a new row; the earlier one stays,
    marked superseded, with the reason."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="draws")
    number = models.PositiveSmallIntegerField(_("draw number"))  # 1, then 2 for the first redraw …
    algorithm = models.CharField(_("algorithm"), max_length=40)  # draw.ALGORITHM, e.g. "sha256-rank/1"
    seed = models.CharField(_("seed"), max_length=64)
    # Inputs as published: [{"id": 12, "name": "…"}] sorted by id; [{"code": "…", "name": "…",
    # "department": "…"}] sorted by code; links [[inspector code, institution id]] sorted.
    institution_list = models.JSONField(default=list)
    inspector_list = models.JSONField(default=list)
    links = models.JSONField(default=list)
    sample_count = models.PositiveSmallIntegerField()
    inspectors_per_inspection = models.PositiveSmallIntegerField()
    # With experts ("sha256-rank/2" only): [{"code", "name", "field", "unit"}] sorted by code; the
    # recusals [[expert code, institution id]] (the expert works there) sorted; how many per inspection.
    expert_list = models.JSONField(default=list)
    expert_links = models.JSONField(default=list)
    experts_per_inspection = models.PositiveSmallIntegerField(default=0)
    # [{"institution": 12, "inspectors": ["code", "code"]}] in drawn order (and "experts": ["code"] when
    # the draw has experts).
    result = models.JSONField(default=list)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_reason = models.TextField(_("reason for the redraw"), blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="draw_number_once")]

    def __str__(self) -> str:
        return f"{self.plan} #{self.number}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class InspectionStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")  # drawn; the inspectors fill the checklist on site
    SUBMITTED = "submitted", _("Findings open")  # signed and submitted with findings to put right
    CLOSED = "closed", _("Closed")  # no findings, or every finding put right
    CANCELLED = "cancelled", _("Cancelled")  # its draw was redone, or the plan cancelled


class Result(models.TextChoices):
    COMPLIANT = "compliant", _("No problems found")  # 未发现问题
    # Its own msgid: the catalogue's "Problems found" is a list's heading (发现的问题), not a result.
    FINDINGS = "findings", _("Problems found, to be put right")  # 发现问题, 责令整改
    SERIOUS = "serious", _("Serious problems found")  # 发现严重问题


class Inspection(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="inspections")
    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="inspections")
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="inspections"
    )
    inspectors = models.ManyToManyField(Inspector, related_name="inspections", verbose_name=_("inspectors"))
    experts = models.ManyToManyField(
        "workforce.Expert", blank=True, related_name="inspections", verbose_name=_("experts")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.ASSIGNED
    )
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # Who signed for the institution on site (被检查单位签字), as typed by them on the inspector's phone.
    institution_signatory = models.CharField(_("signed for the institution by"), max_length=50, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # 一公开: published within 20 working days of the submission (publish_due_on), kept public 5 years.
    publish_due_on = models.DateField(_("publish by"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    # Who published it (the lead department or the commission); empty when the daily job did, on its day.
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["institution", "status"])]

    def __str__(self) -> str:
        return f"{self.plan} · {self.institution}"


class InspectionEvent(TransitionEvent):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=InspectionStatus.choices)
    to_status = models.CharField(max_length=10, choices=InspectionStatus.choices)

    class Meta(TransitionEvent.Meta):
        pass


class Signature(models.Model):
    """An inspector's signature on the submitted record: their name as typed, when, and by whom signed in."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="signatures")
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=50)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "inspector"], name="inspection_signed_once")
        ]

    def __str__(self) -> str:
        return self.name


class ChecklistAnswer(models.Model):
    """One item of one inspection. Saved as the inspector goes (blank answer = not yet answered); a rule
    answered from the register stores what it found in `detail`."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=4, choices=Answer.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    automatic = models.BooleanField(
        default=False
    )  # proposed by a register rule (the inspector may change it)
    detail = models.CharField(_("what the register shows"), max_length=300, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item__domain", "item__sort_order", "item__code"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="answer_once_per_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.answer or '—'}"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    answer = models.ForeignKey(
        ChecklistAnswer, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    # Re-encoded without EXIF before it is stored (core.files.strip_image_metadata).
    file = models.FileField(storage=private_storage, upload_to=private_upload_to, max_length=200)
    file_kind = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.file_kind} {self.size}"


class FindingStatus(models.TextChoices):
    OPEN = "open", _("To be put right")  # 待整改: the institution uploads evidence by the deadline
    SUBMITTED = "submitted", _("Evidence submitted")  # 待验收: the inspector checks the evidence
    REINSPECTION = "reinspection", _("Re-inspection ordered")  # 复查: the inspector goes back on site
    OVERDUE = "overdue", _("Overdue")  # 逾期未整改: escalated to the lead department and the commission
    RECTIFIED = "rectified", _("Put right")  # 整改完成: accepted by the inspector


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("what was found"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    deadline = models.DateField(_("put right by"))
    status = models.CharField(
        _("status"), max_length=14, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    rectified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["inspection", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.description[:60]


class FindingEvent(TransitionEvent):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=14, choices=FindingStatus.choices)
    to_status = models.CharField(max_length=14, choices=FindingStatus.choices)

    class Meta(TransitionEvent.Meta):
        pass


class Rectification(models.Model):
    """The institution's answer to a finding: what it did and the proof (a photo or a PDF)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="rectifications")
    note = models.TextField(_("what was done"))
    file = models.FileField(storage=private_storage, upload_to=private_upload_to, max_length=200)
    file_kind = models.CharField(max_length=8)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    # The inspector's decision on this piece of evidence: accepted, returned or re-inspection, with why.
    decision = models.CharField(_("decision"), max_length=14, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["finding", "submitted_at", "id"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")

    def __str__(self) -> str:
        return self.original_name


class Suspension(models.Model):
    """A suspension ordered after a serious finding, recorded against the institution's filing: the
    register moves the institution to 'suspended' (its own workflow) and the reason is public."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="suspensions"
    )
    filing_number = models.CharField(_("filing number"), max_length=40, blank=True)
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="suspensions")
    reason = models.TextField(_("public reason"))
    starts_on = models.DateField(_("from"))
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_note = models.TextField(_("why lifted"), blank=True)
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ordered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")

    def __str__(self) -> str:
        return f"{self.institution} {self.starts_on}"
