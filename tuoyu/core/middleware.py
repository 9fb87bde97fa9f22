from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware

from .access import is_public
from .api import not_signed_in_response

LARGE_TEXT_COOKIE = "tuoyu_large_text"


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's default-deny middleware, answering programs with JSON 401 instead of a login redirect."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_public(view_func):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

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
