from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """Multi-department supervision: plans, the 双随机 draw, inspections, findings and rectification."""

    name = "tuoyu.inspections"
    verbose_name = _("Inspections")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import (
            ChecklistItem,
            Finding,
            Inspection,
            InspectionPlan,
            Inspector,
            InspectorLink,
            Rectification,
            Suspension,
        )

        for model in (
            ChecklistItem,
            Inspector,
            InspectorLink,
            InspectionPlan,
            Inspection,
            Finding,
            Rectification,
            Suspension,
        ):
            auditlog.register(model)
