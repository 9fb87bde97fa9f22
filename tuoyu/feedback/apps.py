from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "tuoyu.feedback"
    verbose_name = _("Reviews and complaints")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Complaint, Review, RoutingRule

        # Personal data writes are audited; the reporter's name and number never enter the log.
        auditlog.register(Complaint, exclude_fields=["reporter_name", "reporter_phone", "query_code"])
        auditlog.register(Review)
        auditlog.register(RoutingRule)
