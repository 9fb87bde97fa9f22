from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    """财政扶持 (SPEC §8, the plan's §11 and §13): subsidies computed from the records, explained line by
    line, approved and paid."""

    name = "tuoyu.subsidies"
    verbose_name = _("Subsidies")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Budget, Entitlement, Payment, Period, RuleSet, SubsidyProfile

        # Money and the facts it rests on: every write is audited.
        auditlog.register(RuleSet)
        auditlog.register(Budget)
        auditlog.register(Period)
        auditlog.register(Entitlement)
        auditlog.register(Payment)
        auditlog.register(SubsidyProfile)
