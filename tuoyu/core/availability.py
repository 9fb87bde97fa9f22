"""A database outage answers 503 at once, in the site's layout (JSON under /api/), instead of a bare 500
after minutes: config/env.py gives the connection pool a timeout of a few seconds, and the 500 handler
below recognises the errors it ends in."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

try:  # PostgreSQL only; Django wraps what it raises in its own OperationalError, this is a second net
    import psycopg
    from psycopg_pool import PoolTimeout
except ImportError:  # pragma: no cover - SQLite-only installations
    _DRIVER_ERRORS: tuple[type[BaseException], ...] = ()
else:
    _DRIVER_ERRORS = (psycopg.OperationalError, PoolTimeout)

# Connection lost, refused or timed out. Not every DatabaseError: an IntegrityError is our bug, a 500.
DATABASE_DOWN = (OperationalError, InterfaceError, *_DRIVER_ERRORS)

RETRY_AFTER_SECONDS = 30


def database_is_down(exc: BaseException | None) -> bool:
    # SQLite's "database is locked" is an OperationalError too: load, not an outage, but the answer a
    # visitor needs is the same, try again shortly.
    return isinstance(exc, DATABASE_DOWN)


def service_unavailable(request) -> HttpResponse:
    """The 503 answer. Rendered without the request's context processors: they read the signed-in user,
    which needs the database that is down."""
    message = _("The system is busy. Please try again later.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message, "message": message}, status=503)
    else:
        context = {
            "request": request,
            "LANGUAGE_CODE": get_language(),
            "large_text": getattr(request, "large_text", False),
            "TUOYU_DEMO": settings.TUOYU_DEMO,
            "message": message,
        }
        response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request, template_name: str = "500.html") -> HttpResponse:
    """handler500: an outage is a 503 (come back soon), anything else the usual 500."""
    if database_is_down(sys.exc_info()[1]):
        return service_unavailable(request)
    from .api import server_error as api_server_error

    return api_server_error(request, template_name=template_name)
