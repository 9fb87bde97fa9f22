"""Where a sign-in lands (issue 11): officials at their workspace, families at 我的办件, institution
accounts at their own page; a safe `next` still wins, and the profile page no longer promises services
that already exist."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuoyu.accounts.models import User
from tuoyu.core.models import OutboxMessage
from tuoyu.core.testing import totp_code


def _staff_sign_in(client, user, *, next_url: str = "") -> str:
    """Password, then the code from the app, following the redirects as a browser would; the path the
    browser ends on."""
    TOTPDevice.objects.get_or_create(user=user, name="authenticator", confirmed=True)
    login_url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    response = client.post(login_url, {"username": user.username, "password": "correct-horse-battery"})
    assert response.status_code == 302
    response = client.get(response["Location"])  # the target asks for the second factor first
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/verify/")
    verify = response["Location"]
    response = client.post(verify, {"code": totp_code(user)})
    assert response.status_code == 302
    return response["Location"]


def test_an_official_lands_on_the_workspace(plain_client, reviewer):
    assert _staff_sign_in(plain_client, reviewer) == "/workspace/"
    assert plain_client.get("/workspace/").status_code == 200


def test_a_street_officer_lands_on_the_workspace_too(plain_client, street_officer):
    assert _staff_sign_in(plain_client, street_officer) == "/workspace/"


def test_a_safe_next_still_wins_over_the_workspace(plain_client, reviewer):
    assert _staff_sign_in(plain_client, reviewer, next_url="/filings/review/") == "/filings/review/"


def test_an_off_site_next_falls_back_to_the_workspace(plain_client, reviewer):
    assert _staff_sign_in(plain_client, reviewer, next_url="https://evil.example/") == "/workspace/"


def test_the_code_page_without_next_continues_to_the_workspace(plain_client, reviewer):
    TOTPDevice.objects.create(user=reviewer, name="authenticator", confirmed=True)
    plain_client.post("/accounts/login/", {"username": "reviewer", "password": "correct-horse-battery"})
    response = plain_client.post("/accounts/otp/verify/", {"code": totp_code(reviewer)})
    assert response.status_code == 302 and response["Location"] == "/workspace/"


def test_an_institution_operator_lands_on_their_own_page(plain_client, operator):
    response = plain_client.post(
        "/accounts/login/", {"username": "operator", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"


@pytest.mark.django_db(transaction=True)  # the code is read back from the outbox row
def test_a_family_lands_on_my_matters(plain_client):
    plain_client.post("/accounts/login/phone/", {"phone": "13800138000"})
    body = OutboxMessage.objects.filter(recipient="13800138000").latest("id").body
    code = re.search(r"\d{6}", body).group(0)
    response = plain_client.post("/accounts/login/phone/", {"phone": "13800138000", "code": code})
    assert response.status_code == 302 and response["Location"] == "/mine/"
    assert User.objects.get(phone="13800138000").role == "family"


def test_my_page_links_to_the_workspace_or_my_matters(client, reviewer, family):
    stale = "Bookings, applications and complaints will appear here"
    client.force_login(reviewer)
    body = client.get("/accounts/me/").content.decode()
    assert 'data-testid="workspace-link"' in body and 'href="/workspace/"' in body
    assert stale not in body and 'data-testid="mine-link"' not in body
    client.force_login(family)
    body = client.get("/accounts/me/").content.decode()
    assert 'data-testid="mine-link"' in body and 'href="/mine/"' in body
    assert stale not in body and 'data-testid="workspace-link"' not in body
