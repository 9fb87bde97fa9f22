"""The staff second factor: a TOTP authenticator app, and one-time recovery codes for a lost phone.

django-otp's own models hold the devices (TOTPDevice, StaticDevice + StaticToken); these services are the
only writers. Who must use it: tuoyu.core.security.needs_second_factor.
"""

import base64
import io
from dataclasses import dataclass
from datetime import datetime

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import verify_token
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def totp_device_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device_of(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def otp_enrol_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled, with its secret; the same one until it is confirmed, so
    reloading the page does not change the QR code a user may already have scanned."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def otp_enrol_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with one code from the app; returns the new recovery codes (shown once), or
    None when the code is wrong. Any earlier device of the user is replaced."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(token.strip()):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_issue(user=user)


@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    """Replace the user's recovery codes with TUOYU_RECOVERY_CODES new ones; each works once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.TUOYU_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@dataclass(frozen=True)
class Verification:
    device: TOTPDevice | StaticDevice | None
    locked_until: datetime | None = None  # set while django-otp's throttling refuses every code


def otp_verify(*, user: User, token: str) -> Verification:
    """Check a code from the app (6 digits) or a recovery code (letters and digits) against the user's
    devices. Every wrong code doubles the wait before the next try (django-otp's throttling)."""
    token = "".join(token.split()).lower()
    # App codes are 6 digits; recovery codes are 8 letters and digits.
    device = totp_device_of(user) if token.isdigit() and len(token) == 6 else recovery_device_of(user)
    if device is None:
        return Verification(device=None)
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return Verification(device=None, locked_until=(info or {}).get("locked_until"))
    # verify_token locks the device row, so two tries at once cannot both pass or skip the throttle.
    verified = verify_token(user, device.persistent_id, token)
    return Verification(device=verified)


def key_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps expect it when typed in: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code in a data: URI (the CSP allows data: images)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


# --- demo only ---------------------------------------------------------------------------------------

# RFC 6238's published test secret ("12345678901234567890"): known to everyone, so clearly not a secret.
# Demo staff accounts share it so a developer can sign in (manage.py demo_otp prints the current code).
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"


class DemoOnly(RuntimeError):
    pass


@transaction.atomic
def demo_totp_device_give(*, user: User) -> TOTPDevice:
    """Give a demo staff account the demo TOTP device; refused outside a demo (TUOYU_DEMO)."""
    if not settings.TUOYU_DEMO:
        raise DemoOnly("demo devices exist only where TUOYU_DEMO is on")
    device = TOTPDevice.objects.filter(user=user, key=DEMO_TOTP_KEY, confirmed=True).first()
    if device is None:
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_KEY, confirmed=True)
    return device


def demo_current_code(*, user: User) -> str:
    """The current code of a demo device; never of a real one (a real key is never read out)."""
    if not settings.TUOYU_DEMO:
        raise DemoOnly("demo codes exist only where TUOYU_DEMO is on")
    device = TOTPDevice.objects.filter(user=user, key=DEMO_TOTP_KEY, confirmed=True).first()
    if device is None:
        raise DemoOnly(f"{user.username} has no demo authenticator")
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
