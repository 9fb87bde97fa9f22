from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "tuoyu.filings"
    verbose_name = "Filings"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import CoordinationCase, Filing, FilingMaterial, SemesterReport

        auditlog.register(Filing, exclude_fields=["updated_at"])
        auditlog.register(FilingMaterial)
        auditlog.register(CoordinationCase)
        auditlog.register(SemesterReport)
