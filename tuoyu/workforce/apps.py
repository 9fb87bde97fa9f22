from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    """人才队伍: staff, certificates, ratios, training and the expert pool."""

    name = "tuoyu.workforce"
    verbose_name = _("Workforce")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Certificate, Course, CourseEnrolment, Expert, StaffMember

        # Every write of a person's data is audited; the ID number itself never enters the log.
        auditlog.register(StaffMember, exclude_fields=["id_number", "id_number_index"])
        auditlog.register(Certificate)
        auditlog.register(Course)
        auditlog.register(CourseEnrolment)
        auditlog.register(Expert)
