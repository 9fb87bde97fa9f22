"""Every write of complaints and reports (投诉举报). Each is one transaction: the complaint row is locked,
the guard is checked against the one table in workflow.py, an event row is written, and messages
leave only after commit. Reviews live in reviews.py.

Nobody outside the handling departments learns who reported: the institution, the public pages, the
API and Open311 see the case, never the reporter (tests search every response for the name and number).
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import phonenumbers
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import Role, User
from tuoyu.core.files import IMAGE_KINDS, strip_image_metadata, validate_upload
from tuoyu.core.geo import bounding_box, haversine_km
from tuoyu.core.notifications import notify_person, send_sms
from tuoyu.core.statemachine import transition
from tuoyu.core.validators import normalize_mobile
from tuoyu.core.workdays import SHANGHAI, add_workdays
from tuoyu.institutions.models import Institution, InstitutionStatus
from tuoyu.institutions.selectors import institutions_of
from tuoyu.regions.models import Department, Unit
from tuoyu.regions.selectors import area_unit, grassroots_units

from .models import (
    Category,
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    ComplaintStatus,
    EventKind,
    LookupAttempt,
    RoutingRule,
    TrackingSequence,
)
from .workflow import (
    ACCEPTS_INFORMATION,
    AWAITS_ACKNOWLEDGEMENT,
    OPEN,
    WORKFLOW_COMPLAINT,
    awaits_acknowledgement,
)
from .workflow import can_handle as can_handle

S = ComplaintStatus

MAX_PHOTOS = 6
MAX_DESCRIPTION = 2000
# A report's own words: the 4,000 characters Open311 GeoReport v2 allows, on the web form too.
MAX_REPORT_DESCRIPTION = 4000
REOPEN_WITHIN_DAYS = 15  # calendar days after the answer: rate, and reopen once when not satisfied
CLOSE_UNRATED_AFTER_DAYS = 15
DUPLICATE_WINDOW_DAYS = 30
DUPLICATE_RADIUS_KM = 0.5
# Guessing a query code: a client gets this many wrong look-ups per hour, whatever numbers it tries;
# a complaint locks for an hour after this many wrong codes in a row, whoever tries.
LOOKUP_FAILURES_PER_CLIENT_HOUR = 10
LOOKUP_FAILURES_PER_COMPLAINT = 20
QUERY_CODE_DIGITS = 8


@dataclass(frozen=True)
class Filed:
    complaint: Complaint
    query_code: str
    created: bool  # False when a double-submitted form found the report the first submit filed


# --- reading helpers ----------------------------------------------------------------------------


def today() -> date:
    return timezone.localdate(timezone=SHANGHAI)


def overdue_q(on: date | None = None) -> Q:
    """Open cases past their acknowledgement or answer date, as one filter the queue and counts share."""
    on = on or today()
    return Q(status__in=list(AWAITS_ACKNOWLEDGEMENT), acknowledge_due_on__lt=on) | Q(
        status__in=list(OPEN), answer_due_on__lt=on
    )


def is_overdue(complaint: Complaint, on: date | None = None) -> bool:
    on = on or today()
    if (
        awaits_acknowledgement(complaint)
        and complaint.acknowledge_due_on
        and complaint.acknowledge_due_on < on
    ):
        return True
    return bool(complaint.status in OPEN and complaint.answer_due_on and complaint.answer_due_on < on)


def complaints_for_user(user: User) -> QuerySet[Complaint]:
    """The cases a government user may see: all for the health commission, the department's own and
    co-handled ones for a department officer, the unit's for a street or town officer (§16)."""
    qs = Complaint.objects.all()
    # The health commission leads the whole programme (§15, §16): its reviewers and admins see every case.
    if capabilities.is_health_commission(user):
        return qs
    # The other handlers are departments' officers …
    if capabilities.can_handle_complaints(user):
        if not user.department_id:
            return qs.none()
        return qs.filter(
            Q(department_id=user.department_id) | Q(co_departments=user.department_id)
        ).distinct()
    # … and the other viewers streets' and towns' officers.
    if capabilities.can_view_complaints(user) and user.unit_id:
        return qs.filter(unit__path__startswith=user.unit.path)
    return qs.none()


def complaints_for_institution_user(user: User) -> QuerySet[Complaint]:
    """Cases about the institutions the user works at: the institution answers, never learns who complained."""
    ids = institutions_of(user).values("pk")
    return Complaint.objects.filter(institution_id__in=ids).exclude(status=S.MERGED)


def routing_rule(category: str) -> RoutingRule | None:
    return RoutingRule.objects.select_related("department").filter(category=category).first()


def health_commission() -> Department | None:
    area = area_unit()
    qs = Department.objects.filter(is_health_commission=True)
    if area is not None:
        qs = qs.filter(unit__path__startswith=area.path)
    return qs.order_by("unit__depth", "code").first()


def unit_for_point(lat: float, lng: float) -> Unit:
    """The street or town a point lies in. Units carry bounding boxes, not outlines: where boxes overlap
    the unit whose centre is nearest wins, which the handler can correct by reassigning."""
    area = area_unit()
    bounds = area.bounds if area is not None else None
    if bounds is None or not bounds.contains(lat, lng):
        raise ValidationError(
            {
                "lat": _(
                    "This place is outside the district this service covers. Please check the point on the map."
                )
            },
            code="outside",
        )
    units = [u for u in grassroots_units(area) if u.center_lat is not None]
    candidates = [u for u in units if u.bounds is not None and u.bounds.contains(lat, lng)] or units
    if not candidates:
        return area
    return min(candidates, key=lambda u: haversine_km(lat, lng, u.center_lat, u.center_lng))


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


def is_mobile(phone: str) -> bool:
    """Only a mobile number can take an SMS; a landline reporter is called back instead."""
    return len(phone) == 11 and phone.startswith("1")


def public_timeline(complaint: Complaint) -> list[ComplaintEvent]:
    return list(complaint.events.filter(public=True).select_related("department"))


def duplicate_suggestions(complaint: Complaint) -> list[Complaint]:
    """Reports that are probably the same matter: same category, same institution (or within 500 m for a
    place not in the register), received within 30 days either side, still being handled or answered."""
    window = timedelta(days=DUPLICATE_WINDOW_DAYS)
    qs = (
        Complaint.objects.filter(
            category=complaint.category,
            received_at__gte=complaint.received_at - window,
            received_at__lte=complaint.received_at + window,
            status__in=list(ACCEPTS_INFORMATION),
        )
        .exclude(pk=complaint.pk)
        .select_related("institution", "department")
    )
    if complaint.institution_id:
        return list(qs.filter(institution_id=complaint.institution_id)[:20])
    if complaint.lat is None:
        # Not on the map yet: only the same words for the same place suggest the same matter.
        return list(qs.filter(institution__isnull=True, lat__isnull=True, address=complaint.address)[:20])
    box = bounding_box(complaint.lat, complaint.lng, DUPLICATE_RADIUS_KM)
    near = qs.filter(
        institution__isnull=True,
        lat__range=(box.min_lat, box.max_lat),
        lng__range=(box.min_lng, box.max_lng),
    )[:50]
    return [
        c for c in near if haversine_km(complaint.lat, complaint.lng, c.lat, c.lng) <= DUPLICATE_RADIUS_KM
    ][:20]


# --- writing helpers ----------------------------------------------------------------------------


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _event(
    complaint: Complaint,
    kind: str,
    *,
    by: User | None = None,
    note: str = "",
    public: bool = True,
    from_status: str = "",
    to_status: str = "",
    department: Department | None = None,
) -> None:
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        by=by,
        note=note,
        public=public,
        from_status=from_status,
        to_status=to_status,
        department=department,
    )


def _move(
    locked: Complaint,
    to_status: str,
    kind: str,
    *,
    by: User | None,
    note: str = "",
    department: Department | None = None,
    public: bool = True,
    changes: dict | None = None,
) -> Complaint:
    """The status change through the one workflow, on a row the caller has locked (it checked its guards
    under that lock). The feedback message is checked first so that the reporter reads the same words."""
    if not WORKFLOW_COMPLAINT.can(locked.status, to_status):
        raise _refused(locked)
    return transition(
        WORKFLOW_COMPLAINT,
        locked,
        to_status,
        by=by,
        note=note,
        changes=changes,
        event={"kind": kind, "department": department, "public": public},
        locked=True,
    )


def _refused(locked: Complaint) -> ValidationError:
    return ValidationError(
        _("This report is %(status)s; that cannot be done now.")
        % {"status": ComplaintStatus(locked.status).label},
        code="transition",
    )


def _guard_handler(user: User, complaint: Complaint) -> None:
    if not can_handle(user, complaint):
        raise PermissionDenied


def _text(value: str, field: str, *, limit: int = MAX_DESCRIPTION, message: str | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message or _("Please write something here.")}, code="required")
    if len(value) > limit:
        raise ValidationError(
            {field: _("Please keep this under %(limit)s characters.") % {"limit": limit}}, code="max_length"
        )
    return value


def _clean_photos(photos: Sequence[File], already: int = 0) -> list:
    if len(photos) + already > MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("At most %(max)s photos per report.") % {"max": MAX_PHOTOS}}, code="too_many"
        )
    clean = []
    for photo in photos:
        try:
            kind = validate_upload(photo, allowed=IMAGE_KINDS)
            clean.append((kind, strip_image_metadata(photo)))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}, code=exc.code) from exc
    return clean


def _store_photos(complaint: Complaint, clean: list, *, by_reporter: bool = True) -> None:
    for kind, content in clean:
        photo = ComplaintPhoto(
            complaint=complaint, file_kind=kind, size=content.size, added_by_reporter=by_reporter
        )
        photo.file.save(content.name, content, save=False)
        photo.save()


def _tracking_number(day: date) -> str:
    sequence, _created = TrackingSequence.objects.select_for_update().get_or_create(day=day)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"TS{day:%Y%m%d}-{sequence.last:05d}"


def _new_query_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(QUERY_CODE_DIGITS))


def _officers(department: Department | None) -> QuerySet[User]:
    if department is None:
        return User.objects.none()
    if department.is_health_commission:
        return User.objects.filter(is_active=True, role__in=capabilities.HEALTH_COMMISSION)
    return User.objects.filter(is_active=True, role=Role.DEPARTMENT_OFFICER, department=department)


def _tell(users, text: str) -> None:
    for user in users:
        notify_person(user, subject=_("Complaint or report"), body=text)


def _tell_reporter(complaint: Complaint, text: str, *, secret: str = "") -> None:
    if complaint.reporter_phone and is_mobile(complaint.reporter_phone):
        send_sms(recipient=complaint.reporter_phone, body=text, secret=secret)


# --- filing -------------------------------------------------------------------------------------


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
) -> Filed:
    """File a complaint or report and route it at once. Everything is checked before anything is stored.

    A hotline relays callers, so Open311 passes `allow_landline` (a caller on a fixed line is called back
    there) and `allow_unplaced` (an address heard on the phone, which a handler then places on the map:
    until then the case belongs to the district, not to a street or town). The web form has a map and
    promises SMS updates, so it asks for both a point and a mobile number."""
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
    else:
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
    _after_filing(complaint, code, rule)
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


def _after_filing(complaint: Complaint, code: str, rule: RoutingRule | None) -> None:
    def send():
        if complaint.reporter_phone:
            _tell_reporter(
                complaint,
                _(
                    "Your report has been received. Tracking number %(number)s, query code %(code)s. "
                    "Answer expected by %(due)s."
                )
                % {"number": complaint.tracking_number, "code": code, "due": complaint.answer_due_on},
                secret=code,  # the query code opens the case on 马上查: kept readable only until sent
            )
        text = _("New %(category)s report %(number)s, to acknowledge by %(due)s.") % {
            "category": complaint.get_category_display(),
            "number": complaint.tracking_number,
            "due": complaint.acknowledge_due_on,
        }
        _tell(_officers(complaint.department), text)
        if rule is not None and rule.involve_street:
            _tell(User.objects.filter(is_active=True, role=Role.STREET_OFFICER, unit=complaint.unit), text)

    transaction.on_commit(send)


# --- handling -----------------------------------------------------------------------------------


def complaint_acknowledge(*, complaint: Complaint, by: User) -> Complaint:
    with transaction.atomic():
        locked = _lock(complaint)
        _guard_handler(by, locked)
        # The table's ANSWERED -> IN_PROGRESS is the reporter reopening it (complaint_rate), not a handler.
        if not awaits_acknowledgement(locked):
            raise _refused(locked)
        _move(
            locked,
            S.IN_PROGRESS,
            EventKind.ACKNOWLEDGED,
            by=by,
            department=locked.department,
            changes={"acknowledged_at": timezone.now()},
        )
    return locked


def complaint_reassign(*, complaint: Complaint, by: User, department: Department, reason: str) -> Complaint:
    """Pass the case to the department that is really responsible; the reason goes on the public timeline.
    The deadlines keep running from receipt: the reporter should not wait longer for our routing."""
    reason = _text(reason, "reason", limit=500, message=_("Please give the reason for passing it on."))
    with transaction.atomic():
        locked = _lock(complaint)
        _guard_handler(by, locked)
        if department.pk == locked.department_id:
            raise ValidationError({"department": _("The case is already with this department.")}, code="same")
        _move(
            locked,
            S.ASSIGNED,
            EventKind.REASSIGNED,
            by=by,
            note=reason,
            department=department,
            changes={"department": department, "acknowledged_at": None},
        )
    transaction.on_commit(
        lambda: _tell(
            _officers(department),
            _("Report %(number)s was passed to your department: %(reason)s")
            % {"number": locked.tracking_number, "reason": reason},
        )
    )
    return locked


def complaint_answer(*, complaint: Complaint, by: User, finding: str, answer: str) -> Complaint:
    answer = _text(answer, "answer", message=_("Please write the answer the reporter will read."))
    from .models import Finding

    if finding not in Finding.values:
        raise ValidationError(
            {"finding": _("Please record whether the report was substantiated.")}, code="finding"
        )
    with transaction.atomic():
        locked = _lock(complaint)
        _guard_handler(by, locked)
        now = timezone.now()
        _move(
            locked,
            S.ANSWERED,
            EventKind.ANSWERED,
            by=by,
            note=answer,
            department=locked.department,
            changes={
                "answer": answer,
                "finding": finding,
                "answered_at": now,
                "acknowledged_at": locked.acknowledged_at or now,
                "answered_on_time": timezone.localdate(now, timezone=SHANGHAI) <= locked.answer_due_on,
                "satisfied": None,
            },
        )
        duplicates = list(locked.duplicates.all())

    def send():
        text = _(
            "Report %(number)s has been answered. Look it up with your query code to read the answer and rate it."
        )
        for case in [locked, *duplicates]:
            _tell_reporter(case, text % {"number": case.tracking_number})

    transaction.on_commit(send)
    return locked


def complaint_merge(*, complaint: Complaint, into: Complaint, by: User, note: str = "") -> Complaint:
    """Handle a duplicate together with the case it repeats; its reporter then follows that case."""
    if complaint.pk == into.pk:
        raise ValidationError({"into": _("A report cannot be merged into itself.")}, code="self")
    with transaction.atomic():
        # Both rows, in id order, so two handlers merging a pair both ways cannot deadlock.
        rows = {
            c.pk: c
            for c in Complaint.objects.select_for_update()
            .filter(pk__in=[complaint.pk, into.pk])
            .order_by("pk")
        }
        locked, target = rows[complaint.pk], rows[into.pk]
        _guard_handler(by, locked)
        if target.status not in ACCEPTS_INFORMATION:
            raise ValidationError(
                {
                    "into": _("Report %(number)s is no longer being handled; choose another.")
                    % {"number": target.tracking_number}
                },
                code="target_closed",
            )
        _move(
            locked,
            S.MERGED,
            EventKind.MERGED,
            by=by,
            note=note.strip(),
            department=target.department,
            changes={"merged_into": target, "closed_at": timezone.now()},
        )
        _event(target, EventKind.DUPLICATE_ADDED, by=by, public=True)
    return locked


def complaint_note(*, complaint: Complaint, by: User, text: str) -> None:
    text = _text(text, "text", limit=2000)
    if not complaints_for_user(by).filter(pk=complaint.pk).exists():
        raise PermissionDenied
    _event(complaint, EventKind.NOTE, by=by, note=text, public=False)


def complaint_place(*, complaint: Complaint, lat: float, lng: float, by: User) -> Complaint:
    """Put a report about a place off the register on the map: one filed by address only (a hotline
    call), or one whose point was wrong. The point decides the street or town; the department stays."""
    with transaction.atomic():
        locked = _lock(complaint)
        _guard_handler(by, locked)
        if locked.institution_id is not None:
            raise ValidationError(
                {"lat": _("This report is about an institution of the register; its place is known.")},
                code="institution",
            )
        if locked.status not in ACCEPTS_INFORMATION:
            raise _refused(locked)
        unit = unit_for_point(lat, lng)
        locked.lat, locked.lng, locked.unit = lat, lng, unit
        locked.save()
        _event(
            locked,
            EventKind.PLACED,
            by=by,
            note=f"{unit.name} ({lat:.5f}, {lng:.5f})",
            public=False,
        )
    return locked


def complaint_institution_reply(*, complaint: Complaint, by: User, text: str) -> Complaint:
    text = _text(text, "text", limit=2000, message=_("Please write your reply."))
    with transaction.atomic():
        locked = _lock(complaint)
        if not complaints_for_institution_user(by).filter(pk=locked.pk).exists():
            raise PermissionDenied
        if locked.institution_replied_at is not None:
            raise ValidationError(
                {"text": _("Your institution has already replied to this report.")}, code="replied"
            )
        if locked.status not in ACCEPTS_INFORMATION:
            raise ValidationError({"text": _("This report is closed.")}, code="closed")
        locked.institution_reply, locked.institution_replied_at = text, timezone.now()
        locked.save()
        _event(locked, EventKind.INSTITUTION_REPLIED, by=by, note=text)
    return locked


# --- the reporter (holding the tracking number and query code) ----------------------------------


def complaint_add_information(*, complaint: Complaint, text: str, photos: Sequence[File] = ()) -> Complaint:
    text = _text(text, "text", message=_("Please write what you want to add."))
    with transaction.atomic():
        locked = _lock(complaint)
        if locked.status not in ACCEPTS_INFORMATION:
            raise ValidationError({"text": _("This report is closed; please file a new one.")}, code="closed")
        clean = _clean_photos(photos, already=locked.photos.count())
        _event(locked, EventKind.INFO_ADDED, note=text)
        _store_photos(locked, clean)
        locked.save(update_fields=["updated_at"])
    transaction.on_commit(
        lambda: _tell(
            _officers(locked.department),
            _("The reporter added information to %(number)s.") % {"number": locked.tracking_number},
        )
    )
    return locked


def can_reopen(complaint: Complaint, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        complaint.status == S.ANSWERED
        and complaint.reopen_count == 0
        and complaint.answered_at is not None
        and now <= complaint.answered_at + timedelta(days=REOPEN_WITHIN_DAYS)
    )


def complaint_rate(
    *, complaint: Complaint, satisfied: bool, comment: str = "", reopen: bool = False
) -> Complaint:
    """The reporter rates the answer: satisfied closes it; not satisfied closes it or, once within 15
    days, reopens it for another answer with a fresh deadline."""
    comment = (comment or "").strip()[:1000]
    if reopen and satisfied:
        raise ValidationError(
            {"reopen": _("A case is reopened only when you are not satisfied.")}, code="reopen"
        )
    with transaction.atomic():
        locked = _lock(complaint)
        if locked.status != S.ANSWERED:
            raise ValidationError(_("Only an answered report can be rated."), code="transition")
        if reopen and not can_reopen(locked):
            raise ValidationError(
                {
                    "reopen": _("A report can be reopened once, within %(days)s days of the answer.")
                    % {"days": REOPEN_WITHIN_DAYS}
                },
                code="reopen",
            )
        _event(locked, EventKind.RATED, note=_("Satisfied") if satisfied else _("Not satisfied"))
        rating = {"satisfied": satisfied, "rating_comment": comment}
        if reopen:
            rule = routing_rule(locked.category)
            _move(
                locked,
                S.IN_PROGRESS,
                EventKind.REOPENED,
                by=None,
                note=comment,
                department=locked.department,
                changes={
                    **rating,
                    "reopen_count": locked.reopen_count + 1,
                    "answer_due_on": add_workdays(today(), rule.answer_days if rule else 15),
                    "escalated_at": None,
                },
            )
        else:
            _move(
                locked, S.CLOSED, EventKind.CLOSED, by=None, changes={**rating, "closed_at": timezone.now()}
            )
    if reopen:
        transaction.on_commit(
            lambda: _tell(
                _officers(locked.department),
                _("Report %(number)s was reopened by the reporter, who is not satisfied.")
                % {"number": locked.tracking_number},
            )
        )
    return locked


class LookupRefused(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def client_key(remote_addr: str) -> str:
    return salted_hmac("tuoyu.feedback.lookup", remote_addr or "unknown").hexdigest()


def complaint_lookup(*, tracking_number: str, query_code: str, client: str) -> Complaint:
    """马上查: the case for a tracking number and its query code. A wrong number and a wrong code give the
    same answer, so the form does not tell which numbers exist; failures are counted per client and per
    case so that guessing a code is hopeless."""
    number = (tracking_number or "").strip().upper()
    code = "".join(ch for ch in (query_code or "") if ch.isdigit())
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    if (
        LookupAttempt.objects.filter(client_hash=client, at__gte=hour_ago).count()
        >= LOOKUP_FAILURES_PER_CLIENT_HOUR
    ):
        raise LookupRefused(_("Too many wrong tries. Please wait an hour and try again."), "rate_limited")
    complaint = (
        Complaint.objects.filter(tracking_number=number)
        .select_related("institution", "department", "merged_into")
        .first()
    )
    if complaint is not None and complaint.lookup_locked_until and complaint.lookup_locked_until > now:
        raise LookupRefused(_("Too many wrong tries. Please wait an hour and try again."), "rate_limited")
    if complaint is None or not constant_time_compare(code, complaint.query_code):
        with transaction.atomic():
            LookupAttempt.objects.create(client_hash=client)
            if complaint is not None:
                locked = _lock(complaint)
                locked.failed_lookups += 1
                if locked.failed_lookups >= LOOKUP_FAILURES_PER_COMPLAINT:
                    locked.failed_lookups = 0
                    locked.lookup_locked_until = now + timedelta(hours=1)
                locked.save(update_fields=["failed_lookups", "lookup_locked_until"])
        raise LookupRefused(
            _("The tracking number and the query code do not match. Please check both."), "no_match"
        )
    if complaint.failed_lookups:
        Complaint.objects.filter(pk=complaint.pk).update(failed_lookups=0)
    return complaint


# --- scheduled: `manage.py complaint_deadlines` -------------------------------------------------


def complaints_escalate_overdue(*, on: date | None = None) -> int:
    """Flag overdue open cases once each, on the public timeline, and tell the health commission's leads."""
    on = on or today()
    ids = list(
        Complaint.objects.filter(overdue_q(on), escalated_at__isnull=True).values_list("pk", flat=True)
    )
    lead = health_commission() if ids else None  # the department every escalation goes to, read once
    escalated = []
    for pk in ids:
        with transaction.atomic():
            locked = Complaint.objects.select_for_update().get(pk=pk)
            if locked.escalated_at is not None or not is_overdue(locked, on):
                continue
            locked.escalated_at = timezone.now()
            locked.save(update_fields=["escalated_at", "updated_at"])
            _event(locked, EventKind.ESCALATED, department=lead)
            escalated.append(locked)
    if escalated:
        leads = list(User.objects.filter(is_active=True, role__in=capabilities.HEALTH_COMMISSION_ADMINS))
        numbers = ", ".join(c.tracking_number for c in escalated)
        transaction.on_commit(
            lambda: _tell(leads, _("Overdue complaints escalated to you: %(numbers)s") % {"numbers": numbers})
        )
    return len(escalated)


def lookup_attempts_forget(*, now: datetime | None = None) -> int:
    """Drop failed look-ups older than a day: the limit counts only the last hour, and the rows say
    something about visitors that need not be kept."""
    now = now or timezone.now()
    deleted, _rows = LookupAttempt.objects.filter(at__lt=now - timedelta(days=1)).delete()
    return deleted


def complaints_close_unrated(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(days=CLOSE_UNRATED_AFTER_DAYS)
    closed = 0
    for pk in Complaint.objects.filter(status=S.ANSWERED, answered_at__lt=cutoff).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            locked = Complaint.objects.select_for_update().get(pk=pk)
            if locked.status != S.ANSWERED or locked.answered_at >= cutoff:
                continue
            _move(
                locked,
                S.CLOSED,
                EventKind.CLOSED,
                by=None,
                note=_("Not rated within %(days)s days.") % {"days": CLOSE_UNRATED_AFTER_DAYS},
                changes={"closed_at": now},
            )
            closed += 1
    return closed


# --- configuration ------------------------------------------------------------------------------


def routing_load(*, rules: list[dict]) -> int:
    """Replace the routing table from data: [{"category", "department", "co_departments", "involve_street",
    "acknowledge_days", "answer_days"}], departments by code. All or nothing."""
    errors = []
    with transaction.atomic():
        for index, row in enumerate(rules, start=1):
            category = row.get("category")
            if category not in Category.values:
                errors.append(f"rule {index}: unknown category {category!r}")
                continue
            codes = [row.get("department"), *row.get("co_departments", [])]
            found = {d.code: d for d in Department.objects.filter(code__in=codes)}
            missing = [c for c in codes if c not in found]
            if missing:
                errors.append(f"rule {index}: unknown department {missing}")
                continue
            rule, _created = RoutingRule.objects.update_or_create(
                category=category,
                defaults={
                    "department": found[row["department"]],
                    "involve_street": bool(row.get("involve_street", False)),
                    "acknowledge_days": int(row.get("acknowledge_days", 1)),
                    "answer_days": int(row.get("answer_days", 15)),
                },
            )
            rule.co_departments.set([found[c] for c in row.get("co_departments", [])])
        if errors:
            transaction.set_rollback(True)
            raise ValueError("; ".join(errors))
    return len(rules)


def routing_load_file(path) -> int:
    import json
    from pathlib import Path

    return routing_load(rules=json.loads(Path(path).read_text(encoding="utf-8"))["rules"])


ROUTING_FILE = settings.BASE_DIR / "tuoyu" / "feedback" / "data" / "kaizhou_routing.json"
