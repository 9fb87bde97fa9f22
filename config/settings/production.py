"""Production: everything secret or site-specific comes from the environment."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")  # no default: refuse to start without one
# No fallback to SECRET_KEY here: ID numbers encrypted under a key derived from it would become
# unreadable the day SECRET_KEY changes, so production names its field keys explicitly.
TUOYU_FIELD_KEYS = env_str("TUOYU_FIELD_KEYS", "")
if not TUOYU_FIELD_KEYS.strip():
    raise ImproperlyConfigured(
        "TUOYU_FIELD_KEYS is required in production: the keys that encrypt ID numbers and reporters' "
        "details (comma-separated, newest first). Generate one with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'` and keep it as safe as the "
        "database backups (docs/deploy.md, 'Keys')."
    )
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")  # noqa: F405
TUOYU_DEMO = env_bool("TUOYU_DEMO", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed (gzip + brotli) files with hashed names, cached for a year by WhiteNoise.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
