"""Control characters are refused at the edge, before any view can store them.

A \\x01 sent through Open311 was stored in a complaint and made requests.xml unreadable for every
client, because XML 1.0 cannot hold it. Nobody types these characters on purpose (they come from
copying out of other programs, or from a client's bug), so every text a request carries is checked
once, here, rather than in each form and serializer: query-string values, form fields (not the files'
contents) and the strings of a JSON body. The answer is a 400 in the shape the caller reads: Open311's
error list on /open311/, the API's {"detail", "message"} on /api/, a page in the site's layout elsewhere.
Text stored before this check, or written outside requests, is made safe at output by text.xml_safe.
"""

import json
from itertools import chain

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

from .http import open311_error
from .text import has_control_characters

JSON_TYPES = ("application/json",)


def _strings(value, path: str):
    """(where, text) for every key and string in a parsed JSON document, where as a.b.0 for nesting."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            yield where, str(key)
            yield from _strings(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}" if path else str(index))


def _form_texts(data):
    for key, values in data.lists():
        yield key, key
        for value in values:
            yield key, value


def _body_texts(request):
    content_type = request.content_type or ""
    if content_type in JSON_TYPES or content_type.endswith("+json"):
        try:
            document = json.loads(request.body)
        except ValueError:  # not JSON, or not UTF-8: the view's parser answers that in its own words
            return
        yield from _strings(document, "")
    elif request.method == "POST":
        # The same parse CSRF's check makes a moment later; Django keeps the result for the view.
        yield from _form_texts(request.POST)


def refused_field(request) -> str | None:
    """The name of the first field holding a refused character, or None when the request is clean."""
    try:
        for where, text in chain(_form_texts(request.GET), _body_texts(request)):
            if has_control_characters(text):
                return where or "body"
    except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError, SuspiciousOperation, RecursionError):
        # Too big, too deep or malformed: the view meets the same error when it reads the body, and
        # answers it in its own words.
        return None
    return None


class ControlCharactersMiddleware:
    """Answers 400, and lets nothing reach a view, when a request's text holds a control character."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = refused_field(request)
        if field is None:
            return self.get_response(request)
        # The field's name helps the developer of a client; a person gets the page below.
        message = _(
            "%(field)s contains a control character, which text may not hold. "
            "Nothing was saved; remove it and send again."
        ) % {"field": field}
        if request.path.startswith("/open311/"):
            return open311_error(request, status=400, description=message)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "message": message}, status=400)
        return render(request, "core/control_characters.html", status=400)
