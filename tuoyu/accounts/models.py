from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FAMILY = "family", _("Family")  # a parent or carer, signs in with a mobile code
    INSTITUTION_OPERATOR = "inst_operator", _("Institution operator")  # runs one or more institutions
    INSTITUTION_STAFF = "inst_staff", _("Institution staff")  # works at an institution
    INSTITUTION_HEALTH = "inst_health", _("Institution health staff")  # 保健人员: may see health records
    HC_REVIEWER = "hc_reviewer", _("Health commission reviewer")  # reviews filings, handles complaints
    HC_ADMIN = "hc_admin", _("Health commission administrator")  # runs the programme
    HC_CHILD_HEALTH = (
        "hc_child_health",
        _("Health commission child-health officer"),
    )  # 妇幼健康: health records
    GUIDANCE_CENTRE = "guidance", _("Guidance centre")  # 指导中心 at the maternal and child health hospital
    DEPARTMENT_OFFICER = "dept_officer", _("Department officer")  # another supervising department
    STREET_OFFICER = "street_officer", _("Street or town officer")  # territorial responsibility for one unit
    SYSTEM_ADMIN = "sys_admin", _("System administrator")  # configuration: units, users, targets, rates


STAFF_ROLES = frozenset(set(Role.values) - {Role.FAMILY})
GOVERNMENT_ROLES = frozenset(
    {
        Role.HC_REVIEWER,
        Role.HC_ADMIN,
        Role.HC_CHILD_HEALTH,
        Role.GUIDANCE_CENTRE,
        Role.DEPARTMENT_OFFICER,
        Role.STREET_OFFICER,
        Role.SYSTEM_ADMIN,
    }
)
INSTITUTION_ROLES = frozenset({Role.INSTITUTION_OPERATOR, Role.INSTITUTION_STAFF, Role.INSTITUTION_HEALTH})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.FAMILY)
    phone = models.CharField(_("mobile number"), max_length=11, unique=True, null=True, blank=True)
    display_name = models.CharField(_("name"), max_length=50, blank=True)
    department = models.ForeignKey(
        "regions.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
        verbose_name=_("department"),
    )
    unit = models.ForeignKey(
        "regions.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
        verbose_name=_("unit"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A department officer always belongs to a department and a street officer to a unit:
            # their whole view of the data is scoped by it.
            models.CheckConstraint(
                condition=~models.Q(role="dept_officer") | models.Q(department__isnull=False),
                name="user_dept_officer_has_department",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="street_officer") | models.Q(unit__isnull=False),
                name="user_street_officer_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def masked_phone(self) -> str:
        from tuoyu.core.validators import mask_middle

        return mask_middle(self.phone) if self.phone else ""


class PhoneCode(models.Model):
    """A one-time sign-in code sent by SMS. Only a hash is kept, so a database reader cannot sign in."""

    phone = models.CharField(max_length=11, db_index=True)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"code for {self.phone}"


class AccessKind(models.TextChoices):
    """What was read. Writes are django-auditlog's; these are the reads a person could abuse."""

    REPORTER_IDENTITY = "reporter_identity", _("Reporter's identity")  # a complainant's name and mobile
    ID_NUMBER = "id_number", _("Full ID number")  # a resident ID number shown unmasked
    PERSONAL_EXPORT = "personal_export", _("Export of personal data")  # an Excel file with people's details
    HEALTH_RECORD = "health_record", _("Health record")  # a child's record read (health)


class AccessLog(models.Model):
    """Who read what, when and from where. Append-only: written by accounts.services.access_record,
    never changed or deleted through the site (the admin is read-only)."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # SET_NULL keeps the entry when an account is removed; `username` still says who it was.
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("user")
    )
    username = models.CharField(_("user name"), max_length=150)
    kind = models.CharField(_("what was read"), max_length=30, choices=AccessKind.choices)
    # The object read, when it is a row (a complaint); an export has only a label.
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True, db_index=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["kind", "at"], name="accesslog_kind_at"),
            models.Index(fields=["user", "at"], name="accesslog_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.kind} {self.object_label} {self.at:%Y-%m-%d %H:%M}"
