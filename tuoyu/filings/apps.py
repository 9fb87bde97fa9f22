from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "tuoyu.filings"
    verbose_name = _("Filings")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import CoordinationCase, Filing, FilingMaterial, SemesterReport

        auditlog.register(Filing, exclude_fields=["updated_at"])
        auditlog.register(FilingMaterial)
        auditlog.register(CoordinationCase)
        auditlog.register(SemesterReport)
