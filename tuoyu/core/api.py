"""API conventions shared by every app: one error shape, one pagination rule, one parser, one realm.

Everything under /api/ answers JSON, including what Django answers before a view runs (an unknown
path, a server error): the handlers at the bottom are config.urls' handler400/403/404/500. Every error
body is `{"detail" or "errors": ..., "message": ...}`, where `message` is one sentence a client shows.

Status codes (docs/architecture.md): 400 the request's input is invalid, 401 not signed in, 403 the role
or relation may not, 404 no such thing that you may see, 409 the object's current state does not allow
the action, 413 the body is too large, 415 the body is not JSON.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import EmptyPage, Page
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework import exceptions, pagination, parsers
from rest_framework.authentication import SessionAuthentication as DRFSessionAuthentication
from rest_framework.settings import api_settings

from . import limits

# Deeper than any body of ours (a filing's `data` is three levels) yet far from Python's recursion
# limit, which json.loads, serializers and JSONField's copying all hit long before 10,000 levels.
MAX_JSON_DEPTH = 32
MAX_PAGE = limits.MAX_PAGE
MAX_PAGE_SIZE = limits.MAX_PAGE_SIZE
AUTHENTICATE_HEADER = 'Session realm="api"'

# Service errors whose code says the object's current state refuses the action (409), not the input
# (400): the workflow's transition table, a status guard, an offer that lapsed, places that ran out,
# an application already in progress or a duplicate of one.
CONFLICT_CODES = frozenset({"status", "transition", "expired", "no_place", "open", "duplicate", "full"})


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = gettext_lazy("This cannot be done in the record's current state.")
    default_code = "conflict"


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = gettext_lazy("The request is too large.")
    default_code = "too_large"


def is_api(request) -> bool:
    return request.path.startswith("/api/")


# --- authentication --------------------------------------------------------------------------------


class SessionAuthentication(DRFSessionAuthentication):
    """DRF's session authentication, naming itself in `WWW-Authenticate` so that an anonymous request is
    a 401 (RFC 9110 requires the header) and not the 403 DRF gives when a scheme names no header."""

    def authenticate_header(self, request) -> str:
        return AUTHENTICATE_HEADER


def not_signed_in_response() -> JsonResponse:
    """The 401 of LoginRequiredMiddleware, which answers before DRF sees the request."""
    message = _("Please sign in first.")
    response = JsonResponse({"detail": message, "message": message}, status=401)
    response["WWW-Authenticate"] = AUTHENTICATE_HEADER
    return response


# --- parsing -------------------------------------------------------------------------------------


def _depth_exceeds(value, limit: int) -> bool:
    """Walks without recursion, so the check itself cannot overflow the stack."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a size and a depth limit: both were 500s (a body nested 10,000 levels
    overflows json.loads; DRF reads the stream without Django's DATA_UPLOAD_MAX_MEMORY_SIZE check)."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request is not None and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise RequestTooLarge
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from exc
        if _depth_exceeds(data, MAX_JSON_DEPTH):
            raise exceptions.ParseError(_("The JSON is nested too deeply."))
        return data


# --- pagination ----------------------------------------------------------------------------------


class _PastTheEnd(Page):
    """An empty page after the last, as the institution search answers: not an error, nothing more."""

    def has_next(self) -> bool:
        return False

    def has_previous(self) -> bool:
        return True

    def previous_page_number(self) -> int:
        return self.paginator.num_pages


class PageNumberPagination(pagination.PageNumberPagination):
    """One rule for every list: `page` 1–10,000 and `page_size` 1–100, or a 400 naming the parameter.

    DRF's own class quietly ignores a bad page size and answers a bad page number with a 404.
    """

    page_size = limits.PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def _number(self, request, name: str, *, default: int, maximum: int) -> int:
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if not 1 <= value <= maximum:
            raise exceptions.ValidationError(
                {name: [_("Give a whole number from 1 to %(max)s.") % {"max": maximum}]}
            )
        return value

    def get_page_size(self, request) -> int:
        return self._number(
            request, self.page_size_query_param, default=self.page_size, maximum=MAX_PAGE_SIZE
        )

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        number = self._number(request, self.page_query_param, default=1, maximum=MAX_PAGE)
        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = paginator.page(number)
        except EmptyPage:
            self.page = _PastTheEnd([], number, paginator)
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
        return parameters


# --- errors --------------------------------------------------------------------------------------


def _shaped(data) -> dict:
    """`message` beside DRF's `detail`, or the field errors under `errors` with the first as `message`."""
    if isinstance(data, list):
        data = {api_settings.NON_FIELD_ERRORS_KEY: data}
    if not isinstance(data, dict):
        return {"detail": str(data), "message": str(data)}
    detail = data.get("detail")
    if detail is not None:
        return {**data, "message": str(detail)}
    first = next(iter(data.values()), "")
    while isinstance(first, dict):  # errors of a nested object: show its first message
        first = next(iter(first.values()), "")
    return {"message": str(first[0] if isinstance(first, list) and first else first), "errors": data}


def exception_handler(exc, context):
    """DRF's handler, plus a top-level `message` a client can show as it is."""
    # Imported here: rest_framework.views reads DEFAULT_AUTHENTICATION_CLASSES and DEFAULT_PARSER_CLASSES,
    # which live in this module, while it is being imported.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = _shaped(response.data)
    return response


def _json_error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message, "message": message}, status=status)


def bad_request(request, exception, template_name="400.html"):
    if isinstance(exception, RequestDataTooBig) and is_api(request):
        return _json_error(413, str(RequestTooLarge.default_detail))
    if is_api(request):
        return _json_error(400, _("The request could not be understood."))
    return defaults.bad_request(request, exception, template_name=template_name)


def permission_denied(request, exception, template_name="403.html"):
    if is_api(request):
        return _json_error(403, _("You do not have permission to do this."))
    return defaults.permission_denied(request, exception, template_name=template_name)


def page_not_found(request, exception, template_name="404.html"):
    if is_api(request):
        return _json_error(404, _("Not found."))
    return defaults.page_not_found(request, exception, template_name=template_name)


def server_error(request, template_name="500.html"):
    if is_api(request):
        return _json_error(500, _("Something went wrong on our side. Please try again later."))
    return defaults.server_error(request, template_name=template_name)
