"""Every answer under /api/ is JSON in one shape (`detail`, `message`), whatever goes wrong and wherever."""

import io
import json

import pytest
from django.test import RequestFactory, override_settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.exceptions import ParseError

from tuoyu.core.api import JSONParser, bad_request, page_not_found, permission_denied, server_error

pytestmark = pytest.mark.django_db

APPLICATIONS = "/api/v1/applications/"
CHILDREN = "/api/v1/children/"
FILINGS = "/api/v1/filings/"
NOTICES = "/api/v1/notices/"


def assert_api_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body.get("message"), str) and body["message"], body
    return body


# --- input that used to be a server error --------------------------------------------------------


@pytest.mark.parametrize("value", ["1e20", "12345678901234567890", "9223372036854775808", "1.5", "-1"])
def test_it_refuses_an_out_of_range_number_in_a_filter_with_a_400(client, family, value):
    client.force_login(family)
    body = assert_api_error(client.get(APPLICATIONS, {"institution": value}), 400)
    assert "institution" in body["errors"]


def test_it_still_filters_by_an_ordinary_number(client, family):
    client.force_login(family)
    response = client.get(APPLICATIONS, {"institution": "9223372036854775807"})
    assert response.status_code == 200 and response.json()["results"] == []


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_it_refuses_a_json_body_nested_ten_thousand_levels_deep_with_a_400(client, family):
    client.force_login(family)
    response = client.post(CHILDREN, deep(10_000), content_type="application/json")
    assert_api_error(response, 400)


@pytest.mark.parametrize("levels", [10_000, 500, 65])
def test_the_parser_refuses_deep_nesting_before_anything_walks_it(levels):
    body = deep(levels).encode()
    with pytest.raises(ParseError):
        JSONParser().parse(io.BytesIO(body), "application/json", {"request": None})


def test_the_parser_reads_ordinary_nesting():
    body = b'{"data": {"classes": [{"name": "a", "x": [[1]]}]}}'
    assert JSONParser().parse(io.BytesIO(body), "application/json", {})["data"]["classes"][0]["x"] == [[1]]


def test_a_malformed_json_body_is_a_400_in_the_api_shape(client, family):
    client.force_login(family)
    assert_api_error(client.post(CHILDREN, "{nope", content_type="application/json"), 400)


def test_a_body_of_an_unsupported_type_is_a_415_in_the_api_shape(client, family):
    client.force_login(family)
    assert_api_error(client.post(CHILDREN, "a,b", content_type="text/csv"), 415)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_over_limit_json_body_is_a_413_in_the_api_shape(client, family):
    client.force_login(family)
    body = '{"name": "' + "x" * 2000 + '"}'
    assert_api_error(client.post(CHILDREN, body, content_type="application/json"), 413)


# --- JSON everywhere under /api/ -----------------------------------------------------------------


def test_an_unknown_api_path_is_a_json_404(client, family):
    assert_api_error(client.get("/api/v1/no-such-thing/"), 404)
    client.force_login(family)
    assert_api_error(client.get("/api/v1/no-such-thing/"), 404)
    assert_api_error(client.get("/api/nothing"), 404)


def test_a_missing_object_is_a_json_404(client, family):
    client.force_login(family)
    assert_api_error(client.get(f"{CHILDREN}999999/"), 404)
    assert_api_error(client.get(f"{CHILDREN}99999999999999999999/"), 404)


def test_a_method_the_route_does_not_have_is_a_json_405(client, family):
    client.force_login(family)
    assert_api_error(client.delete(CHILDREN), 405)


@pytest.mark.parametrize(
    ("handler", "status"), [(bad_request, 400), (permission_denied, 403), (page_not_found, 404)]
)
def test_djangos_error_handlers_answer_json_under_api_and_the_sites_pages_elsewhere(handler, status):
    api = handler(RequestFactory().get("/api/v1/x/"), exception=Exception("x"))
    assert api.status_code == status and api["Content-Type"].startswith("application/json")
    assert json.loads(api.content)["message"]
    page = handler(RequestFactory().get("/somewhere/"), exception=Exception("x"))
    assert page.status_code == status and page["Content-Type"].startswith("text/html")


def test_a_server_error_under_api_is_json_and_elsewhere_the_sites_page():
    api = server_error(RequestFactory().get("/api/v1/children/"))
    assert api.status_code == 500 and api["Content-Type"].startswith("application/json")
    assert json.loads(api.content)["message"]
    page = server_error(RequestFactory().get("/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def test_an_anonymous_request_is_a_401_that_names_how_to_authenticate(client):
    response = client.get(APPLICATIONS)
    assert_api_error(response, 401)
    assert response["WWW-Authenticate"] == 'Session realm="api"'


def test_an_anonymous_write_to_a_public_list_is_a_401_not_a_403(client):
    response = client.post("/api/v1/institutions/1/visit-slots/", {}, content_type="application/json")
    assert_api_error(response, 401)
    assert response["WWW-Authenticate"] == 'Session realm="api"'


# --- one page-size rule for every list -----------------------------------------------------------


@pytest.mark.parametrize("path", [APPLICATIONS, FILINGS, NOTICES])
@pytest.mark.parametrize(
    "params",
    [
        {"page_size": "0"},
        {"page_size": "101"},
        {"page_size": "ten"},
        {"page_size": "1e20"},
        {"page": "0"},
        {"page": "first"},
        {"page": "99999999999999999999"},
    ],
)
def test_every_list_refuses_a_bad_page_or_page_size_with_a_400(client, operator, path, params):
    client.force_login(operator)
    body = assert_api_error(client.get(path, params), 400)
    assert set(body["errors"]) <= {"page", "page_size"}


@pytest.mark.parametrize("path", [APPLICATIONS, FILINGS, NOTICES])
def test_a_page_past_the_last_is_an_empty_page_like_the_institution_search(client, operator, path):
    client.force_login(operator)
    response = client.get(path, {"page": "7", "page_size": "100"})
    assert response.status_code == 200, response.content
    assert response.json()["results"] == [] and response.json()["next"] is None


# --- the schema tells the truth --------------------------------------------------------------------


def test_the_schema_declares_every_error_answer_the_api_gives():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            where = f"{method.upper()} {path}"
            assert "400" in codes, where
            if "{" in path:
                assert "404" in codes, where
            if method in ("post", "put", "patch"):
                assert {"401", "403", "409", "413", "415"} <= codes, where
    for method in ("get", "post"):
        assert {"401", "403"} <= set(paths["/api/v1/applications/"][method]["responses"])
    assert "401" not in paths["/api/v1/notices/"]["get"]["responses"]
    error = paths["/api/v1/notices/"]["get"]["responses"]["400"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}
