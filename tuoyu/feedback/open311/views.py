"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2/): services and requests.

Hotlines and city apps file complaints and reports here, and anyone can follow them. The spec's
`service` is one of our categories; its `request` is one complaint, whose `service_request_id` is the
tracking number. Reading needs no key; filing needs an active Open311Client's api_key (`manage.py
open311_client`). What the public reads is what the statistics pages could show: the category, the
department, the dates and the answer, never the reporter, and not the reporter's own words or photos,
which only a keyed client sees; nor, for a place off the register, the address typed for it (the
public gets the street or town and a point rounded to about 100 m). Every answer under /open311/,
failures and unknown paths included, is in the spec's format; reading is open to any web page (CORS),
filing is not. docs/open311.md is the client's guide.
"""

import logging
import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from tuoyu.core.access import public
from tuoyu.core.workdays import SHANGHAI
from tuoyu.institutions.models import Institution

from ..models import Category, Complaint, ComplaintStatus, Finding
from ..services import complaint_file
from ..workflow import FINISHED, OPEN
from .authentication import _client, _param, open311_view
from .renderers import FORMATS, Open311Error, _answer, _format_of_path, _render

S = ComplaintStatus
logger = logging.getLogger("tuoyu.feedback.open311")

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint last changed in a way a client should notice (service discovery's changeset).
CHANGESET = "2026-11-29T00:00:00+08:00"
# The spec's response volume: a span of 90 days or the first 1000 requests, whichever is smaller.
WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
# A place not in the register may be someone's home: the public sees it to about 100 m.
PUBLIC_DECIMALS = 3
# The spec has only open and closed. An answered case stays open: the reporter may still rate it and
# have it reopened once within 15 days. Only a case nobody acts on again is closed (workflow.FINISHED).
CLOSED = FINISHED


@public
@csrf_exempt
def not_found(request, rest: str = ""):
    """Every other path under /open311/: the spec's 404, in XML when the path asks for it."""
    fmt = _format_of_path(request.path)

    def run():
        raise Open311Error(
            404,
            _("There is no Open311 resource at %(path)s. The service discovery is at %(discovery)s.")
            % {"path": request.path, "discovery": reverse("open311:discovery", kwargs={"fmt": fmt})},
        )

    return _answer(request, fmt, ("GET", "POST"), run)


# "+08:00" arrives as " 08:00" when a client forgets to encode the plus sign of the query string.
_UNENCODED_PLUS = re.compile(r" (\d\d:?\d\d)$")


def _datetime(request, name: str) -> datetime | None:
    value = _param(request, name)
    if not value:
        return None
    # ISO 8601 letters may be lowercase (2026-01-01t00:00:00z); Python and Django read only capitals.
    value = _UNENCODED_PLUS.sub(r"+\1", value).upper()
    try:
        parsed = parse_datetime(value)
        if parsed is None and (day := parse_date(value)) is not None:
            parsed = datetime.combine(day, time.min)
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(
            400,
            _("%(name)s is not a date and time in W3C format, e.g. 2026-01-01T00:00:00+08:00.")
            % {"name": name},
        )
    # The spec requires a timezone; a value without one is read as Beijing time rather than refused.
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=SHANGHAI)


def _list(request, name: str) -> list[str]:
    return [v.strip() for v in _param(request, name).split(",") if v.strip()]


# --- what a request shows -------------------------------------------------------------------------


def _w3c(value: datetime | None) -> str | None:
    return timezone.localtime(value, SHANGHAI).isoformat(timespec="seconds") if value else None


def _status_notes(c: Complaint) -> str:
    department = c.department.name if c.department_id else ""
    if c.status == S.MERGED:
        return _("Merged into %(number)s: the two are handled together.") % {"number": c.merged_number}
    if c.status in (S.ANSWERED, S.CLOSED) and c.answer:
        finding = Finding(c.finding).label if c.finding else ""
        text = (
            _("Finding: %(finding)s. %(answer)s") % {"finding": finding, "answer": c.answer}
            if finding
            else c.answer
        )
        if c.status == S.ANSWERED:
            return _("Answered (open until the reporter rates the answer): %(answer)s") % {"answer": text}
        return text
    if c.status == S.CLOSED:
        return _("Closed.")
    if c.status == S.IN_PROGRESS:
        return _("Being handled by %(department)s.") % {"department": department}
    if c.status == S.ASSIGNED:
        return _("Passed to %(department)s.") % {"department": department}
    return _("Received.")


def _expected(c: Complaint) -> datetime | None:
    # Due "by" a day means by the end of that day, Beijing time.
    if c.answer_due_on is None:
        return None
    return datetime.combine(c.answer_due_on, time(23, 59, 59), tzinfo=SHANGHAI)


def _request_fields(c: Complaint, *, trusted: bool) -> dict:
    """One request as the spec names its fields. `trusted` (a valid api_key) adds the reporter's own
    description and media link and the exact point; the reporter's name and number are never here."""
    if c.institution_id:
        address, address_id = c.institution.address, str(c.institution_id)
        lat, lng = c.institution.lat, c.institution.lng
    elif trusted:
        address, address_id = c.address or c.place_name, ""
        lat, lng = c.lat, c.lng
    else:
        # A place off the register may be someone's home: the public learns the street or town (the
        # district while a hotline's address waits to be placed) and the point to about 100 m.
        address, address_id = c.unit.name, ""
        lat, lng = c.lat, c.lng
        if lat is not None and lng is not None:
            lat, lng = round(lat, PUBLIC_DECIMALS), round(lng, PUBLIC_DECIMALS)
    is_open = c.status not in CLOSED
    due = _expected(c)
    return {
        "service_request_id": c.tracking_number,
        "status": "open" if is_open else "closed",
        "status_notes": _status_notes(c),
        "service_name": str(Category(c.category).label),
        "service_code": c.category,
        "description": c.description if trusted else "",
        "agency_responsible": c.department.name if c.department_id else "",
        "service_notice": (
            _("The answer is due by %(date)s.") % {"date": c.answer_due_on.isoformat()}
            if c.status in OPEN and due
            else ""
        ),
        "requested_datetime": _w3c(c.received_at),
        # For a closed request the spec wants the time it was closed.
        "updated_datetime": _w3c(c.closed_at if not is_open and c.closed_at else c.updated_at),
        "expected_datetime": _w3c(due),
        "address": address,
        "address_id": address_id,
        "zipcode": "",
        "lat": lat,
        "long": lng,
        "media_url": c.media_url if trusted else "",
    }


def _complaints():
    # One query whatever the rows. The reporter's encrypted fields are never even loaded.
    return (
        Complaint.objects.select_related("institution", "department", "unit")
        .annotate(merged_number=F("merged_into__tracking_number"))
        .defer("query_code", "reporter_name", "reporter_phone", "rating_comment", "institution_reply")
        .order_by("-received_at", "-id")
    )


# --- views --------------------------------------------------------------------------------------


def _service_descriptions() -> dict[str, tuple[str, str]]:
    """(description, keywords) of each category, in the visitor's language."""
    return {
        Category.SAFETY: (
            _("Fire, electrical, building or equipment dangers at a childcare place."),
            _("safety, fire, electricity, injury"),
        ),
        Category.HYGIENE: (
            _("Dirty rooms, toilets or bedding; infection control and disinfection."),
            _("hygiene, cleaning, disinfection, infection"),
        ),
        Category.FOOD: (
            _("Meals, kitchen hygiene, food safety and food poisoning."),
            _("food, meals, kitchen, food poisoning"),
        ),
        Category.FEES: (
            _("Charges above the published fees, hidden charges, refunds."),
            _("fees, charges, refund, price"),
        ),
        Category.CARE: (
            _("A child hit, neglected, locked up or cared for badly."),
            _("abuse, neglect, care, staff"),
        ),
        Category.UNLICENSED: (
            _("Children looked after for pay at a place that is not in the register of filed institutions."),
            _("unlicensed, unfiled, home childcare, illegal"),
        ),
        Category.ADVERTISING: (
            _("Promises or claims in advertising that are not true."),
            _("advertising, false claims, promotion"),
        ),
        Category.OTHER: (_("Anything else about childcare services."), _("other, childcare")),
    }


@open311_view("GET")
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": fmt})).rsplit("/", 1)[0]
    data = {
        "changeset": CHANGESET,
        "contact": _("Open311 for childcare complaints and reports, run by %(issuer)s.")
        % {"issuer": settings.TUOYU_ISSUER},
        "key_service": _("A key to file requests is issued by the health commission on request."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": [FORMATS["xml"].split(";")[0], FORMATS["json"].split(";")[0]],
            }
        ],
    }
    return _render(data, fmt, "discovery")


@open311_view("GET")
def service_list(request, fmt):
    texts = _service_descriptions()
    data = [
        {
            "service_code": category.value,
            "service_name": str(category.label),
            "description": texts[category][0],
            # Every service takes our two optional attributes, which its definition describes.
            "metadata": True,
            "type": "realtime",
            "keywords": texts[category][1],
            "group": _("Childcare"),
        }
        for category in Category
    ]
    return _render(data, fmt, "services")


def _attributes() -> list[dict]:
    """Our own attributes (the spec's service definition), the same for every service. Both optional:
    a hotline often knows neither the place's name nor whether it is in the register."""
    return [
        {
            "variable": True,
            "code": "place_name",
            "datatype": "string",
            "required": False,
            "datatype_description": _("Up to 100 characters."),
            "order": 1,
            "description": _("The name of the place the report is about, as people call it."),
        },
        {
            "variable": True,
            "code": "institution_id",
            "datatype": "number",
            "required": False,
            "datatype_description": _("The address_id of an institution, as GET requests show it."),
            "order": 2,
            "description": _("The institution of the public register the report is about, if it is one."),
        },
    ]


@open311_view("GET")
def service_definition(request, service_code, fmt):
    if service_code not in Category.values:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": service_code})
    return _render({"service_code": service_code, "attributes": _attributes()}, fmt, "service_definition")


@open311_view("GET")
def token(request, token_id, fmt):
    """Filing is synchronous: a POST answers the service_request_id itself and issues no other token.
    A client that asks anyway with that id (a library that always asks) learns it is its own id."""
    number = token_id.strip().upper()
    if not Complaint.objects.filter(tracking_number=number).exists():
        raise Open311Error(404, _("No token %(token)s.") % {"token": token_id})
    return _render([{"service_request_id": number, "token": number}], fmt, "service_requests")


@open311_view("GET", "POST")
def request_list(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    client = _client(request, required=False)
    qs = _complaints()
    numbers = [n.upper() for n in _list(request, "service_request_id")]
    if numbers:
        qs = qs.filter(tracking_number__in=numbers)  # the spec: this overrides all other arguments
    else:
        codes = _list(request, "service_code")
        if codes:
            qs = qs.filter(category__in=codes)
        statuses = set(_list(request, "status"))
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status takes open, closed or both, comma-separated."))
        if statuses == {"open"}:
            qs = qs.exclude(status__in=CLOSED)
        elif statuses == {"closed"}:
            qs = qs.filter(status__in=CLOSED)
        start, end = _datetime(request, "start_date"), _datetime(request, "end_date")
        if start and end and end < start:
            raise Open311Error(400, _("end_date is before start_date."))
        if start and end and end - start > WINDOW:
            raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
        if start is None and end is None:
            end = timezone.now()
        start = start or end - WINDOW
        end = end or start + WINDOW
        qs = qs.filter(received_at__gte=start, received_at__lte=end)
    data = [_request_fields(c, trusted=client is not None) for c in qs[:MAX_REQUESTS]]
    return _render(data, fmt, "service_requests")


@open311_view("GET")
def request_detail(request, request_id, fmt):
    client = _client(request, required=False)
    complaint = _complaints().filter(tracking_number=request_id.strip().upper()).first()
    if complaint is None:
        raise Open311Error(404, _("No request %(id)s.") % {"id": request_id})
    return _render([_request_fields(complaint, trusted=client is not None)], fmt, "service_requests")


def _float(request, name: str) -> float | None:
    value = _param(request, name)
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise Open311Error(400, _("%(name)s is not a number.") % {"name": name}) from None


def _institution(request) -> Institution | None:
    """attribute[institution_id] (our own attribute) or address_id: an institution of the register,
    by the id that address_id shows in GET requests."""
    value = _param(request, "attribute[institution_id]") or _param(request, "address_id")
    if not value:
        return None
    institution = (
        Institution.objects.select_related("unit").filter(pk=int(value)).first()
        if value.isdigit() and len(value) <= 12
        else None
    )
    if institution is None:
        raise Open311Error(400, _("There is no institution %(id)s in the register.") % {"id": value})
    return institution


def _create(request, fmt):
    client = _client(request, required=True)
    code = _param(request, "service_code")
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    if code not in Category.values:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code})
    institution = _institution(request)
    lat, lng = _float(request, "lat"), _float(request, "long")
    if (lat is None) != (lng is None):
        raise Open311Error(400, _("lat and long must be sent together."))
    address = _param(request, "address_string")
    place_name = _param(request, "attribute[place_name]")
    if institution is None and lat is None and not address:
        raise Open311Error(
            400,
            _("A location is required: lat and long, address_string, or the institution's address_id."),
        )
    if institution is None and lat is not None and not (address or place_name):
        address = f"{lat:.5f}, {lng:.5f}"  # the spec allows a bare point; our reports want a place
    media_url = _param(request, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
            if len(media_url) > 500:
                raise ValidationError("too long")
        except ValidationError:
            raise Open311Error(400, _("media_url is not an http or https link.")) from None
    # Family name first, as names are written in Chinese.
    name = f"{_param(request, 'last_name')}{_param(request, 'first_name')}"
    phone = _param(request, "phone")
    named = bool(name and phone)
    try:
        filed = complaint_file(
            category=code,
            description=_param(request, "description"),
            institution=institution,
            place_name=place_name,
            address=address,
            lat=lat,
            lng=lng,
            anonymous=not named,
            reporter_name=name if named else "",
            reporter_phone=phone if named else "",
            source=client.name[: Complaint._meta.get_field("source").max_length],
            media_url=media_url,
            allow_landline=True,
            allow_unplaced=True,
        )
    except ValidationError as exc:
        raise Open311Error(400, *exc.messages) from None
    complaint = filed.complaint
    try:
        track = request.build_absolute_uri(reverse("feedback:track"))
    except NoReverseMatch:
        track = request.build_absolute_uri("/")
    notice = _(
        "Received as %(number)s, query code %(code)s. Follow the report with both at %(url)s. "
        "The answer is due by %(date)s."
    ) % {
        "number": complaint.tracking_number,
        "code": filed.query_code,
        "url": track,
        "date": complaint.answer_due_on.isoformat() if complaint.answer_due_on else "",
    }
    data = [{"service_request_id": complaint.tracking_number, "service_notice": notice, "account_id": None}]
    return _render(data, fmt, "service_requests")
