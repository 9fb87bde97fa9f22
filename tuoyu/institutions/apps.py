from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "tuoyu.institutions"
    verbose_name = _("Institutions")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import ClassGroup, Fee, Institution, InstitutionMembership

        auditlog.register(Institution)
        auditlog.register(ClassGroup)
        auditlog.register(Fee)
        auditlog.register(InstitutionMembership)
