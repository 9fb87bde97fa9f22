"""Operations: errors reach the log, a database outage answers 503 at once, /readyz checks the database."""

import io
import logging
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.test import Client
from django.urls import include, path

from config.env import database_from_env
from tuoyu.core.access import public

pytestmark = pytest.mark.django_db


@public
def _broken(request):
    raise RuntimeError("a bug in a view")


@public
def _forbidden(request):
    raise PermissionDenied


# The site's routes too: the error pages link to them.
urlpatterns = [path("broken/", _broken), path("forbidden/", _forbidden), path("", include("config.urls"))]


@pytest.fixture
def request_log():
    """What the configured django.request handler writes (stderr in a deployment)."""
    # pytest adds handlers of its own; ours are the plain StreamHandlers from LOGGING.
    handlers = [h for h in logging.getLogger("django.request").handlers if type(h) is logging.StreamHandler]
    assert handlers, "LOGGING must give django.request a handler of its own"
    stream = io.StringIO()
    previous = [handler.setStream(stream) for handler in handlers]
    yield stream
    for handler, old in zip(handlers, previous, strict=True):
        handler.setStream(old)


@pytest.fixture
def database_down():
    error = OperationalError("connection to server at 10.0.0.5 failed: timeout expired")
    with (
        mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=error),
        mock.patch("django.db.backends.utils.CursorWrapper.executemany", side_effect=error),
    ):
        yield


@pytest.mark.urls("tuoyu.core.tests.test_ops")
def test_a_server_error_is_logged_with_its_traceback(request_log):
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    log = request_log.getvalue()
    assert "ERROR django.request Internal Server Error: /broken/" in log
    assert "Traceback" in log and "RuntimeError: a bug in a view" in log


@pytest.mark.urls("tuoyu.core.tests.test_ops")
def test_a_refused_permission_is_logged_as_one_line_without_a_traceback(request_log):
    response = Client().get("/forbidden/")
    assert response.status_code == 403
    log = request_log.getvalue()
    assert "WARNING django.request Forbidden (Permission denied): /forbidden/" in log
    assert "Traceback" not in log


def test_a_page_answers_503_in_the_sites_layout_when_the_database_is_down(kaizhou, database_down):
    response = Client(raise_request_exception=False).get("/institutions/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 503 and response["Retry-After"]
    page = response.content.decode()
    assert "系统繁忙，请稍后再试" in page
    assert 'class="brand"' in page  # base.html's header: the site's layout, not a bare error


def test_the_api_answers_503_json_when_the_database_is_down(kaizhou, database_down):
    response = Client(raise_request_exception=False).get("/api/v1/institutions/")
    assert response.status_code == 503
    assert response.json()["detail"]


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json() == {"database": "ok"}


def test_readyz_answers_503_when_the_database_is_down(database_down):
    response = Client(raise_request_exception=False).get("/readyz")
    assert response.status_code == 503 and response.json() == {"database": "unavailable"}


def test_healthz_stays_trivial_when_the_database_is_down(database_down, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200


def test_postgresql_waits_seconds_not_minutes_for_a_connection(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://tuoyu@db.internal:5432/tuoyu")
    monkeypatch.delenv("DB_POOL_TIMEOUT", raising=False)
    monkeypatch.delenv("DB_CONNECT_TIMEOUT", raising=False)
    config = database_from_env(tmp_path / "unused.sqlite3")
    assert config["OPTIONS"]["pool"]["timeout"] <= 5
    assert config["OPTIONS"]["connect_timeout"] <= 3
    assert config["CONN_MAX_AGE"] == 0  # Django's pool refuses persistent connections
