"""Sign-in by mobile code for families, user writes, and the access log of reads of personal data."""

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Iterable, Iterator
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from tuoyu.core.http import client_ip
from tuoyu.core.notifications import send_sms
from tuoyu.core.validators import normalize_mobile

from .models import AccessKind, AccessLog, PhoneCode, Role, User


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
        secret=code,
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


# --- the access log: who read personal data ------------------------------------------------------

# Every Excel export that carries personal data, by the key its view passes to export_record; the name is
# what the access log shows. Exports not listed carry none and are not logged: the register, the filing
# notices and the complaint statistics are public; the legacy import's problem sheet has row numbers and
# messages about institutions; the semester reports name only the institution's staff member who submitted.
# The complaints export counts only for a user who gets the reporter columns (sees_identity_columns).
PERSONAL_EXPORTS = {
    "complaints": gettext_lazy("Complaints and reports with reporters' names and numbers"),
    "access_log": gettext_lazy("Access log"),
    "course_attendance": gettext_lazy("Training course attendance with staff names"),
    "workforce_flags": gettext_lazy("Workforce flags with staff names (挂靠, unsuitable carers)"),
    "subsidy_lines": gettext_lazy("Subsidy lines with children's names"),
}


def _client_address(request: HttpRequest | None) -> str | None:
    """The client's address, or None when it is missing or not an address (a header we cannot trust)."""
    if request is None:
        return None
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


@transaction.atomic
def access_record(
    *,
    user: User,
    kind: str,
    obj: models.Model | str | None = None,
    detail: str = "",
    request: HttpRequest | None = None,
) -> AccessLog:
    """Append one entry to the access log: `user` read `kind` of `obj` (a row, or a label for an export)."""
    if kind not in AccessKind.values:
        raise ValueError(f"unknown access kind {kind!r}")
    entry = AccessLog(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        kind=kind,
        detail=str(detail)[: AccessLog._meta.get_field("detail").max_length],
        ip=_client_address(request),
    )
    label_length = AccessLog._meta.get_field("object_label").max_length
    if isinstance(obj, models.Model):
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
        entry.object_label = str(obj)[:label_length]
    elif obj is not None:
        entry.object_label = str(obj)[:label_length]
    entry.save()
    return entry


class CountedRows:
    """Wraps an export's rows and counts them as they are written, so logging the row count costs no
    second query over the same filter."""

    def __init__(self, rows: Iterable):
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator:
        for row in self._rows:
            self.count += 1
            yield row


def describe_filters(form: forms.Form) -> str:
    """A filter form's non-empty values as "label: value" pairs, for the log entry's detail."""
    data = getattr(form, "cleaned_data", None) or {}
    parts = []
    for name, field in form.fields.items():
        value = data.get(name)
        if value in (None, "", [], False):
            continue
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            value = dict(field.choices).get(value, value)
        parts.append(f"{field.label}: {value}")
    return "; ".join(parts)


def export_record(
    *, user: User, export: str, rows: int, filters: str = "", request: HttpRequest | None = None
) -> AccessLog:
    """Log an Excel export of personal data: which export, how many rows, under which filter."""
    detail = gettext("%(rows)s rows") % {"rows": rows}
    if filters:
        detail += " · " + gettext("filter: %(filters)s") % {"filters": filters}
    return access_record(
        user=user,
        kind=AccessKind.PERSONAL_EXPORT,
        obj=str(PERSONAL_EXPORTS[export]),
        detail=detail,
        request=request,
    )
