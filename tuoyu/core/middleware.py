import logging

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.core.exceptions import PermissionDenied

from .access import access_of
from .api import not_signed_in_response

logger = logging.getLogger(__name__)

LARGE_TEXT_COOKIE = "tuoyu_large_text"


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """The default deny: every request meets its view's access declaration (tuoyu/core/access.py) here,
    per HTTP method, before the view runs. Anonymous callers of a non-public method are sent to sign in
    (programs get a JSON 401); a signed-in caller whose role the declaration does not name gets a 403; a
    view that declares nothing is refused to everyone, so a forgotten declaration fails closed."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        access = access_of(view_func)
        if access is None:
            match = getattr(request, "resolver_match", None)
            if match is not None and "admin" in match.namespaces:
                # Django's admin guards its own views (staff and sys_admin only, see core.admin).
                return super().process_view(request, view_func, view_args, view_kwargs)
            logger.error("Refused %s %s: its view declares no access", request.method, request.path)
            request.tuoyu_refused_by_declaration = True
            raise PermissionDenied
        if access.is_public_for(request.method):
            return None
        if not request.user.is_authenticated:
            return self.handle_no_permission(request, view_func)
        if not access.admits(request.user, request.method):
            request.tuoyu_refused_by_declaration = True
            raise PermissionDenied
        return None

    def handle_no_permission(self, request, view_func):
        if request.path.startswith("/api/"):
            return not_signed_in_response()
        return super().handle_no_permission(request, view_func)


class DisplayPreferencesMiddleware:
    """Large-text mode for grandparents: a cookie, so it works without JavaScript and without an account."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.large_text = request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"
        return self.get_response(request)
