import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_the_health_endpoint_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_large_text_mode_is_a_button_that_works_without_javascript(client, kaizhou):
    assert 'class="large-text"' not in client.get("/").content.decode()
    response = client.post("/prefs/large-text/", {"next": "/institutions/"})
    assert response.status_code == 302 and response["Location"] == "/institutions/"
    assert 'class="large-text"' in client.get("/").content.decode()
    client.post("/prefs/large-text/", {"next": "/"})
    assert 'class="large-text"' not in client.get("/").content.decode()


def test_large_text_toggle_never_redirects_off_site(client):
    response = client.post("/prefs/large-text/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_pages_carry_a_content_security_policy(client, kaizhou):
    assert "script-src 'self'" in client.get("/").headers["Content-Security-Policy"]


def test_production_settings_pass_the_deployment_checks():
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-production-like-secret-" + "k" * 40,
        "TUOYU_FIELD_KEYS": "a-production-like-field-key-" + "f" * 40,
        "ALLOWED_HOSTS": "tuoyu.example.gov.cn",
        "DATABASE_URL": "sqlite:///" + str(settings.BASE_DIR / "var" / "deploy-check.sqlite3"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_an_unknown_page_says_so_in_chinese(client, kaizhou):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面" in response.content.decode() and 'lang="zh-hans"' in response.content.decode()


def test_a_wrong_role_gets_a_plain_refusal_page(client, kaizhou, family, rf):
    from django.core.exceptions import PermissionDenied

    from tuoyu.core.access import role_required

    @role_required("hc_reviewer")
    def reviewers_only(request):
        raise AssertionError("must not run")

    request = rf.get("/x")
    request.user = family
    with pytest.raises(PermissionDenied):
        reviewers_only(request)


def test_the_openapi_schema_is_valid_and_warning_free(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/institutions/" in out.read_text(encoding="utf-8")


def test_production_static_files_are_hashed_and_compressed(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-production-like-secret-" + "k" * 40,
        "TUOYU_FIELD_KEYS": "a-production-like-field-key-" + "f" * 40,
        "STATIC_ROOT": str(tmp_path),
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "unused.sqlite3"),
    }
    result = subprocess.run(
        # Third-party bundles (admin, DRF, Swagger UI) take a minute to brotli; ours prove the pipeline.
        [
            sys.executable,
            "manage.py",
            "collectstatic",
            "--no-input",
            "-v0",
            "-i",
            "admin",
            "-i",
            "rest_framework",
            "-i",
            "drf_spectacular_sidecar",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    css = [p.name for p in (tmp_path / "css").iterdir()]
    hashed = [
        name for name in css if name.startswith("site.") and name.endswith(".css") and name != "site.css"
    ]
    assert hashed, css
    assert f"{hashed[0]}.gz" in css and f"{hashed[0]}.br" in css
    assert (tmp_path / "vendor" / "leaflet" / "leaflet.js").exists()
    # From ECharts' 51 MB dist, only the file the pages load (core.staticfinders.VendorFileFinder).
    echarts = {p.name for p in (tmp_path / "vendor" / "echarts").iterdir()}
    assert "echarts.min.js" in echarts and "echarts.js" not in echarts and "extension" not in echarts
