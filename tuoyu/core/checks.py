"""System checks of this deployment's own configuration (run by runserver, `manage.py check` and every
management command that runs checks; gunicorn's start-up runs the same test in config/wsgi.py)."""

from django.core.checks import Error, register

from tuoyu.core import crypto

KEYS_TAG = "tuoyu_keys"


@register(KEYS_TAG)
def check_field_keys(app_configs=None, **kwargs) -> list[Error]:
    # Not a "deploy" check: the development server must refuse wrong keys just as loudly.
    return [
        Error(
            problem,
            hint="See 'Keys' in docs/deploy.md.",
            id="tuoyu.E001",
        )
        for problem in crypto.check_keys()
    ]
