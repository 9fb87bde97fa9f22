"""How Open311 answers look: JSON or XML in the spec's shapes, the spec's error format for every failure
(a database out of reach is a 503 to retry, anything unexpected a 500, never the site's HTML page), and
read-only CORS on every GET."""

import logging
from xml.etree import ElementTree

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from tuoyu.core.text import xml_safe

logger = logging.getLogger("tuoyu.feedback.open311")

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# The XML element of each item of a list, by the list's own element (the spec's ⇊ and ↴).
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
# Reading is open to any web page (a map of cases, a newspaper's chart): no cookies, no credentials,
# so a page cannot act as a signed-in user. Filing is not: a browser must not POST with a key it holds.
CORS_READ = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language",
    "Access-Control-Max-Age": "86400",
}


class Open311Error(Exception):
    """An answer in the spec's error format: [{code, description}], with the same HTTP status."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = descriptions


def _xml_value(element: ElementTree.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_value(ElementTree.SubElement(element, key), item)
    elif isinstance(value, list):
        for item in value:
            _xml_value(ElementTree.SubElement(element, ITEM_TAGS[element.tag]), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = xml_safe(str(value))  # a stored control character must not break the document


def _render(data, fmt: str, root: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        element = ElementTree.Element(root)
        _xml_value(element, data)
        body = ElementTree.tostring(element, encoding="unicode")
        return HttpResponse(
            '<?xml version="1.0" encoding="utf-8"?>\n' + body, content_type=FORMATS["xml"], status=status
        )
    return JsonResponse(
        data,
        safe=False,
        status=status,
        content_type=FORMATS["json"],
        json_dumps_params={"ensure_ascii": False},
    )


def _set_headers(response: HttpResponse, headers: dict[str, str]) -> None:
    for name, value in headers.items():
        response[name] = value


def _error_response(error: Open311Error, fmt: str) -> HttpResponse:
    errors = [{"code": error.status, "description": d} for d in error.descriptions]
    return _render(errors, fmt, "errors", status=error.status)


def _answer(request, fmt: str, methods: tuple[str, ...], run) -> HttpResponse:
    """run() in the spec's error format whatever goes wrong, with read-only CORS on every GET answer."""
    if request.method == "OPTIONS":
        # A browser's preflight: reading is allowed from any origin, filing from none.
        response = HttpResponse(status=204)
        _set_headers(response, CORS_READ)
        response["Allow"] = ", ".join((*methods, "OPTIONS"))
        return response
    try:
        if request.method not in methods:
            raise Open311Error(
                405, _("This resource does not accept %(method)s.") % {"method": request.method}
            )
        response = run()
    except Open311Error as error:
        response = _error_response(error, fmt)
        if error.status == 405:
            response["Allow"] = ", ".join((*methods, "OPTIONS"))
    except (OperationalError, InterfaceError):
        # The database is out of reach: a client should retry, not give up on the request.
        logger.exception("Open311 %s %s: database unavailable", request.method, request.path)
        response = _error_response(
            Open311Error(503, _("The service is unavailable for a moment. Please try again in a minute.")),
            fmt,
        )
        response["Retry-After"] = "60"
    except Exception:
        # Still the spec's format, never the site's HTML page; the details go to the log only.
        logger.exception("Open311 %s %s failed", request.method, request.path)
        response = _error_response(
            Open311Error(500, _("Something went wrong on our side. Please try again later.")), fmt
        )
    if request.method == "GET":
        _set_headers(response, CORS_READ)
    return response


def _format_of_path(path: str) -> str:
    return "xml" if path.lower().rstrip("/").endswith(".xml") else "json"
