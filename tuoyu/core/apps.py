from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tuoyu.core"
    verbose_name = _("Core")

    def ready(self):
        # Registers the check that refuses field-encryption keys unable to read the stored data.
        from . import checks  # noqa: F401
