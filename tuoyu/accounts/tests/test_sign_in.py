import re

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from tuoyu.accounts.models import PhoneCode, User
from tuoyu.accounts.services import phone_code_request, phone_code_verify
from tuoyu.core.models import OutboxMessage
from tuoyu.core.notifications import deliver_due

pytestmark = pytest.mark.django_db(transaction=True)  # the worker sees only committed messages


def _last_code(phone: str) -> str:
    body = OutboxMessage.objects.filter(recipient=phone).order_by("-id").first().body
    return re.search(r"\d{6}", body).group(0)


def test_a_family_signs_in_with_a_code_sent_by_sms(client):
    response = client.post("/accounts/login/phone/", {"phone": "138 0013 8000"})
    assert response.status_code == 200
    message = OutboxMessage.objects.get()
    assert message.recipient == "13800138000" and message.status == OutboxMessage.Status.PENDING
    code = _last_code("13800138000")  # the row is readable until the worker sends it
    assert deliver_due() == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and code not in message.body
    response = client.post("/accounts/login/phone/", {"phone": "13800138000", "code": code})
    assert response.status_code == 302
    user = User.objects.get(phone="13800138000")
    assert user.role == "family" and not user.has_usable_password()
    assert client.get("/accounts/me/").status_code == 200


def test_only_a_hash_of_the_code_is_stored():
    phone_code_request(phone="13800138000")
    code = _last_code("13800138000")
    assert code not in PhoneCode.objects.get().code_hash


def test_a_wrong_code_does_not_sign_in_and_counts_as_an_attempt(client):
    phone_code_request(phone="13800138000")
    response = client.post(
        "/accounts/login/phone/",
        {"phone": "13800138000", "code": "000000" if _last_code("13800138000") != "000000" else "111111"},
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert PhoneCode.objects.get().attempts == 1
    assert not User.objects.filter(phone="13800138000").exists()


def test_after_five_wrong_codes_even_the_right_one_is_refused():
    phone_code_request(phone="13800138000")
    right = _last_code("13800138000")
    wrong = "123456" if right != "123456" else "654321"
    for _ in range(5):
        with pytest.raises(ValidationError):
            phone_code_verify(phone="13800138000", code=wrong)
    with pytest.raises(ValidationError):
        phone_code_verify(phone="13800138000", code=right)


def test_a_code_works_once():
    phone_code_request(phone="13800138000")
    code = _last_code("13800138000")
    phone_code_verify(phone="13800138000", code=code)
    with pytest.raises(ValidationError):
        phone_code_verify(phone="13800138000", code=code)


@override_settings(TUOYU_OTP_TTL_SECONDS=-1)
def test_an_expired_code_is_refused():
    phone_code_request(phone="13800138000")
    with pytest.raises(ValidationError):
        phone_code_verify(phone="13800138000", code=_last_code("13800138000"))


def test_a_number_gets_at_most_five_codes_an_hour(client):
    for _ in range(5):
        phone_code_request(phone="13800138000")
    response = client.post("/accounts/login/phone/", {"phone": "13800138000"})
    assert 'role="alert"' in response.content.decode()
    assert OutboxMessage.objects.count() == 5


def test_a_malformed_number_gets_a_message_and_no_sms(client):
    response = client.post("/accounts/login/phone/", {"phone": "12345"})
    assert 'role="alert"' in response.content.decode()
    assert OutboxMessage.objects.count() == 0 and PhoneCode.objects.count() == 0


def test_a_failed_sms_is_kept_for_retry_not_lost(settings):
    settings.TUOYU_SMS_BACKEND = "tuoyu.accounts.tests.test_sign_in.BrokenSms"
    phone_code_request(phone="13800138000")
    deliver_due()
    message = OutboxMessage.objects.get()
    assert (
        message.status == OutboxMessage.Status.FAILED
        and message.attempts == 1
        and "gateway down" in message.last_error
    )


class BrokenSms:
    def send(self, *, recipient, body):
        raise ConnectionError("gateway down")


def test_staff_sign_in_with_a_password_and_a_code_from_the_app(client, reviewer):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tuoyu.core.testing import totp_code

    TOTPDevice.objects.create(user=reviewer, name="authenticator", confirmed=True)
    response = client.post("/accounts/login/", {"username": "reviewer", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get("/accounts/me/").status_code == 302  # the password alone is not enough
    response = client.post("/accounts/otp/verify/", {"code": totp_code(reviewer)})
    assert response.status_code == 302
    assert client.get("/accounts/me/").status_code == 200


def test_repeated_wrong_passwords_lock_the_account_out(client, reviewer):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "reviewer", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "reviewer", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert client.get("/accounts/me/").status_code == 302


def test_a_department_officer_must_belong_to_a_department():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        User.objects.create_user(username="orphan", password="x", role="dept_officer")


def test_changes_to_a_user_are_audited(reviewer):
    from auditlog.models import LogEntry

    reviewer.display_name = "新名字"
    reviewer.save()
    entry = LogEntry.objects.get_for_object(reviewer).filter(action=LogEntry.Action.UPDATE).get()
    assert "display_name" in entry.changes_dict and "password" not in entry.changes_dict


def test_signing_in_never_redirects_off_site(client):
    phone_code_request(phone="13800138000")
    response = client.post(
        "/accounts/login/phone/?next=https://evil.example/steal",
        {"phone": "13800138000", "code": _last_code("13800138000")},
    )
    assert response.status_code == 302 and response["Location"] == "/mine/"  # a family lands on 我的办件
