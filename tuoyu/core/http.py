"""Who is asking: the client's address, correct behind the deployment's reverse proxies.

Behind nginx every request's REMOTE_ADDR is the proxy's own address, so a limit per address would be
one limit for the whole district. TUOYU_TRUSTED_PROXIES says how many proxies of ours stand in front:
each appends the address it received the request from to X-Forwarded-For, so the client is the entry
that many places from the right. Entries further left were written by the client and prove nothing.
"""

from xml.etree import ElementTree

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme

from .text import xml_safe


def client_ip(request: HttpRequest) -> str:
    proxies = int(getattr(settings, "TUOYU_TRUSTED_PROXIES", 0) or 0)
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < proxies:
        # Fewer hops than configured: the request did not come through all our proxies.
        return remote
    return forwarded[-proxies]


def query_without_page(request: HttpRequest) -> str:
    """The request's filters as a query string without `page`: what a pager and an Excel link carry."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def open311_error(request: HttpRequest, *, status: int, description: str) -> HttpResponse:
    """GeoReport v2's error list for what core's middleware refuses under /open311/ (a body too large, a
    control character) before feedback's Open311 views, which render the same shape, ever run: XML when
    the path asks for .xml, JSON otherwise."""
    if request.path.endswith(".xml"):
        errors = ElementTree.Element("errors")
        error = ElementTree.SubElement(errors, "error")
        ElementTree.SubElement(error, "code").text = str(status)
        ElementTree.SubElement(error, "description").text = xml_safe(description)
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(errors, encoding="unicode")
        return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(
        [{"code": status, "description": description}],
        safe=False,
        status=status,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )


def safe_next(request: HttpRequest, default: str = "") -> str:
    """Where to go back to: the `next` a page passed (posted, or in the query), only if it is a page of
    this site, so a link cannot send someone on to another site after signing in; else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
