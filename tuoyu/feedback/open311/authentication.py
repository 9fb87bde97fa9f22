"""Who is asking: the district this endpoint serves (jurisdiction_id) and the client whose api_key came
with a request. Reading needs no key; filing needs an active Open311Client's key. A POST is authenticated
by its key, never by a session, so the views are CSRF-exempt."""

import hashlib
from functools import wraps

from django.conf import settings
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from tuoyu.core.access import public

from ..models import Open311Client
from .renderers import FORMATS, Open311Error, _answer


def _param(request, name: str) -> str:
    """A parameter of a GET's query string, or of a POST's body and then its query string: widely used
    clients send the api_key (and sometimes jurisdiction_id) in the URL of a POST."""
    value = request.POST.get(name) if request.method == "POST" else None
    if not value:
        value = request.GET.get(name)
    return (value or "").strip()


def jurisdiction_id() -> str:
    """One endpoint, one district: the configured id, by default the district's area code."""
    return getattr(settings, "TUOYU_OPEN311_JURISDICTION_ID", "") or settings.TUOYU_AREA_CODE


def _check_jurisdiction(request) -> None:
    # Optional for a single-jurisdiction endpoint; an empty value counts as absent (spec, "Optional").
    given = _param(request, "jurisdiction_id")
    if given and given != jurisdiction_id():
        raise Open311Error(
            404,
            _("jurisdiction_id %(given)s was not found; this endpoint serves %(ours)s only.")
            % {"given": given, "ours": jurisdiction_id()},
        )


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _client(request, *, required: bool) -> Open311Client | None:
    """The client whose api_key came with the request. A wrong key is refused rather than read as
    anonymous, so that a client with a revoked key finds out at once."""
    key = _param(request, "api_key")
    if not key:
        if required:
            raise Open311Error(403, _("api_key was not provided; a key is needed to file a request."))
        return None
    client = Open311Client.objects.filter(key_hash=key_hash(key), active=True).first()
    if client is None:
        raise Open311Error(403, _("Invalid api_key received; it is unknown or has been revoked."))
    return client


def open311_view(*methods: str):
    """A public, CSRF-exempt Open311 view that answers every failure in the spec's error format.
    A POST is authenticated by its api_key, not by a session, so CSRF does not apply."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, fmt: str, **kwargs):
            shown = fmt if fmt in FORMATS else "json"

            def run():
                if fmt not in FORMATS:
                    # The spec: 404 for a resource that does not exist; requests.html is one.
                    raise Open311Error(
                        404, _("Unknown format %(format)s: use json or xml.") % {"format": fmt}
                    )
                _check_jurisdiction(request)
                return view(request, *args, fmt=fmt, **kwargs)

            return _answer(request, shown, methods, run)

        return public(csrf_exempt(wrapped))

    return decorator
