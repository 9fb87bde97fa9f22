from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tuoyu.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import User

        # Personal data writes are audited; secrets and bookkeeping fields are not worth a row.
        auditlog.register(User, exclude_fields=["password", "last_login"])
