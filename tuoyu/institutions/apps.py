from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "tuoyu.institutions"
    verbose_name = "Institutions"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import ClassGroup, Fee, Institution, InstitutionMembership

        auditlog.register(Institution)
        auditlog.register(ClassGroup)
        auditlog.register(Fee)
        auditlog.register(InstitutionMembership)
