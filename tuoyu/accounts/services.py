"""Sign-in by mobile code for families, and user writes."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.core.notifications import send_sms
from tuoyu.core.validators import normalize_mobile

from .models import PhoneCode, Role, User


def _hash(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def phone_code_request(*, phone: str) -> PhoneCode:
    """Send a 6-digit code; at most TUOYU_OTP_MAX_PER_HOUR per number so nobody floods a family's phone."""
    phone = normalize_mobile(phone)
    since = timezone.now() - timedelta(hours=1)
    if (
        PhoneCode.objects.filter(phone=phone, created_at__gte=since).count()
        >= settings.TUOYU_OTP_MAX_PER_HOUR
    ):
        raise ValidationError(
            _("Too many codes were sent to this number. Please try again in an hour."), code="rate"
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    record = PhoneCode.objects.create(
        phone=phone,
        code_hash=_hash(phone, code),
        expires_at=timezone.now() + timedelta(seconds=settings.TUOYU_OTP_TTL_SECONDS),
    )
    minutes = settings.TUOYU_OTP_TTL_SECONDS // 60
    send_sms(
        recipient=phone,
        body=_("Your sign-in code is %(code)s, valid for %(minutes)s minutes. Do not share it.")
        % {"code": code, "minutes": minutes},
    )
    return record


def phone_code_verify(*, phone: str, code: str) -> User:
    """Check the newest unused code; a family account is created on first sign-in.

    A wrong code must still count as an attempt, so the failure is committed before we raise.
    """
    phone = normalize_mobile(phone)
    invalid = ValidationError(_("The code is wrong or has expired. Please request a new one."), code="code")
    with transaction.atomic():
        record = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if (
            record is None
            or record.expires_at < timezone.now()
            or record.attempts >= settings.TUOYU_OTP_MAX_ATTEMPTS
        ):
            ok = False
        elif not hmac.compare_digest(record.code_hash, _hash(phone, code.strip())):
            record.attempts += 1
            record.save(update_fields=["attempts"])
            ok = False
        else:
            record.used_at = timezone.now()
            record.save(update_fields=["used_at"])
            ok = True
            user = User.objects.filter(phone=phone).first()
            if user is None:
                user = User(username=phone, phone=phone, role=Role.FAMILY)
                user.set_unusable_password()
                user.save()
    if not ok:
        raise invalid
    return user
