from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tuoyu.core"
    verbose_name = _("Core")

    def ready(self):
        # Register the system checks: an audit retention below six months (retention) and
        # field-encryption keys unable to read the stored data (checks).
        from . import checks, counts, retention  # noqa: F401

        # Every app's count sources (tuoyu/<app>/counts.py), for the indicators (tuoyu/core/counts.py).
        counts.autodiscover()
