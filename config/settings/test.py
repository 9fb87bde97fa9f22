"""The suite: SQLite by default, PostgreSQL when DATABASE_URL points at it (.ci/run runs both)."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
TUOYU_SMS_BACKEND = "tuoyu.core.notifications.OutboxOnlySmsBackend"
# Serve static files from the finders (no collectstatic needed before a test run).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
