from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    """Grading of institutions by a rubric (等级评定) and demonstration units (示范单位)."""

    name = "tuoyu.grading"
    verbose_name = _("Grading")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Assessment, DemonstrationUnit, Rubric, Score

        auditlog.register(Rubric)
        auditlog.register(Assessment)
        auditlog.register(Score)
        auditlog.register(DemonstrationUnit)
