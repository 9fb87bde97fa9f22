"""Settings shared by development, test and production."""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, database_from_env, env_bool, env_int, env_list, env_str

SECRET_KEY = env_str("SECRET_KEY", "dev-insecure-key-only-for-local-use-never-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "auditlog",
    "axes",
    # Staff second factor: TOTP devices and one-time recovery codes, with their own tables.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "tuoyu.core",
    "tuoyu.accounts",
    "tuoyu.regions",
    "tuoyu.institutions",
    "tuoyu.filings",
    "tuoyu.bookings",
    "tuoyu.feedback",
    "tuoyu.inspections",
    "tuoyu.grading",
    "tuoyu.workforce",
    "tuoyu.health",
    "tuoyu.subsidies",
    "tuoyu.workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (CSRF reads POST): refuses an over-limit Content-Length with 413.
    "tuoyu.core.security.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Default-deny: every request meets its view's access declaration, per method (tuoyu/core/access.py).
    "tuoyu.core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff: idle timeout and the second factor before any page (needs OTPMiddleware and messages).
    "tuoyu.core.security.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # 400 for control characters in any text a request carries, before a view can store them; after
    # CSP so its refusal page has the policy header, after the 413 check so it never reads a huge body.
    "tuoyu.core.control_characters.ControlCharactersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "tuoyu.core.middleware.DisplayPreferencesMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tuoyu.core.context_processors.site",
                "tuoyu.accounts.context_processors.menu",
            ],
        },
    }
]

DATABASES = {"default": database_from_env(BASE_DIR / "var" / "tuoyu.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "tuoyu.accounts.backends.PhoneCodeBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # 10 characters for institution accounts, 12 for staff and any account an administrator creates.
    {
        "NAME": "tuoyu.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10, "staff_min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:me"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages come from npm (package.json + lock) and are collected, never copied in.
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    # ECharts ships 51 MB of builds and maps: only the file the pages load is collected (TUOYU_VENDOR_FILES).
]
TUOYU_VENDOR_FILES = {
    "vendor/echarts/echarts.min.js": BASE_DIR / "node_modules" / "echarts" / "dist" / "echarts.min.js",
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "tuoyu.core.staticfinders.VendorFileFinder",
]
# Uploaded files (institution photos) are data, not code: production points this outside the checkout
# (docs/deploy.md: /var/lib/tuoyu/media) so an upgrade or a fresh clone never touches them.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"

REST_FRAMEWORK = {
    # Declares the error answers (400/401/403/404/409/413/415) of every operation: tuoyu/core/schema.py.
    "DEFAULT_SCHEMA_CLASS": "tuoyu.core.schema.AutoSchema",
    # Names itself in WWW-Authenticate, so anonymous requests are 401s (tuoyu/core/api.py).
    "DEFAULT_AUTHENTICATION_CLASSES": ["tuoyu.core.api.SessionAuthentication"],
    # JSON with a depth and size limit; forms stay accepted for simple clients but are not documented.
    "DEFAULT_PARSER_CLASSES": [
        "tuoyu.core.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "tuoyu.core.api.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "tuoyu.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "托育服务一件事 API",
    "DESCRIPTION": "Public register of filed childcare institutions for children under 3, and its regions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files: no CDN is reachable and the CSP allows only self.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema documents JSON bodies only: what clients and the Schemathesis run should send.
    "PARSER_WHITELIST": ["tuoyu.core.api.JSONParser"],
}

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours: a locked-out staff member waits 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# How many reverse proxies of ours stand in front (nginx: 1). Lockouts and rate limits count per client
# address, which behind a proxy is found in X-Forwarded-For (tuoyu/core/http.py), not REMOTE_ADDR.
TUOYU_TRUSTED_PROXIES = env_int("TUOYU_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "tuoyu.core.http.client_ip"
# The lockout page in the site's layout, translated, saying when to try again (status 429).
AXES_LOCKOUT_CALLABLE = "tuoyu.accounts.views_otp.lockout"

# Staff (government roles; also anyone with Django admin access): password + TOTP code, 30 minutes idle.
# Kept equal to tuoyu.accounts.models.GOVERNMENT_ROLES by a test; core reads roles from here.
TUOYU_STAFF_ROLES = [
    "hc_reviewer",
    "hc_admin",
    "hc_child_health",
    "guidance",
    "dept_officer",
    "street_officer",
    "sys_admin",
]
TUOYU_STAFF_IDLE_MINUTES = env_int("TUOYU_STAFF_IDLE_MINUTES", 30)
OTP_TOTP_ISSUER = "托育服务一件事"
# Wrong TOTP or recovery codes make the next try wait 1, 2, 4, ... seconds (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
TUOYU_RECOVERY_CODES = 10

# Request bodies: one 10 MB upload plus form fields; the complaint forms take up to 6 photos of 10 MB.
# nginx's client_max_body_size must be at least the largest of these (61m).
TUOYU_MAX_REQUEST_BYTES = env_int("TUOYU_MAX_REQUEST_BYTES", 11 * 1024 * 1024)
TUOYU_MAX_REQUEST_BYTES_BY_ROUTE = {
    "feedback:report": 61 * 1024 * 1024,
    "feedback:track_add": 61 * 1024 * 1024,
    # An inspector's save carries every photo taken on site for the checklist at once.
    "inspections:inspect": 61 * 1024 * 1024,
    "inspections:inspect_photo": 61 * 1024 * 1024,
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "connect-src": ["'self'"],
    }
}

AUDITLOG_INCLUDE_ALL_MODELS = False

# Everything to stderr (the process manager keeps it), in development too. django.request logs every 500
# with its traceback and every 4xx (403, 404) as one warning line; django.security logs refused CSRF
# tokens and bad hosts. Not propagated: Django's own "django" handlers would print them a second time.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"traceback_only_for_5xx": {"()": "tuoyu.core.logfilters.TracebackOnlyForServerErrors"}},
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "requests": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["traceback_only_for_5xx"],
        },
    },
    "loggers": {
        "tuoyu": {"handlers": ["console"], "level": "INFO"},
        "django.request": {"handlers": ["requests"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["requests"], "level": "WARNING", "propagate": False},
    },
}

# --- The platform's own configuration -------------------------------------------------------------
# Which configured area this deployment serves: the code of a root unit loaded by load_regions.
TUOYU_AREA_CODE = env_str("TUOYU_AREA_CODE", "500154")
# Open311 GeoReport v2 jurisdiction_id of this deployment; defaults to the area code.
TUOYU_OPEN311_JURISDICTION_ID = env_str("TUOYU_OPEN311_JURISDICTION_ID", TUOYU_AREA_CODE)
# Map tiles: the provider URL and its coordinate system. Chinese providers use GCJ-02; we store WGS-84.
TUOYU_MAP_TILES = env_str(
    "TUOYU_MAP_TILES",
    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
)
TUOYU_MAP_SUBDOMAINS = env_str("TUOYU_MAP_SUBDOMAINS", "1234")
TUOYU_MAP_CRS = env_str("TUOYU_MAP_CRS", "gcj02")  # "gcj02" or "wgs84"
TUOYU_MAP_ATTRIBUTION = env_str("TUOYU_MAP_ATTRIBUTION", "© 高德地图")
TUOYU_SMS_BACKEND = env_str("TUOYU_SMS_BACKEND", "tuoyu.core.notifications.ConsoleSmsBackend")
TUOYU_EMAIL_BACKEND = env_str("TUOYU_EMAIL_BACKEND", "tuoyu.core.notifications.DjangoEmailBackend")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@tuoyu.example")
# Field encryption keys for ID numbers (comma-separated, newest first); derived from SECRET_KEY if unset.
TUOYU_FIELD_KEYS = env_str("TUOYU_FIELD_KEYS", "")
TUOYU_DEMO = env_bool("TUOYU_DEMO", True)
# Filing numbers read 开州托备〔2025〕0012: the prefix is the district's own.
TUOYU_FILING_PREFIX = env_str("TUOYU_FILING_PREFIX", "开州托备")
TUOYU_ISSUER = env_str("TUOYU_ISSUER", "重庆市开州区卫生健康委员会")
# The education office receives kindergartens' semester reports of their 托班 (§14).
TUOYU_EDUCATION_DEPARTMENT_CODE = env_str("TUOYU_EDUCATION_DEPARTMENT_CODE", "KZ-JW")
# Finance approves subsidies and records their payment (§11 牵头单位: 区财政局).
TUOYU_FINANCE_DEPARTMENT_CODE = env_str("TUOYU_FINANCE_DEPARTMENT_CODE", "KZ-CZ")
# Uploaded materials live outside the web root and are served only after an access check.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
TUOYU_OTP_TTL_SECONDS = 300
TUOYU_OTP_MAX_PER_HOUR = 5
TUOYU_OTP_MAX_ATTEMPTS = 5
# Retention (manage.py purge_retention, daily): sent message bodies are blanked after this many days.
TUOYU_OUTBOX_RETENTION_DAYS = env_int("TUOYU_OUTBOX_RETENTION_DAYS", 30)
# Audit logs (changes, reads of personal data, sign-ins) are kept this long; at least 183 (网络安全法 §21).
TUOYU_AUDIT_RETENTION_DAYS = env_int("TUOYU_AUDIT_RETENTION_DAYS", 365)
