"""Request-level security rules: the request size limit, and staff sessions (idle timeout, second factor).

Core imports no app, so who counts as staff comes from settings (TUOYU_STAFF_ROLES) and the second-factor
pages are named by URL name only.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from .http import open311_error

# Routes an unverified staff user may still open: the second-factor pages themselves, signing out, and
# the display preferences of the layout those pages are drawn in.
OTP_EXEMPT_ROUTES = frozenset(
    {
        "accounts:otp_verify",
        "accounts:otp_setup",
        "accounts:logout",
        "set_language",
        "core:large_text",
        "core:healthz",
    }
)
# Rewritten on every staff request: one session write per request for a few dozen officials is cheap,
# and it keeps a page's query count the same from one request to the next (the list pages' tests pin it).
LAST_SEEN_SESSION_KEY = "tuoyu_last_seen"
# The last-seen stamp is rewritten at most once a minute: a page that loads five PDF frames at once would
# otherwise write the session six times concurrently (needless writes on PostgreSQL, "table is locked"
# and a 400 on SQLite's shared test database). A minute is nothing against a 30-minute limit.
LAST_SEEN_RESOLUTION_SECONDS = 60


def _wants_json(request) -> bool:
    return request.path.startswith(("/api/", "/open311/"))


def needs_second_factor(user) -> bool:
    """Government staff and anyone who can open the Django admin sign in with a password and a TOTP code.

    Families (SMS code) and institution accounts are not required to: they see only their own family's
    or institution's data, and a second factor would keep grandparents and small nurseries out.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        getattr(user, "role", None) in settings.TUOYU_STAFF_ROLES or user.is_staff or user.is_superuser
    )


def max_request_bytes(path_info: str) -> int:
    """The default limit, or a larger one for the few routes that take several files in one request."""
    try:
        name = resolve(path_info).view_name
    except Resolver404:
        return settings.TUOYU_MAX_REQUEST_BYTES
    return max(settings.TUOYU_MAX_REQUEST_BYTES, settings.TUOYU_MAX_REQUEST_BYTES_BY_ROUTE.get(name, 0))


class RequestSizeLimitMiddleware:
    """Refuse a body larger than the limit from its Content-Length, before anything reads it.

    Django would otherwise spool the whole upload to memory or disk before a form could refuse it.
    A body without Content-Length (chunked) is never read by Django under WSGI: it sees length 0.
    The reverse proxy (nginx `client_max_body_size`) should refuse the same bodies even earlier.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # Resolving costs a little, so it is done only for bodies over the default limit.
        if length > settings.TUOYU_MAX_REQUEST_BYTES:
            limit = max_request_bytes(request.path_info)
            if length > limit:
                return self.too_large(request, limit)
        return self.get_response(request)

    @staticmethod
    def too_large(request, limit: int) -> HttpResponse:
        megabytes = limit // (1024 * 1024)
        message = _("The request is too large. Files may be at most %(limit)s MB in total.") % {
            "limit": megabytes
        }
        if request.path.startswith("/open311/"):
            response = open311_error(request, status=413, description=message)
        elif _wants_json(request):
            response = JsonResponse({"detail": message, "message": message}, status=413)
        else:
            html = render_to_string(
                "core/request_too_large.html", {"message": message, "limit": megabytes}, request=request
            )
            response = HttpResponse(html, status=413)
        # No "Connection: close" here: WSGI forbids hop-by-hop headers (wsgiref raises). gunicorn's sync
        # workers close the connection after every response anyway, so the unread body is dropped.
        return response


class StaffSessionMiddleware:
    """Staff sessions end after TUOYU_STAFF_IDLE_MINUTES without a request, and staff must pass the second
    factor before any page but the second-factor pages. Installed after django_otp's OTPMiddleware (which
    sets request.user.is_verified) and after MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if needs_second_factor(user):
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
            idle_limit = settings.TUOYU_STAFF_IDLE_MINUTES * 60
            if last_seen is not None and now - last_seen > idle_limit:
                return self.expired(request)
            if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
                request.session[LAST_SEEN_SESSION_KEY] = now
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not needs_second_factor(user) or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OTP_EXEMPT_ROUTES:
            return None
        message = _("Please enter the code from your authenticator app first.")
        if _wants_json(request):
            return JsonResponse({"detail": message, "message": message}, status=403)
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:otp_verify')}?{query}")

    @staticmethod
    def expired(request):
        minutes = settings.TUOYU_STAFF_IDLE_MINUTES
        message = _(
            "For your safety you were signed out after %(minutes)s minutes without activity. "
            "Please sign in again."
        ) % {"minutes": minutes}
        next_path = request.get_full_path()
        logout(request)
        if _wants_json(request):
            from .api import AUTHENTICATE_HEADER  # api.py is imported by settings; keep it out of import time

            response = JsonResponse({"detail": message, "message": message}, status=401)
            response["WWW-Authenticate"] = AUTHENTICATE_HEADER
            return response
        messages.warning(request, message)
        query = urlencode({"next": next_path})
        return redirect(f"{reverse(settings.LOGIN_URL)}?{query}")
