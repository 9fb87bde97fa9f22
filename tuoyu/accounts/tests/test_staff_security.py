"""Staff accounts: a second factor (TOTP + recovery codes), a 30-minute idle limit, 12-character passwords;
the lockout page; and the request size limit that refuses a huge upload before reading it.

Tests of the second-factor rule use `plain_client` (Django's own client): the suite's `client` passes the
second factor for staff on force_login, like a staff member's phone would.
"""

import io
import re
import time
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuoyu.accounts.models import GOVERNMENT_ROLES, User
from tuoyu.core.security import LAST_SEEN_SESSION_KEY, max_request_bytes
from tuoyu.core.testing import totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _with_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


# --- who needs the second factor -------------------------------------------------------------------


def test_the_staff_roles_setting_is_the_government_roles():
    assert set(settings.TUOYU_STAFF_ROLES) == set(GOVERNMENT_ROLES)


@pytest.mark.parametrize("persona", ["reviewer", "inspector", "street_officer", "sys_admin"])
def test_it_refuses_a_government_page_to_staff_who_only_gave_a_password(plain_client, request, persona):
    user = request.getfixturevalue(persona)
    _with_device(user)
    plain_client.force_login(user)
    response = plain_client.get("/accounts/me/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/otp/verify/?next=%2Faccounts%2Fme%2F"


def test_it_refuses_the_admin_to_a_system_administrator_without_the_second_factor(plain_client, sys_admin):
    plain_client.force_login(sys_admin)
    response = plain_client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/verify/")


def test_it_refuses_the_api_to_staff_without_the_second_factor_with_a_json_message(plain_client, reviewer):
    plain_client.force_login(reviewer)
    response = plain_client.get("/api/v1/regions/")
    assert response.status_code == 403
    with translation.override("zh-hans"):
        assert response.json()["detail"] and response.json()["message"]


def test_families_and_institution_operators_need_no_second_factor(plain_client, family, operator):
    plain_client.force_login(family)
    assert plain_client.get("/accounts/me/").status_code == 200
    plain_client.force_login(operator)
    assert plain_client.get("/accounts/me/").status_code == 200


# --- enrolment ---------------------------------------------------------------------------------------


def test_a_staff_member_without_an_app_enrols_after_the_password_and_gets_ten_recovery_codes(
    plain_client, reviewer
):
    response = plain_client.post("/accounts/login/", {"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 302
    response = plain_client.get("/accounts/me/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/otp/setup/")
    html = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html and "设置身份验证器" in html
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    # The key shown in text is the device's secret, for apps that cannot scan.
    shown = re.search(r'data-testid="otp-key">([A-Z2-7 ]+)<', html).group(1)
    import base64

    assert (
        base64.b32decode(shown.replace(" ", "") + "=" * (-len(shown.replace(" ", "")) % 8)) == device.bin_key
    )

    wrong = plain_client.post("/accounts/otp/setup/", {"code": _wrong(_code_of(device))})
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    # The wrong code made the next try wait a second (throttling); the staff member has waited.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    device.refresh_from_db()
    done = plain_client.post("/accounts/otp/setup/", {"code": _code_of(device), "next": "/accounts/me/"})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "只显示这一次" in done.content.decode()
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert plain_client.get("/accounts/me/").status_code == 200


def test_the_recovery_codes_are_not_shown_again(plain_client, reviewer):
    _with_device(reviewer)
    plain_client.force_login(reviewer)
    response = plain_client.get("/accounts/otp/setup/")
    assert response.status_code == 302 and response["Location"] == "/accounts/otp/verify/"


# --- signing in with a code --------------------------------------------------------------------------


def test_a_staff_member_signs_in_with_password_and_a_code_from_the_app(plain_client, reviewer):
    device = _with_device(reviewer)
    plain_client.post("/accounts/login/", {"username": "reviewer", "password": PASSWORD})
    page = plain_client.get("/accounts/otp/verify/?next=/filings/review/")
    assert page.status_code == 200 and "输入验证码" in page.content.decode()
    response = plain_client.post(
        "/accounts/otp/verify/", {"code": _code_of(device), "next": "/filings/review/"}
    )
    assert response.status_code == 302 and response["Location"] == "/filings/review/"
    assert plain_client.get("/filings/review/").status_code == 200


def test_a_code_from_the_app_works_only_once(plain_client, reviewer):
    device = _with_device(reviewer)
    code = _code_of(device)
    plain_client.force_login(reviewer)
    assert plain_client.post("/accounts/otp/verify/", {"code": code}).status_code == 302
    other = Client()
    other.force_login(reviewer)
    assert other.post("/accounts/otp/verify/", {"code": code}).status_code == 200
    assert other.get("/accounts/me/").status_code == 302


def test_after_a_wrong_code_the_next_try_must_wait(plain_client, reviewer):
    device = _with_device(reviewer)
    plain_client.force_login(reviewer)
    code = _code_of(device)
    plain_client.post("/accounts/otp/verify/", {"code": _wrong(code)})
    response = plain_client.post("/accounts/otp/verify/", {"code": code})
    assert response.status_code == 200
    assert "错误次数太多" in response.content.decode()
    assert plain_client.get("/accounts/me/").status_code == 302


def test_a_recovery_code_signs_in_once(plain_client, reviewer):
    from tuoyu.accounts.otp import recovery_codes_issue

    _with_device(reviewer)
    codes = recovery_codes_issue(user=reviewer)
    plain_client.force_login(reviewer)
    response = plain_client.post("/accounts/otp/verify/", {"code": codes[0].upper()}, follow=True)
    assert response.redirect_chain[-1][0] == "/workspace/"  # an official lands on the workspace
    assert "还剩 9 个" in response.content.decode()
    assert StaticToken.objects.filter(token=codes[0]).count() == 0
    again = Client()
    again.force_login(reviewer)
    assert again.post("/accounts/otp/verify/", {"code": codes[0]}).status_code == 200
    assert again.get("/accounts/me/").status_code == 302


def test_the_suite_client_passes_the_second_factor_with_a_real_device(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/accounts/me/").status_code == 200
    device = TOTPDevice.objects.get(user=reviewer, confirmed=True)
    assert client.session["otp_device_id"] == device.persistent_id
    assert totp_code(reviewer) == _code_of(device)


# --- idle timeout -------------------------------------------------------------------------------------


def _idle(client, minutes: float) -> None:
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = time.time() - minutes * 60
    session.save()


def test_a_staff_session_ends_after_thirty_idle_minutes(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/accounts/me/").status_code == 200
    _idle(client, 31)
    response = client.get("/filings/review/", follow=True)
    assert response.redirect_chain[0][0] == "/accounts/login/?next=%2Ffilings%2Freview%2F"
    assert "为了安全，您已 30 分钟没有操作，请重新登录" in response.content.decode()
    assert client.get("/accounts/me/").status_code == 302


def test_an_idle_staff_session_gets_json_401_from_the_api(client, reviewer):
    client.force_login(reviewer)
    client.get("/accounts/me/")
    _idle(client, 31)
    response = client.get("/api/v1/regions/")
    assert response.status_code == 401 and "30" in response.json()["message"]
    # A 401 names how to authenticate, like every other 401 of the API (RFC 9110 §15.5.2).
    assert response["WWW-Authenticate"] == 'Session realm="api"'


def test_a_staff_session_with_activity_within_thirty_minutes_goes_on(client, reviewer):
    client.force_login(reviewer)
    client.get("/accounts/me/")
    _idle(client, 29)
    assert client.get("/accounts/me/").status_code == 200
    assert time.time() - client.session[LAST_SEEN_SESSION_KEY] < 5


def test_requests_within_a_minute_do_not_rewrite_the_staff_session(client, reviewer):
    """Concurrent frames of one page must not each write the session (a 400 on SQLite, needless writes)."""
    from django.contrib.sessions.models import Session

    client.force_login(reviewer)
    client.get("/accounts/me/")
    stamp = client.session[LAST_SEEN_SESSION_KEY]
    stored = Session.objects.get(pk=client.session.session_key).session_data
    assert client.get("/accounts/me/").status_code == 200
    assert client.session[LAST_SEEN_SESSION_KEY] == stamp
    assert Session.objects.get(pk=client.session.session_key).session_data == stored


def test_a_family_session_has_no_thirty_minute_limit(client, family):
    client.force_login(family)
    client.get("/accounts/me/")
    _idle(client, 24 * 60)
    assert client.get("/accounts/me/").status_code == 200


# --- passwords ----------------------------------------------------------------------------------------


def test_it_refuses_an_eleven_character_staff_password_in_chinese(reviewer):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password("kx7-tree-91", reviewer)
    assert "密码太短，至少需要 12 个字符" in " ".join(refused.value.messages)


def test_it_refuses_a_common_staff_password(reviewer):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password("qwertyuiop123", reviewer)
    assert "这个密码太常见了" in " ".join(refused.value.messages)


def test_a_new_account_whose_role_is_not_set_yet_needs_twelve_characters():
    with pytest.raises(ValidationError):
        validate_password("kx7-tree-91", User(username="new-officer"))


def test_an_institution_account_keeps_the_ten_character_minimum(operator):
    validate_password("kx7-tree-9", operator)
    validate_password("kx7-tree-91-long", operator)


# --- lockout --------------------------------------------------------------------------------------------


def test_a_locked_out_sign_in_gets_the_site_page_in_chinese_saying_when_to_try_again(client, reviewer):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "reviewer", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert 'class="site-header"' in html  # the site's layout
    assert "请在 15 分钟后" in html and re.search(r"\d{2}:\d{2}", html)


def test_the_lockout_page_is_english_for_an_english_visitor(client, reviewer):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(5):
        client.post("/accounts/login/", {"username": "reviewer", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 429
    assert "Please try again in 15 minutes, after" in response.content.decode()


# --- request size -------------------------------------------------------------------------------------

FIFTY_MB = 50 * 1024 * 1024


class UnreadableBody(io.RawIOBase):
    """A body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read
    readinto = read


def _post_huge(path: str, **extra):
    return Client().generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(FIFTY_MB),
        **{"wsgi.input": UnreadableBody()},
        **extra,
    )


def test_it_refuses_a_50_mb_upload_from_its_length_without_reading_it():
    response = _post_huge("/filings/register/")
    assert response.status_code == 413
    html = response.content.decode()
    assert 'class="site-header"' in html and "11 MB" in html and "文件太大" in html


def test_it_refuses_a_50_mb_api_request_with_json():
    response = _post_huge("/api/v1/regions/")
    assert response.status_code == 413
    assert set(response.json()) == {"detail", "message"}


def test_it_refuses_a_50_mb_open311_request_in_open311_form():
    response = _post_huge("/open311/v2/requests.json")
    assert response.status_code == 413
    assert response.json()[0]["code"] == 413 and response.json()[0]["description"]


def test_it_refuses_a_50_mb_open311_xml_request_in_open311_xml():
    response = _post_huge("/open311/v2/requests.xml")
    assert response.status_code == 413 and response["Content-Type"] == "text/xml; charset=utf-8"
    tree = ElementTree.fromstring(response.content)  # noqa: S314 (our own response)
    assert tree.tag == "errors" and tree.find("error/code").text == "413"


def test_the_complaint_forms_may_carry_six_full_size_photos():
    assert max_request_bytes("/complaints/new/") == 61 * 1024 * 1024
    assert max_request_bytes("/filings/register/") == settings.TUOYU_MAX_REQUEST_BYTES


def test_a_request_under_the_limit_is_answered_as_usual(client):
    assert client.post("/accounts/login/", {"username": "nobody", "password": "x"}).status_code == 200
