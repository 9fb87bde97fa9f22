"""The demo's staff sign in with the shared, published demo authenticator key; nothing of it outside a demo."""

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuoyu.accounts.otp import DEMO_TOTP_KEY, DemoOnly, demo_totp_device_give
from tuoyu.institutions.management.commands.seed_demo import Command as SeedDemo

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_demo_staff_the_demo_authenticator_and_says_how_to_get_a_code(
    settings, reviewer, street_officer, operator, capsys
):
    settings.TUOYU_DEMO = True
    SeedDemo()._demo_second_factor()
    assert TOTPDevice.objects.get(user=reviewer, confirmed=True).key == DEMO_TOTP_KEY
    assert TOTPDevice.objects.get(user=street_officer, confirmed=True).key == DEMO_TOTP_KEY
    assert not TOTPDevice.objects.filter(user=operator).exists()
    assert "demo_otp <username>" in capsys.readouterr().out


def test_demo_otp_prints_a_code_that_signs_the_demo_reviewer_in(settings, plain_client, reviewer, capsys):
    settings.TUOYU_DEMO = True
    demo_totp_device_give(user=reviewer)
    call_command("demo_otp", "reviewer")
    code = capsys.readouterr().out.strip()
    plain_client.force_login(reviewer)
    assert plain_client.post("/accounts/otp/verify/", {"code": code}).status_code == 302
    assert plain_client.get("/accounts/me/").status_code == 200


def test_there_is_no_demo_authenticator_outside_a_demo(settings, reviewer):
    settings.TUOYU_DEMO = False
    with pytest.raises(DemoOnly):
        demo_totp_device_give(user=reviewer)
    with pytest.raises(CommandError):
        call_command("demo_otp", "reviewer")


def test_demo_otp_never_reads_out_a_real_device(settings, reviewer):
    settings.TUOYU_DEMO = True
    TOTPDevice.objects.create(user=reviewer, name="authenticator", confirmed=True)
    with pytest.raises(CommandError):
        call_command("demo_otp", "reviewer")
