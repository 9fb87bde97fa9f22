"""人才队伍 (SPEC §9, the plan's §7 and indicator 9): the staff each institution keeps, their certificates
and suitability checks, the national staffing standard as data, training courses with attendance, and the
district's expert pool (专家库).

What counts is data, not code: which certificate kinds make a post "certified" (`PostCertification`),
the children per carer and the health staff a class or an institution needs (`StaffingStandard` and its
rules, versioned by the date they take effect), the yearly training hours (`TrainingRequirement`). The
computations over them are in `rules.py` (pure) and `selectors/`.

A person is matched across institutions by the blind index of the ID number (`id_number_index`), never
the number itself: one person active at two institutions at once (挂靠) is flagged and counted at one.
"""

from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.core.crypto import EncryptedTextField
from tuoyu.core.files import private_storage, private_upload_to
from tuoyu.core.models import TransitionEvent
from tuoyu.core.validators import mask_middle
from tuoyu.institutions.models import AgeGroup

from .rules import is_active


class Post(models.TextChoices):
    PRINCIPAL = "principal", _("Head of the institution")  # 负责人
    CARER = "carer", _("Carer")  # 保育人员: counted for the class ratios
    HEALTH = "health", _("Health staff")  # 卫生保健人员
    COOK = "cook", _("Cook")  # 炊事人员
    SECURITY = "security", _("Security guard")  # 安保人员
    FINANCE = "finance", _("Finance")  # 财务
    OTHER = "other", _("Other post")  # 其他


class Employment(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")


class StaffMember(models.Model):
    """One person's employment at one institution. A person who works at two institutions has two rows,
    tied by the blind index of the ID number."""

    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("institution"),
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = EncryptedTextField(_("ID number"))
    id_number_index = models.CharField(max_length=64, db_index=True, editable=False)
    mobile = models.CharField(_("mobile number"), max_length=11, blank=True)
    post = models.CharField(_("post"), max_length=12, choices=Post.choices)
    employment = models.CharField(
        _("employment"), max_length=10, choices=Employment.choices, default=Employment.FULL_TIME
    )
    started_on = models.DateField(_("employed from"))
    ended_on = models.DateField(_("employed until"), null=True, blank=True)
    # The class a carer works in; empty for other posts and for a carer not yet assigned.
    class_group = models.ForeignKey(
        "institutions.ClassGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carers",
        verbose_name=_("class"),
    )
    # Suitability (入职查询: criminal-record and sexual-offence check; the yearly health check).
    background_checked_on = models.DateField(_("background check (入职查询) on"), null=True, blank=True)
    health_checked_on = models.DateField(_("last health check on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["institution", "post", "name", "pk"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            # One row per person per institution: a person who comes back gets their row reopened.
            models.UniqueConstraint(
                fields=["institution", "id_number_index"], name="staff_once_per_institution"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="staff_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_middle(self.id_number, 3, 4) if self.id_number else ""

    def is_active_on(self, day: date) -> bool:
        """Employed on the day, by the one rule the counting uses (rules.is_active)."""
        return is_active(self.started_on, self.ended_on, day)

    @property
    def masked_mobile(self) -> str:
        return mask_middle(self.mobile, 3, 4) if self.mobile else ""


class CertificateCategory(models.TextChoices):
    SKILL = "skill", _("Vocational skill level")  # 保育师 / 育婴员 五级…一级
    ONE_PLUS_X = "one_plus_x", _("1+X certificate")  # 婴幼儿照护 1+X
    HEALTH_TRAINING = "health_training", _("Health-care training")  # 卫生保健培训合格证
    TEACHER = "teacher", _("Teacher qualification")  # 教师资格证
    HEALTH_CERTIFICATE = "health_certificate", _("Health certificate")  # 健康证
    OTHER = "other", _("Other")


class CertificateKind(models.Model):
    """A kind of certificate, as data an administrator extends (`data/certificate_kinds.json`)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    category = models.CharField(_("category"), max_length=20, choices=CertificateCategory.choices)
    level = models.PositiveSmallIntegerField(_("level (5 to 1)"), null=True, blank=True)
    # The usual validity, to propose an expiry date; empty: the certificate does not expire.
    validity_months = models.PositiveSmallIntegerField(_("valid for (months)"), null=True, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("certificate kind")
        verbose_name_plural = _("certificate kinds")

    def __str__(self) -> str:
        return self.name

    @property
    def is_health_certificate(self) -> bool:
        return self.category == CertificateCategory.HEALTH_CERTIFICATE


class PostCertification(models.Model):
    """A certificate kind that makes a person in this post "certified" (持证上岗). A post with no rows is not
    counted in the certified rate at all (a cook needs a health certificate, not a 保育师 level)."""

    post = models.CharField(_("post"), max_length=12, choices=Post.choices)
    kind = models.ForeignKey(CertificateKind, on_delete=models.CASCADE, related_name="posts")

    class Meta:
        ordering = ["post", "kind"]
        verbose_name = _("certificate counted for a post")
        verbose_name_plural = _("certificates counted for posts")
        constraints = [models.UniqueConstraint(fields=["post", "kind"], name="post_certification_once")]

    def __str__(self) -> str:
        return f"{self.get_post_display()}: {self.kind}"


class Certificate(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="certificates")
    kind = models.ForeignKey(CertificateKind, on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(_("certificate number"), max_length=50)
    issuer = models.CharField(_("issued by"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    # Valid through this day; it stops counting the day after. Empty: does not expire.
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    scan = models.FileField(
        _("scanned copy"), storage=private_storage, upload_to=private_upload_to, max_length=200, blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["staff", "kind__sort_order", "-issued_on"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["staff", "kind", "number"], name="certificate_once_per_person"),
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=models.F("issued_on")),
                name="certificate_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class StaffingStandard(models.Model):
    """The national minimum staffing (《托育机构设置标准（试行）》 and the 卫生保健 rules), as data, versioned by
    the date it takes effect: a check on a day uses the newest standard in effect that day."""

    name = models.CharField(_("name"), max_length=100)
    source = models.TextField(_("source"), blank=True)
    effective_from = models.DateField(_("in effect from"), unique=True)
    # How much a part-time carer counts toward a class's ratio (0.5: two part-timers make one carer).
    part_time_weight = models.DecimalField(
        _("a part-time carer counts as"), max_digits=3, decimal_places=2, default=0.5
    )
    # A carer counts for ratios only when suitable: a valid health certificate or a health check within
    # this many months, and (when set) an 入职查询 on file.
    health_check_valid_months = models.PositiveSmallIntegerField(
        _("a health check is valid for (months)"), default=12
    )
    background_check_required = models.BooleanField(_("an 入职查询 is required to count"), default=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("staffing standard")
        verbose_name_plural = _("staffing standards")

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from})"


class RatioRule(models.Model):
    """At most `children_per_carer` children per counted carer in a class of this age group."""

    standard = models.ForeignKey(StaffingStandard, on_delete=models.CASCADE, related_name="ratios")
    age_group = models.CharField(_("age group"), max_length=12, choices=AgeGroup.choices)
    children_per_carer = models.PositiveSmallIntegerField(
        _("children per carer"), validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["standard", "age_group"]
        verbose_name = _("carer ratio")
        verbose_name_plural = _("carer ratios")
        constraints = [models.UniqueConstraint(fields=["standard", "age_group"], name="ratio_once_per_group")]

    def __str__(self) -> str:
        return f"{self.get_age_group_display()} 1:{self.children_per_carer}"


class HealthStaffRule(models.Model):
    """The health staff an institution needs for its enrolment: from `min_children` to `max_children`
    children (empty: no upper end), at least `required` health staff of whom `full_time_required` full-time."""

    standard = models.ForeignKey(StaffingStandard, on_delete=models.CASCADE, related_name="health_rules")
    min_children = models.PositiveIntegerField(_("from children"))
    max_children = models.PositiveIntegerField(_("to children"), null=True, blank=True)
    required = models.PositiveSmallIntegerField(_("health staff required"))
    full_time_required = models.PositiveSmallIntegerField(_("of whom full-time"), default=0)

    class Meta:
        ordering = ["standard", "min_children"]
        verbose_name = _("health staff rule")
        verbose_name_plural = _("health staff rules")

    def __str__(self) -> str:
        return f"{self.min_children}–{self.max_children or '∞'}: {self.required} ({self.full_time_required})"


class TrainingRequirement(models.Model):
    """The district's yearly training hours per person (by post; an empty post: everyone), by the year it
    takes effect."""

    post = models.CharField(_("post"), max_length=12, choices=Post.choices, blank=True)
    effective_year = models.PositiveSmallIntegerField(_("from year"))
    hours = models.DecimalField(_("hours a year"), max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["-effective_year", "post"]
        verbose_name = _("training requirement")
        verbose_name_plural = _("training requirements")
        constraints = [
            models.UniqueConstraint(fields=["post", "effective_year"], name="training_requirement_once")
        ]

    def __str__(self) -> str:
        return f"{self.effective_year} {self.post or '*'}: {self.hours}"


class CourseKind(models.TextChoices):
    PRE_SERVICE = "pre_service", _("Pre-service training")  # 岗前培训
    IN_SERVICE = "in_service", _("In-service training")  # 在岗培训
    SKILL = "skill", _("Carer skill training")  # 保育师技能培训
    OTHER = "other", _("Other training")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being prepared; not shown to institutions
    OPEN = "open", _("Open for enrolment")  # published: institutions enrol their staff
    CLOSED = "closed", _("Held")  # attendance recorded; hours count
    CANCELLED = "cancelled", _("Cancelled")


class Course(models.Model):
    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=CourseKind.choices)
    organiser = models.CharField(_("organiser"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    place = models.CharField(_("place"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0.5)]
    )
    capacity = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    enrolled = models.PositiveSmallIntegerField(_("enrolled"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="course_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(enrolled__lte=models.F("capacity")), name="course_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CourseEvent(TransitionEvent):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=CourseStatus.choices)
    to_status = models.CharField(max_length=10, choices=CourseStatus.choices)

    class Meta(TransitionEvent.Meta):
        pass


class CourseEnrolment(models.Model):
    """A staff member enrolled on a course by their institution; attendance and hours recorded after."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="course_enrolments")
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)  # None: not recorded yet
    hours = models.DecimalField(_("hours attended"), max_digits=5, decimal_places=1, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["course", "staff__name", "pk"]
        verbose_name = _("course enrolment")
        verbose_name_plural = _("course enrolments")
        constraints = [models.UniqueConstraint(fields=["course", "staff"], name="course_enrolment_once")]

    def __str__(self) -> str:
        return f"{self.staff} @ {self.course}"


class ExpertField(models.TextChoices):
    CARE = "care", _("Care and early development")  # 保育照护与早期发展
    HEALTH = "health", _("Child health")  # 儿童保健
    NUTRITION = "nutrition", _("Nutrition and meals")  # 营养膳食
    SAFETY = "safety", _("Safety and fire")  # 安全与消防
    MANAGEMENT = "management", _("Management of institutions")  # 机构管理
    PSYCHOLOGY = "psychology", _("Psychology and behaviour")  # 心理与行为发育
    EDUCATION = "education", _("Education and training")  # 教育与培训


class Expert(models.Model):
    """A member of the district's expert pool (婴幼儿照护服务专家库), drawn for inspections and grading and
    invited to guidance activities. The code is the expert's public identifier in a draw."""

    code = models.CharField(_("expert number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    field = models.CharField(_("field"), max_length=12, choices=ExpertField.choices)
    title = models.CharField(_("professional title"), max_length=50)  # 职称
    unit = models.CharField(_("work unit"), max_length=100)
    mobile = models.CharField(_("mobile number"), max_length=11, blank=True)
    # An account lets the expert score an assessment or sign an inspection on their phone.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expert",
        verbose_name=_("account"),
    )
    # An expert is never drawn for the institution they work at or for (recusal, 回避).
    employer = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("works at the institution"),
    )
    for_inspection = models.BooleanField(_("available for inspections"), default=True)
    for_grading = models.BooleanField(_("available for grading"), default=True)
    for_guidance = models.BooleanField(_("available for guidance activities"), default=True)
    active = models.BooleanField(_("in the pool"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ExpiryReminder(models.Model):
    """A reminder sent to an institution about one certificate or health check expiring on a day, at one
    threshold (30 or 7 days before): `manage.py workforce_reminders` writes a row per item and threshold
    with its message, so nothing is reminded twice. A renewed certificate has a new expiry: new reminders."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    # "health_check" or "certificate-<pk>": the item reminded of.
    item = models.CharField(max_length=30)
    expires_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "pk"]
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "item", "expires_on", "days_before"], name="expiry_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.item} {self.expires_on} (-{self.days_before})"
