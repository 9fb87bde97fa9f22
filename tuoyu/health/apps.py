from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    """医育结合: children's health records, growth, morning checks and outbreak alerts."""

    name = "tuoyu.health"
    verbose_name = _("Child health")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import DailyCheck, HealthRecord, Measurement, OutbreakAlert, RecordTransfer

        # Every write of a child's health data is audited (reads are accounts.AccessLog rows).
        auditlog.register(HealthRecord)
        auditlog.register(RecordTransfer)
        auditlog.register(Measurement)
        auditlog.register(DailyCheck)
        auditlog.register(OutbreakAlert)
