"""Walks every URL the project serves and proves each is public on purpose or needs a role.

A new route fails this test until it is either listed in PUBLIC_ROUTES (and marked @public) or
declares its roles (tuoyu/core/access.py); the declaration is then exercised with every method and
every role, and a view that declares nothing is refused at runtime.
"""

import re

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path

from tuoyu.accounts.models import Role
from tuoyu.core.access import ANY_SIGNED_IN, ANYONE, access_of, is_public, roles_of

PUBLIC_ROUTES = {
    "institutions:home",
    "institutions:search",
    "institutions:compare",
    "institutions:detail",
    "institutions:photo",
    "core:healthz",
    "core:readyz",
    "core:large_text",
    "accounts:login",
    "accounts:phone_login",
    "accounts:logout",
    "set_language",
    "favicon",
    "api:regions",
    "api:institutions",
    "api:institution",
    "api:notices",
    "api:receipt",
    "schema",
    "api-docs",
    "admin:login",
    "filings:register",
    "filings:verify",
    "filings:verify_code",
    "filings:notices",
    "filings:notices_rss",
    "filings:notices_atom",
    "filings:notices_export",
    "api:visit_slots",
    "feedback:report",
    "feedback:report_done",
    "feedback:report_place",
    "feedback:track",
    "feedback:track_detail",
    "feedback:track_add",
    "feedback:track_rate",
    "feedback:track_photo",
    "feedback:statistics",
    "feedback:statistics_export",
    "feedback:institution_reviews",
    "inspections:results",
    "inspections:result",
    "api:draw",
    "api:draw_verify",
    "api:inspection_results",
    "api:inspection_result",
    "inspections:draw",
    "inspections:draw_json",
    "inspections:draw_rerun",
    "inspections:draw_method",
    "inspections:draw_script",
    "open311:services",
    "open311:requests",
    "open311:request",
    "open311:discovery",
    "open311:service",
    "open311:token",
    "open311:not_found",
    "subsidies:public",
    "api:subsidies-public",
    "open311_not_found",
    "grading:public",
    "grading:demonstration_units",
    "api:grades",
    "api:grade",
    "api:demonstration_units",
}

# Routes whose only purpose is a POST; a GET answers 405 and that is fine.
POST_ONLY = {
    "core:large_text",
    "set_language",
    "accounts:logout",
    "feedback:track_add",
    "feedback:track_rate",
}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield (
                prefix + str(entry.pattern),
                (f"{namespace}{entry.name}" if entry.name else None),
                entry.callback,
            )


def all_routes():
    return list(_walk(get_resolver().url_patterns))


def _concrete(route: str, sample_id: int, samples: dict[str, str] | None = None) -> str | None:
    """Fill converters with a sample value (a string parameter from `samples` by its name, else "x");
    skip admin's regex catch-alls, covered by the admin checks."""
    if route.startswith("^") or "(?P<" in route:
        return None
    samples = samples or {}
    path = re.sub(r"<int:\w+>", str(sample_id), route)
    path = re.sub(r"<(?:str|slug|path):(\w+)>", lambda m: samples.get(m.group(1), "x"), path)
    path = re.sub(r"<\w+>", "x", path)
    return "/" + path.lstrip("^").rstrip("$")


def test_every_public_route_is_on_the_allowlist_and_nothing_else_is_public():
    public = {name for _, name, view in all_routes() if name and is_public(view)}
    public |= {
        name for _, name, view in all_routes() if name and getattr(view, "login_required", True) is False
    }
    assert public == PUBLIC_ROUTES


def test_every_non_public_route_declares_its_roles_or_is_the_admin():
    missing = [
        name or route
        for route, name, view in all_routes()
        if name not in PUBLIC_ROUTES and not route.startswith("admin/") and roles_of(view) is None
    ]
    assert missing == []


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_on_every_non_public_route(client, make_institution):
    institution = make_institution()
    checked = 0
    for route, name, _view in all_routes():
        url = _concrete(route, institution.pk)
        if url is None:
            continue
        response = client.get(url)
        if name in PUBLIC_ROUTES:
            # Public means nobody is asked to sign in; a sample id or code may simply not exist (404).
            expected = {302, 405} if name in POST_ONLY else {200, 302, 404}
            assert response.status_code in expected, (url, response.status_code)
            assert "/accounts/login/" not in response.get("Location", ""), url
        elif url.startswith("/api/"):
            assert response.status_code == 401, url
        else:
            assert response.status_code == 302, url
            assert "/accounts/login/" in response["Location"] or "/admin/login/" in response["Location"], url
        checked += 1
    assert checked >= len(PUBLIC_ROUTES)


METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")


@pytest.mark.django_db
def test_every_route_answers_every_method_for_every_role_as_it_declares(make_institution, kaizhou):
    """Each declared route × each HTTP method × each role: a role the declaration does not admit for that
    method is refused by the middleware (403) before the view runs; an admitted one reaches the view,
    which may still refuse the object (403/404) or the method (405), but never fails (5xx)."""
    from tuoyu.accounts.models import User
    from tuoyu.core.testing import StaffVerifiedClient
    from tuoyu.regions.models import Department, Unit

    institution = make_institution()
    clients = {}
    for role in Role.values:
        extra = {}
        if role == Role.DEPARTMENT_OFFICER:
            extra["department"] = Department.objects.get(code="KZ-SCJG")
        if role == Role.STREET_OFFICER:
            extra["unit"] = Unit.objects.get(name="汉丰街道")
        user = User.objects.create_user(username=f"m-{role}", password="x-long-password", role=role, **extra)
        client = StaffVerifiedClient()
        client.force_login(user)
        clients[role] = client
    refused = admitted = 0
    roles_in_turn = list(clients)
    for index, (route, _name, view) in enumerate(all_routes()):
        access = access_of(view)
        url = _concrete(route, institution.pk)
        if access is None or url is None or ANYONE in access.read and ANYONE in access.write:
            continue
        # GET and POST are asked as every role. HEAD and OPTIONS are decided as reads, PUT, PATCH and DELETE
        # as writes, by the same declaration: each is asked as the first admitted and the first refused
        # role in an order that turns with every route, so over the walk every role meets every method,
        # and the walk stays near a minute on 2 cores.
        turn = roles_in_turn[index % len(roles_in_turn) :] + roles_in_turn[: index % len(roles_in_turn)]
        for method in METHODS:
            # The expectation is spelled here, not asked of Access, so a fault in Access shows.
            roles = access.read if method in ("GET", "HEAD", "OPTIONS") else access.write
            asked = set()
            for role in turn:
                may = ANYONE in roles or ANY_SIGNED_IN in roles or role in roles
                if method not in ("GET", "POST") and may in asked:
                    continue
                asked.add(may)
                response = clients[role].generic(method, url)
                by_declaration = getattr(response.wsgi_request, "tuoyu_refused_by_declaration", False)
                if may:
                    assert not by_declaration and response.status_code < 500, (method, url, role)
                    # A GET by an admitted role is never refused: objects it may not see are a 404.
                    assert method != "GET" or response.status_code != 403, (url, role)
                    admitted += 1
                else:
                    assert by_declaration and response.status_code == 403, (
                        method,
                        url,
                        role,
                        response.status_code,
                    )
                    refused += 1
    assert refused > 1000 and admitted > 100, (refused, admitted)


def _undeclared_view(request):
    from django.http import HttpResponse

    return HttpResponse("should never be seen")


# The project's routes plus one view that declares nothing (as a forgotten decorator would leave it).
urlpatterns = [path("undeclared/", _undeclared_view, name="undeclared"), path("", include("config.urls"))]
handler403 = "tuoyu.core.api.permission_denied"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_view_that_declares_nothing_is_refused_to_everyone_at_runtime(client, reviewer, sys_admin, family):
    for user in (reviewer, sys_admin, family):
        client.force_login(user)
        for method in ("GET", "POST"):
            response = client.generic(method, "/undeclared/")
            assert response.status_code == 403 and b"should never be seen" not in response.content


@pytest.mark.django_db
def test_the_admin_is_only_for_system_administrators(client, sys_admin, reviewer, family):
    client.force_login(family)
    assert client.get("/admin/").status_code == 302
    client.force_login(reviewer)
    assert client.get("/admin/").status_code == 302
    client.force_login(sys_admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/institutions/institution/").status_code == 200
