"""Filing a complaint or report: everything is checked before anything is stored, then it is routed to
its department in the same transaction and the reporter gets the tracking number and query code."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import User
from tuoyu.core.validators import normalize_mobile
from tuoyu.core.workdays import SHANGHAI, add_workdays
from tuoyu.institutions.models import Institution, InstitutionStatus
from tuoyu.regions.selectors import area_unit

from ..models import (
    Category,
    Complaint,
    ComplaintStatus,
    EventKind,
    RoutingRule,
    TrackingSequence,
)
from ..selectors import today
from .common import (
    MAX_REPORT_DESCRIPTION,
    QUERY_CODE_DIGITS,
    _clean_photos,
    _event,
    _move,
    _store_photos,
    _text,
)
from .geography import health_commission, unit_for_point
from .notifications import _officers, _send_receipt, _tell, _tell_reporter, receipt_text
from .routing import routing_rule

S = ComplaintStatus


@dataclass(frozen=True)
class Filed:
    complaint: Complaint
    query_code: str
    created: bool  # False when a double-submitted form found the report the first submit filed


def normalize_reporter_phone(value: str, *, landline: bool) -> str:
    """A mainland mobile number (11 digits), or with `landline` also a fixed line with its area code,
    stored as dialled inside the mainland: 023-5221 2345 becomes 02352212345. A landline without its
    area code is refused: nobody could call it back from another district."""
    if not landline:
        return normalize_mobile(value)
    message = _("Please enter a mobile number, or a landline number with its area code.")
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(message, code="phone") from exc
    kind = phonenumbers.number_type(number)
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise ValidationError(message, code="phone")
    if kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return normalize_mobile(value)
    if kind != phonenumbers.PhoneNumberType.FIXED_LINE:
        raise ValidationError(message, code="phone")
    return f"0{number.national_number}"


def _tracking_number(day: date) -> str:
    sequence, _created = TrackingSequence.objects.select_for_update().get_or_create(day=day)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"TS{day:%Y%m%d}-{sequence.last:05d}"


def _new_query_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(QUERY_CODE_DIGITS))


def complaint_file(
    *,
    category: str,
    description: str,
    institution: Institution | None = None,
    place_name: str = "",
    address: str = "",
    lat: float | None = None,
    lng: float | None = None,
    happened_at: datetime | None = None,
    anonymous: bool = True,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter: User | None = None,
    photos: Sequence[File] = (),
    source: str = "web",
    media_url: str = "",
    idempotency_key: str = "",
    allow_landline: bool = False,
    allow_unplaced: bool = False,
    sms_phone: str = "",
) -> Filed:
    """File a complaint or report and route it at once. Everything is checked before anything is stored.

    A hotline relays callers, so Open311 passes `allow_landline` (a caller on a fixed line is called back
    there) and `allow_unplaced` (an address heard on the phone, which a handler then places on the map:
    until then the case belongs to the district, not to a street or town). The web form has a map and
    promises SMS updates, so it asks for both a point and a mobile number.

    `sms_phone` is an anonymous reporter's wish to get the tracking number and query code by SMS: one
    message goes to it, and it is stored nowhere else (not on the complaint), so the report stays
    anonymous. It is ignored when the reporter gives their name, whose own mobile gets the message."""
    if idempotency_key:
        existing = Complaint.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return Filed(existing, existing.query_code, created=False)
    errors: dict[str, list[str]] = {}

    def check(fn, field: str = "__all__"):
        try:
            return fn()
        except ValidationError as exc:
            # A validator's plain error (normalize_mobile) belongs to the field it checked.
            items = exc.message_dict.items() if hasattr(exc, "error_dict") else [(field, exc.messages)]
            for name, messages in items:
                errors.setdefault(name, []).extend(messages)
            return None

    if category not in Category.values:
        errors["category"] = [_("Please choose what the report is about.")]
    description = (
        check(
            lambda: _text(
                description,
                "description",
                limit=MAX_REPORT_DESCRIPTION,
                message=_("Please describe what happened."),
            )
        )
        or ""
    )
    if institution is not None and institution.status != InstitutionStatus.FILED:
        errors["institution"] = [_("This institution is not in the public register.")]
    unit = None
    if institution is None:
        if (lat is None or lng is None) and allow_unplaced and address.strip():
            lat, lng = None, None
            unit = area_unit()
            if unit is None:
                errors["lat"] = [
                    _("Please mark the place on the map, or choose an institution from the register.")
                ]
        elif lat is None or lng is None:
            errors["lat"] = [
                _("Please mark the place on the map, or choose an institution from the register.")
            ]
        else:
            unit = check(lambda: unit_for_point(lat, lng))
        if not (place_name or address).strip():
            errors["address"] = [_("Please give the name or the address of the place.")]
    else:
        unit = institution.unit
        lat, lng = None, None
    if happened_at is not None and happened_at > timezone.now() + timedelta(minutes=5):
        errors["happened_at"] = [_("The time it happened cannot be in the future.")]
    if anonymous:
        reporter_name, reporter_phone, reporter = "", "", None
        sms_phone = (sms_phone or "").strip()
        if sms_phone:
            sms_phone = check(lambda: normalize_mobile(sms_phone), "sms_phone") or ""
    else:
        sms_phone = ""
        reporter_name = reporter_name.strip()
        if not reporter_name:
            errors["reporter_name"] = [_("Please give your name, or choose to report anonymously.")]
        reporter_phone = (
            check(
                lambda: normalize_reporter_phone(reporter_phone or "", landline=allow_landline),
                "reporter_phone",
            )
            or ""
        )
        if reporter_phone == "" and "reporter_phone" not in errors:
            errors.setdefault("reporter_phone", [_("Please enter an 11-digit mobile number.")])
    # The photos last: re-encoding is the dearest check, and pointless when the text is wrong.
    clean = [] if errors else (check(lambda: _clean_photos(photos)) or [])
    if errors:
        raise ValidationError(errors)

    rule = routing_rule(category)
    code = _new_query_code()
    try:
        with transaction.atomic():
            received = today()
            complaint = Complaint.objects.create(
                tracking_number=_tracking_number(received),
                query_code=code,
                category=category,
                institution=institution,
                place_name=place_name.strip()[:100],
                address=address.strip()[:200],
                lat=lat,
                lng=lng,
                unit=unit,
                description=description,
                happened_at=happened_at,
                anonymous=anonymous,
                reporter_name=reporter_name,
                reporter_phone=reporter_phone,
                reporter=reporter,
                source=source,
                media_url=media_url,
                idempotency_key=idempotency_key,
            )
            _event(complaint, EventKind.FILED, to_status=S.RECEIVED)
            _store_photos(complaint, clean)
            _route(complaint, rule)
    except IntegrityError:
        if idempotency_key:
            existing = Complaint.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return Filed(existing, existing.query_code, created=False)
        raise
    _after_filing(complaint, code, rule, sms_phone=sms_phone)
    return Filed(complaint, code, created=True)


def _route(complaint: Complaint, rule: RoutingRule | None) -> None:
    """RECEIVED -> ASSIGNED to the category's department; unrouted categories go to the health commission."""
    department = rule.department if rule else health_commission()
    ack_days = rule.acknowledge_days if rule else 1
    answer_days = rule.answer_days if rule else 15
    received = timezone.localdate(complaint.received_at, timezone=SHANGHAI)
    _move(
        complaint,
        S.ASSIGNED,
        EventKind.ASSIGNED,
        by=None,
        department=department,
        changes={
            "department": department,
            "acknowledge_due_on": add_workdays(received, ack_days),
            "answer_due_on": add_workdays(received, answer_days),
        },
    )
    if rule is not None:
        complaint.co_departments.set(rule.co_departments.all())


def _after_filing(complaint: Complaint, code: str, rule: RoutingRule | None, *, sms_phone: str = "") -> None:
    def send():
        if sms_phone:
            _send_receipt(complaint, code, sms_phone)
        elif complaint.reporter_phone:
            # The query code opens the case on 马上查: kept readable only until sent.
            _tell_reporter(complaint, receipt_text(complaint, code), secret=code)
        text = _("New %(category)s report %(number)s, to acknowledge by %(due)s.") % {
            "category": complaint.get_category_display(),
            "number": complaint.tracking_number,
            "due": complaint.acknowledge_due_on,
        }
        _tell(_officers(complaint.department), text)
        if rule is not None and rule.involve_street:
            _tell(
                User.objects.filter(
                    is_active=True, role__in=capabilities.STREET_OFFICERS, unit=complaint.unit
                ),
                text,
            )

    transaction.on_commit(send)
