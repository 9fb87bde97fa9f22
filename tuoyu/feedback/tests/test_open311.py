"""Open311 GeoReport v2, checked against the published specification (wiki.open311.org/GeoReport_v2):
every documented field with its type in JSON and XML, W3C dates with a timezone, the filters and the
default 90-day window of GET requests, the error format, and filing with an api_key. And our own rule:
the public never learns who reported, nor reads the reporter's words."""

import re
import secrets
from datetime import UTC, datetime, timedelta
from io import StringIO
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tuoyu.feedback import open311
from tuoyu.feedback.models import Category, Complaint, Open311Client

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
NAME, PHONE = "王小明", "13912345678"
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")

SERVICE_FIELDS = {
    "service_code": str,
    "service_name": str,
    "description": str,
    "metadata": bool,
    "type": str,
    "keywords": str,
    "group": str,
}
REQUEST_FIELDS = {
    "service_request_id": str,
    "status": str,
    "status_notes": str,
    "service_name": str,
    "service_code": str,
    "description": str,
    "agency_responsible": str,
    "service_notice": str,
    "requested_datetime": str,
    "updated_datetime": str,
    "expected_datetime": str,
    "address": str,
    "address_id": str,
    "zipcode": str,
    "lat": float,
    "long": float,
    "media_url": str,
}
DATE_FIELDS = ("requested_datetime", "updated_datetime", "expected_datetime")


# --- helpers ------------------------------------------------------------------------------------


def parse(response, fmt: str, root: str, item: str) -> list[dict]:
    """The body as a list of dicts; XML children become strings, as the spec's XML has no types."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return response.json()
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    tree = ElementTree.fromstring(response.content)  # noqa: S314 (our own response)
    assert tree.tag == root
    assert all(child.tag == item for child in tree)
    return [{field.tag: field.text or "" for field in child} for child in tree]


def get_requests(client, fmt="json", path="requests", **params) -> list[dict]:
    response = client.get(f"{BASE}{path}.{fmt}", params)
    assert response.status_code == 200, response.content
    return parse(response, fmt, "service_requests", "request")


def errors_of(response, fmt="json") -> list[dict]:
    return parse(response, fmt, "errors", "error")


def post(client, fmt="json", **data):
    """A POST as the spec sends it: application/x-www-form-urlencoded."""
    return client.post(
        f"{BASE}requests.{fmt}", urlencode(data), content_type="application/x-www-form-urlencoded"
    )


def numbers(rows) -> set[str]:
    return {row["service_request_id"] for row in rows}


def is_w3c_with_timezone(value: str) -> bool:
    return bool(W3C.match(value)) and datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


@pytest.fixture
def api_key(db):
    key = secrets.token_urlsafe(32)
    Open311Client.objects.create(name="12345热线", key_hash=open311.key_hash(key))
    return key


@pytest.fixture
def place(hanfeng):
    """A point inside the district, off the register."""
    return {"lat": hanfeng.center_lat + 0.001234, "lng": hanfeng.center_lng + 0.004321}


@pytest.fixture
def unlicensed(file_complaint, place):
    return file_complaint(
        category="unlicensed",
        institution=None,
        place_name="某小区家庭托儿点",
        address="汉丰街道某小区3栋",
        description="小区里有人在家里收了十几个孩子。",
        media_url="https://photos.example/1.jpg",
        **place,
    ).complaint


# --- service discovery and the service list -----------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery_points_at_this_v2_endpoint_in_both_formats(client, fmt):
    response = client.get(f"{BASE}discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        data = response.json()
        endpoint = data["endpoints"][0]
        formats = endpoint["formats"]
    else:
        tree = ElementTree.fromstring(response.content)  # noqa: S314 (our own response)
        assert tree.tag == "discovery"
        data = {child.tag: child.text for child in tree if child.tag != "endpoints"}
        node = tree.find("endpoints/endpoint")
        endpoint = {child.tag: child.text for child in node if child.tag != "formats"}
        formats = [f.text for f in node.findall("formats/format")]
    assert is_w3c_with_timezone(data["changeset"]) and data["contact"] and data["key_service"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert set(formats) == {"text/xml", "application/json"}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_services_are_one_per_category_with_every_field_of_the_spec(client, fmt):
    rows = parse(client.get(f"{BASE}services.{fmt}"), fmt, "services", "service")
    assert [row["service_code"] for row in rows] == Category.values
    for row in rows:
        assert set(row) == set(SERVICE_FIELDS)
        for field, kind in SERVICE_FIELDS.items():
            if fmt == "json":
                assert isinstance(row[field], kind), (field, row[field])
        assert row["service_name"] == str(Category(row["service_code"]).label)
        assert row["description"] and row["keywords"]
        # Every service has a definition: our own attributes (the place's name, a register id).
        assert str(row["metadata"]).lower() == "true"
        assert row["type"] == "realtime"
        with translation.override("zh-hans"):
            assert row["group"] == translation.gettext("Childcare")  # 托育


def test_services_speak_english_when_asked(client):
    rows = client.get(f"{BASE}services.json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert rows[0]["group"] == "Childcare"


# --- GET requests: fields, types, dates ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_requests_carry_every_field_of_the_spec_with_its_type(client, file_complaint, unlicensed, fmt):
    named = file_complaint().complaint
    rows = get_requests(client, fmt)
    assert numbers(rows) == {named.tracking_number, unlicensed.tracking_number}
    for row in rows:
        assert set(row) == set(REQUEST_FIELDS)
        for field, kind in REQUEST_FIELDS.items():
            value = row[field]
            if fmt == "json":
                assert isinstance(value, kind), (field, value)
            else:
                kind(value)  # XML text converts to the documented type
        assert row["status"] in {"open", "closed"}
        for field in DATE_FIELDS:
            assert is_w3c_with_timezone(row[field]), (field, row[field])
    by_number = {row["service_request_id"]: row for row in rows}
    row = by_number[named.tracking_number]
    institution = named.institution
    assert row["service_code"] == "food"
    assert row["agency_responsible"] == named.department.name
    assert row["address"] == institution.address and row["address_id"] == str(institution.pk)
    assert float(row["lat"]) == institution.lat and float(row["long"]) == institution.lng


def test_dates_are_beijing_time_and_the_answer_is_expected_by_the_end_of_its_due_day(client, file_complaint):
    complaint = file_complaint().complaint
    (row,) = get_requests(client)
    requested = datetime.fromisoformat(row["requested_datetime"])
    assert requested.utcoffset() == timedelta(hours=8)
    assert abs(requested - complaint.received_at) < timedelta(seconds=1)
    expected = datetime.fromisoformat(row["expected_datetime"])
    assert expected.date() == complaint.answer_due_on
    assert (expected.hour, expected.minute) == (23, 59)


def test_an_answered_case_stays_open_with_the_answer_in_the_status_notes(
    client, file_complaint, food_officer
):
    from tuoyu.feedback.services import complaint_answer

    complaint = file_complaint().complaint
    (row,) = get_requests(client)
    assert row["status"] == "open" and complaint.department.name in row["status_notes"]
    assert row["service_notice"]
    complaint_answer(complaint=complaint, by=food_officer, finding="substantiated", answer="已责令整改。")
    (row,) = get_requests(client)
    assert row["status"] == "open"
    assert "已责令整改。" in row["status_notes"]


def test_a_rated_case_is_closed_and_updated_when_it_closed(client, file_complaint, food_officer):
    from tuoyu.feedback.services import complaint_answer, complaint_rate

    complaint = file_complaint().complaint
    complaint_answer(complaint=complaint, by=food_officer, finding="partly", answer="已约谈园长。")
    complaint = complaint_rate(complaint=complaint, satisfied=True)
    (row,) = get_requests(client)
    assert row["status"] == "closed"
    assert "已约谈园长。" in row["status_notes"]
    assert abs(datetime.fromisoformat(row["updated_datetime"]) - complaint.closed_at) < timedelta(seconds=1)
    assert row["service_notice"] == ""


def test_a_merged_case_is_closed_and_names_the_case_it_joined(client, file_complaint, food_officer):
    from tuoyu.feedback.services import complaint_merge

    first = file_complaint().complaint
    duplicate = file_complaint(institution=first.institution).complaint
    complaint_merge(complaint=duplicate, into=first, by=food_officer)
    (row,) = get_requests(client, service_request_id=duplicate.tracking_number)
    assert row["status"] == "closed"
    assert first.tracking_number in row["status_notes"]


# --- GET requests: filters and the default window ------------------------------------------------


def test_requests_filter_by_service_code_list(client, file_complaint, unlicensed):
    food = file_complaint().complaint
    fees = file_complaint(category="fees").complaint
    assert numbers(get_requests(client, service_code="food")) == {food.tracking_number}
    both = numbers(get_requests(client, service_code="food,unlicensed"))
    assert both == {food.tracking_number, unlicensed.tracking_number}
    assert fees.tracking_number not in both
    assert get_requests(client, service_code="pothole") == []


def test_requests_filter_by_status(client, file_complaint, food_officer):
    from tuoyu.feedback.services import complaint_merge

    open_case = file_complaint().complaint
    closed_case = file_complaint(institution=open_case.institution).complaint
    complaint_merge(complaint=closed_case, into=open_case, by=food_officer)
    assert numbers(get_requests(client, status="open")) == {open_case.tracking_number}
    assert numbers(get_requests(client, status="closed")) == {closed_case.tracking_number}
    assert len(get_requests(client, status="open,closed")) == 2
    response = client.get(f"{BASE}requests.json", {"status": "pending"})
    assert response.status_code == 400
    assert errors_of(response)[0]["code"] == 400


def test_requests_filter_by_a_list_of_service_request_ids_which_overrides_everything_else(
    client, file_complaint
):
    a, b, c = (file_complaint().complaint for _ in range(3))
    Complaint.objects.filter(pk=a.pk).update(received_at=timezone.now() - timedelta(days=400))
    wanted = f"{a.tracking_number},{b.tracking_number.lower()}"
    rows = get_requests(client, service_request_id=wanted, service_code="fees", status="closed")
    assert numbers(rows) == {a.tracking_number, b.tracking_number}


def test_requests_default_to_the_last_90_days(client, file_complaint):
    recent = file_complaint().complaint
    old = file_complaint().complaint
    Complaint.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=91))
    assert numbers(get_requests(client)) == {recent.tracking_number}


def test_requests_filter_by_a_date_window(client, file_complaint):
    recent = file_complaint().complaint
    old = file_complaint().complaint
    Complaint.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=120))
    start = (timezone.now() - timedelta(days=130)).astimezone(UTC)
    end = start + timedelta(days=30)
    rows = get_requests(
        client,
        start_date=start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        end_date=end.isoformat(timespec="seconds"),
    )
    assert numbers(rows) == {old.tracking_number}
    # Only a start: the 90 days after it. Only an end: the 90 days before it.
    assert numbers(get_requests(client, start_date=start.isoformat())) == {old.tracking_number}
    since_yesterday = (timezone.now() - timedelta(days=1)).isoformat()
    assert numbers(get_requests(client, start_date=since_yesterday)) == {recent.tracking_number}
    assert numbers(get_requests(client, end_date=end.isoformat())) == {old.tracking_number}


def test_a_plus_sign_lost_in_the_query_string_still_reads_as_a_timezone(client, file_complaint):
    recent = file_complaint().complaint
    start = timezone.localtime(timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    response = client.get(f"{BASE}requests.json?start_date={start}+08:00")  # '+' decodes to a space
    assert response.status_code == 200
    assert numbers(response.json()) == {recent.tracking_number}


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},  # more than 90 days
        {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},  # end before start
        {"start_date": "last tuesday"},
    ],
)
def test_a_bad_date_window_is_a_400_error(client, params):
    response = client.get(f"{BASE}requests.xml", params)
    assert response.status_code == 400
    (error,) = errors_of(response, "xml")
    assert error["code"] == "400" and error["description"]


def test_requests_stop_at_the_spec_maximum(client, file_complaint, monkeypatch):
    monkeypatch.setattr(open311.views, "MAX_REQUESTS", 2)
    made = [file_complaint().complaint for _ in range(3)]
    rows = get_requests(client)
    assert numbers(rows) == {made[2].tracking_number, made[1].tracking_number}  # the newest first


def test_the_list_takes_a_fixed_number_of_queries_whatever_the_rows(
    client, file_complaint, unlicensed, api_key, food_officer
):
    from tuoyu.feedback.services import complaint_merge

    def count(**params):
        with CaptureQueriesContext(connection) as queries:
            rows = get_requests(client, **params)
        return len(queries), len(rows)

    few = count(), count(api_key=api_key)
    first = file_complaint().complaint
    for _ in range(4):
        complaint_merge(
            complaint=file_complaint(institution=first.institution).complaint, into=first, by=food_officer
        )
    file_complaint(category="fees")
    many = count(), count(api_key=api_key)
    assert [rows for _, rows in many] == [7, 7]
    assert [queries for queries, _ in many] == [queries for queries, _ in few]
    assert [queries for queries, _ in many] == [1, 2]  # the requests; with a key, the key too


# --- GET one request ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_one_request_is_a_list_of_one(client, file_complaint, fmt):
    complaint = file_complaint().complaint
    rows = get_requests(client, fmt, path=f"requests/{complaint.tracking_number}")
    assert numbers(rows) == {complaint.tracking_number}
    assert set(rows[0]) == set(REQUEST_FIELDS)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_a_404_error(client, routing, fmt):
    response = client.get(f"{BASE}requests/TS20260101-99999.{fmt}")
    assert response.status_code == 404
    (error,) = errors_of(response, fmt)
    assert str(error["code"]) == "404" and "TS20260101-99999" in error["description"]


# --- errors common to every method --------------------------------------------------------------


@pytest.mark.parametrize("path", ["discovery.html", "services.csv", "requests.yaml", "requests/TS1.txt"])
def test_an_unknown_format_is_a_404_error_in_json(client, path):
    response = client.get(BASE + path)
    assert response.status_code == 404
    (error,) = errors_of(response)
    assert error["code"] == 404 and error["description"]


def test_the_jurisdiction_is_optional_and_a_wrong_one_is_a_404_error(client, settings):
    assert client.get(f"{BASE}services.json").status_code == 200
    assert client.get(f"{BASE}services.json", {"jurisdiction_id": ""}).status_code == 200
    assert client.get(f"{BASE}services.json", {"jurisdiction_id": "500154"}).status_code == 200
    response = client.get(f"{BASE}requests.xml", {"jurisdiction_id": "sfgov.org"})
    assert response.status_code == 404
    assert errors_of(response, "xml")[0]["code"] == "404"
    settings.TUOYU_OPEN311_JURISDICTION_ID = "kaizhou.gov.cn"
    assert client.get(f"{BASE}services.json", {"jurisdiction_id": "kaizhou.gov.cn"}).status_code == 200


def test_services_do_not_accept_a_post(client):
    response = client.post(f"{BASE}services.json")
    assert response.status_code == 405
    assert errors_of(response)[0]["code"] == 405


# --- POST a request -----------------------------------------------------------------------------


def valid(place, **extra):
    data = {
        "service_code": "unlicensed",
        "lat": place["lat"],
        "long": place["lng"],
        "address_string": "汉丰街道某小区5栋",
        "description": "楼下有人在家里收孩子托管。",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key", [None, "", "not-a-key"])
def test_a_post_without_a_valid_api_key_is_a_403_error_and_stores_nothing(client, routing, place, fmt, key):
    data = valid(place) if key is None else valid(place, api_key=key)
    response = post(client, fmt, **data)
    assert response.status_code == 403
    (error,) = errors_of(response, fmt)
    assert str(error["code"]) == "403" and "api_key" in error["description"]
    assert not Complaint.objects.exists()


def test_a_revoked_key_no_longer_files(client, routing, place, api_key):
    Open311Client.objects.update(active=False)
    assert post(client, api_key=api_key, **valid(place)).status_code == 403
    assert client.get(f"{BASE}requests.json", {"api_key": api_key}).status_code == 403
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_valid_post_files_a_request_that_gets_back(client, routing, place, api_key, fmt):
    response = post(client, fmt, api_key=api_key, jurisdiction_id="500154", **valid(place))
    assert response.status_code == 200, response.content
    (row,) = parse(response, fmt, "service_requests", "request")
    assert set(row) == {"service_request_id", "service_notice", "account_id"}
    assert row["account_id"] in (None, "")
    complaint = Complaint.objects.get()
    assert row["service_request_id"] == complaint.tracking_number
    # The person needs both to follow the report on 马上查.
    assert (
        complaint.tracking_number in row["service_notice"] and complaint.query_code in row["service_notice"]
    )
    assert complaint.source == "12345热线" and complaint.anonymous
    assert complaint.category == "unlicensed" and complaint.address == "汉丰街道某小区5栋"
    (back,) = get_requests(client, fmt, path=f"requests/{complaint.tracking_number}")
    assert back["service_request_id"] == complaint.tracking_number
    assert back["status"] == "open" and back["service_code"] == "unlicensed"
    assert back["agency_responsible"] == complaint.department.name


def test_a_post_with_a_name_and_phone_files_a_named_report(client, routing, place, api_key):
    response = post(client, api_key=api_key, first_name="小明", last_name="王", phone=PHONE, **valid(place))
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert not complaint.anonymous
    assert (complaint.reporter_name, complaint.reporter_phone) == (NAME, PHONE)


def test_a_name_without_a_phone_files_anonymously(client, routing, place, api_key):
    assert post(client, api_key=api_key, first_name=NAME, **valid(place)).status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.anonymous and not complaint.reporter_name


def test_a_post_can_name_an_institution_of_the_register(client, routing, make_institution, api_key):
    institution = make_institution()
    for field in ("attribute[institution_id]", "address_id"):
        response = post(
            client,
            api_key=api_key,
            service_code="food",
            description="饭菜是凉的。",
            **{field: institution.pk},
        )
        assert response.status_code == 200, response.content
    assert list(Complaint.objects.values_list("institution", flat=True)) == [institution.pk] * 2
    (row, _) = get_requests(client)
    assert row["address_id"] == str(institution.pk) and row["address"] == institution.address


def test_a_bare_point_is_enough_for_a_location(client, routing, place, api_key):
    data = valid(place)
    del data["address_string"]
    assert post(client, api_key=api_key, **data).status_code == 200
    assert Complaint.objects.get().address


@pytest.mark.parametrize(
    "change, status",
    [
        ({"lat": 39.9042, "long": 116.4074}, 400),  # Beijing: outside the district
        ({"service_code": "pothole"}, 404),
        ({"service_code": ""}, 400),
        ({"lat": "", "long": "", "address_string": ""}, 400),  # no location at all
        ({"long": ""}, 400),  # lat without long
        ({"lat": "north"}, 400),
        ({"description": ""}, 400),
        ({"media_url": "javascript:alert(1)"}, 400),
        ({"first_name": NAME, "phone": "12345"}, 400),
        ({"attribute[institution_id]": "999999"}, 400),
        ({"jurisdiction_id": "sfgov.org"}, 404),
    ],
)
def test_a_bad_post_is_an_error_and_stores_nothing(client, routing, place, api_key, change, status):
    response = post(client, api_key=api_key, **valid(place, **change))
    assert response.status_code == status, response.content
    errors = errors_of(response)
    assert errors and all(e["code"] == status and e["description"] for e in errors)
    assert not Complaint.objects.exists()
    assert NAME not in response.content.decode()


# --- privacy -------------------------------------------------------------------------------------


def test_the_reporter_never_appears_in_any_response(client, routing, place, api_key):
    created = post(client, api_key=api_key, first_name=NAME, phone=PHONE, **valid(place))
    assert created.status_code == 200
    number = created.json()[0]["service_request_id"]
    bodies = [created.content.decode()]
    for fmt in ("json", "xml"):
        for params in ({}, {"api_key": api_key}):
            for path in ("discovery", "services", "requests", f"requests/{number}"):
                response = client.get(f"{BASE}{path}.{fmt}", params)
                assert response.status_code == 200
                bodies.append(response.content.decode())
            bodies.append(
                client.get(f"{BASE}requests.{fmt}", {"service_request_id": number}).content.decode()
            )
    assert sum(number in body for body in bodies) >= 9
    for body in bodies:
        assert NAME not in body and PHONE not in body and "139****5678" not in body


def test_the_public_does_not_read_the_reporters_words_or_photos_but_a_keyed_client_does(
    client, unlicensed, api_key
):
    (public,) = get_requests(client)
    assert public["description"] == "" and public["media_url"] == ""
    assert unlicensed.description not in str(public)
    (keyed,) = get_requests(client, api_key=api_key)
    assert keyed["description"] == unlicensed.description
    assert keyed["media_url"] == "https://photos.example/1.jpg"
    (one,) = get_requests(client, "xml", path=f"requests/{unlicensed.tracking_number}", api_key=api_key)
    assert one["description"] == unlicensed.description


def test_a_place_off_the_register_is_shown_to_the_public_only_to_about_100_metres(
    client, unlicensed, api_key
):
    (public,) = get_requests(client)
    assert (public["lat"], public["long"]) == (round(unlicensed.lat, 3), round(unlicensed.lng, 3))
    (keyed,) = get_requests(client, api_key=api_key)
    assert (keyed["lat"], keyed["long"]) == (unlicensed.lat, unlicensed.lng)


def test_the_query_code_is_given_only_in_the_answer_to_the_post(client, routing, place, api_key):
    created = post(client, api_key=api_key, **valid(place))
    code = Complaint.objects.get().query_code
    assert code in created.content.decode()
    for fmt in ("json", "xml"):
        for params in ({}, {"api_key": api_key}):
            assert code not in client.get(f"{BASE}requests.{fmt}", params).content.decode()


# --- the management command ---------------------------------------------------------------------


def test_the_command_prints_a_key_once_that_files_until_it_is_revoked(client, routing, place):
    out = StringIO()
    call_command("open311_client", "create", "城市App", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    client_row = Open311Client.objects.get(name="城市App")
    assert client_row.key_hash == open311.key_hash(key) and key not in client_row.key_hash
    assert post(client, api_key=key, **valid(place)).status_code == 200
    call_command("open311_client", "revoke", "城市App", stdout=StringIO())
    assert post(client, api_key=key, **valid(place)).status_code == 403
    assert Complaint.objects.count() == 1


# --- interoperability: what widely used clients send and ask ------------------------------------


def test_a_post_may_carry_the_api_key_in_the_query_string(client, routing, place, api_key):
    # A widely used client library appends api_key to the URL and sends the rest as the body.
    response = client.post(
        f"{BASE}requests.json?{urlencode({'api_key': api_key})}",
        urlencode(valid(place)),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content
    assert Complaint.objects.get().source == "12345热线"


def test_a_wrong_api_key_in_the_query_string_is_still_refused(client, routing, place):
    response = client.post(
        f"{BASE}requests.json?api_key=not-a-key",
        urlencode(valid(place)),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 403
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_service_definition_lists_our_attributes(client, fmt):
    response = client.get(f"{BASE}services/unlicensed.{fmt}")
    assert response.status_code == 200, response.content
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        data = response.json()
        attributes = data["attributes"]
    else:
        tree = ElementTree.fromstring(response.content)  # noqa: S314 (our own response)
        assert tree.tag == "service_definition"
        data = {"service_code": tree.findtext("service_code")}
        attributes = [{f.tag: f.text for f in a} for a in tree.findall("attributes/attribute")]
    assert data["service_code"] == "unlicensed"
    codes = {a["code"]: a for a in attributes}
    assert set(codes) == {"place_name", "institution_id"}
    for attribute in attributes:
        assert {
            "variable",
            "code",
            "datatype",
            "required",
            "datatype_description",
            "order",
            "description",
        } <= set(attribute)
        assert str(attribute["required"]).lower() == "false"
        assert attribute["datatype"] in {"string", "number"}
        assert attribute["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_definition_is_a_404_error(client, fmt):
    response = client.get(f"{BASE}services/pothole.{fmt}")
    assert response.status_code == 404
    (error,) = errors_of(response, fmt)
    assert str(error["code"]) == "404" and "pothole" in error["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_token_is_the_tracking_number_and_answers_with_its_request(client, file_complaint, fmt):
    # A POST answers the service_request_id at once; a client that asks tokens/ with it is answered too.
    number = file_complaint().complaint.tracking_number
    response = client.get(f"{BASE}tokens/{number.lower()}.{fmt}")
    assert response.status_code == 200, response.content
    (row,) = parse(response, fmt, "service_requests", "request")
    assert row == {"service_request_id": number, "token": number}


def test_an_unknown_token_is_a_404_error(client, routing):
    response = client.get(f"{BASE}tokens/TS20260101-99999.xml")
    assert response.status_code == 404
    (error,) = errors_of(response, "xml")
    assert error["code"] == "404"


@pytest.mark.parametrize(
    "method, path, fmt",
    [
        ("get", "/open311/v2/", "json"),
        ("get", "/open311/v2/requests/", "json"),
        ("get", "/open311/v2/services/unlicensed/extra.xml", "xml"),
        ("get", "/open311/v2/nothing-here.xml", "xml"),
        ("post", "/open311/v2/requests/TS1/notes.json", "json"),
        ("get", "/open311/", "json"),
        ("get", "/open311/v3/services.xml", "xml"),
    ],
)
def test_an_unknown_path_under_open311_is_a_404_error_in_the_standard_format(client, method, path, fmt):
    response = getattr(client, method)(path)
    assert response.status_code == 404
    (error,) = errors_of(response, fmt)
    assert str(error["code"]) == "404" and error["description"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_method_no_resource_takes_is_a_405_error_in_the_standard_format(client, method):
    response = getattr(client, method)(f"{BASE}requests.xml")
    assert response.status_code == 405
    assert errors_of(response, "xml")[0]["code"] == "405"
    assert set(response["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_an_unexpected_failure_is_a_500_error_in_the_standard_format(client, monkeypatch):
    def broken():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(open311.views, "_complaints", broken)
    client.raise_request_exception = False
    response = client.get(f"{BASE}requests.xml")
    assert response.status_code == 500
    (error,) = errors_of(response, "xml")
    assert error["code"] == "500" and "database" not in error["description"]


@pytest.mark.parametrize("phone", ["023-52212345", "02352212345", "(023)5221 2345", "+86 23 5221 2345"])
def test_a_named_report_may_give_a_landline_with_its_area_code(client, routing, place, api_key, phone):
    # A 12345 hotline forwards callers from landlines too; the handlers call them back there.
    response = post(client, api_key=api_key, first_name="小明", last_name="王", phone=phone, **valid(place))
    assert response.status_code == 200, response.content
    complaint = Complaint.objects.get()
    assert not complaint.anonymous
    assert complaint.reporter_phone == "02352212345"


def test_a_landline_gets_no_sms_but_a_mobile_does(
    client, routing, place, api_key, monkeypatch, django_capture_on_commit_callbacks
):
    from tuoyu.feedback.services import notifications

    sent = []
    monkeypatch.setattr(notifications, "send_sms", lambda *, recipient, **_: sent.append(recipient))
    with django_capture_on_commit_callbacks(execute=True):
        post(client, api_key=api_key, first_name="小明", last_name="王", phone="023-52212345", **valid(place))
        post(client, api_key=api_key, first_name="小明", last_name="王", phone=PHONE, **valid(place))
    assert Complaint.objects.count() == 2
    assert sent == [PHONE]


@pytest.mark.parametrize("phone", ["52212345", "12345", "023-1234"])
def test_a_phone_number_without_an_area_code_or_too_short_is_a_400_error(
    client, routing, place, api_key, phone
):
    response = post(client, api_key=api_key, first_name="小明", last_name="王", phone=phone, **valid(place))
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_a_description_may_have_the_standards_4000_characters_but_no_more(client, routing, place, api_key):
    assert post(client, api_key=api_key, **valid(place, description="托" * 4000)).status_code == 200
    assert len(Complaint.objects.get().description) == 4000
    response = post(client, api_key=api_key, **valid(place, description="托" * 4001))
    assert response.status_code == 400
    assert Complaint.objects.count() == 1


def test_dates_accept_a_lowercase_z(client, file_complaint):
    recent = file_complaint().complaint
    start = (timezone.now() - timedelta(days=1)).astimezone(UTC).strftime("%Y-%m-%dt%H:%M:%Sz")
    assert numbers(get_requests(client, start_date=start)) == {recent.tracking_number}


# --- read-only CORS -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["discovery.json", "services.xml", "services/food.json", "requests.json"])
def test_reading_is_open_to_any_web_page_without_credentials(client, routing, path):
    response = client.get(f"{BASE}{path}", HTTP_ORIGIN="https://map.example")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_a_read_error_is_readable_by_a_web_page_too(client, routing):
    response = client.get(f"{BASE}requests/TS1.json", HTTP_ORIGIN="https://map.example")
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_preflight_allows_get_only(client):
    response = client.options(
        f"{BASE}requests.json",
        HTTP_ORIGIN="https://map.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert response.status_code in (200, 204)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"].replace(" ", "").split(",") == ["GET", "OPTIONS"]
    assert "POST" not in response["Access-Control-Allow-Methods"]


def test_a_post_is_not_opened_to_web_pages(client, routing, place, api_key):
    response = post(client, api_key=api_key, **valid(place))
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


# --- an address without a point ------------------------------------------------------------------


def unplaced(place, **extra):
    data = valid(place, address_string="开州区汉丰街道滨湖路12号3楼", **extra)
    del data["lat"], data["long"]
    return data


def test_an_address_without_a_point_is_routed_and_waits_to_be_placed_on_the_map(
    client, routing, place, api_key, kaizhou
):
    from tuoyu.feedback.services import routing_rule

    response = post(client, api_key=api_key, **unplaced(place))
    assert response.status_code == 200, response.content
    complaint = Complaint.objects.get()
    assert complaint.address == "开州区汉丰街道滨湖路12号3楼"
    assert complaint.lat is None and complaint.lng is None
    assert complaint.needs_placing
    # Routed by category like any report; the street or town is unknown, so it is the district's.
    assert complaint.department == routing_rule("unlicensed").department
    assert complaint.unit == kaizhou
    assert complaint.status == "assigned"


def test_an_unplaced_request_shows_no_point_and_not_the_typed_address_to_the_public(
    client, routing, place, api_key, kaizhou
):
    post(client, api_key=api_key, **unplaced(place))
    (public,) = get_requests(client)
    assert public["lat"] is None and public["long"] is None
    assert public["address"] == kaizhou.name
    (xml,) = get_requests(client, "xml")
    assert xml["lat"] == "" and xml["address"] == kaizhou.name
    (keyed,) = get_requests(client, api_key=api_key)
    assert keyed["address"] == "开州区汉丰街道滨湖路12号3楼"


def test_a_handler_places_an_unplaced_report_on_the_map(client, routing, place, api_key, reviewer, hanfeng):
    from tuoyu.feedback.models import ComplaintEvent

    post(client, api_key=api_key, **unplaced(place))
    complaint = Complaint.objects.get()
    client.force_login(reviewer)
    page = client.get(f"/complaints/{complaint.pk}/")
    assert page.status_code == 200
    assert f"/complaints/{complaint.pk}/place/" in page.content.decode()
    response = client.post(f"/complaints/{complaint.pk}/place/", {"lat": place["lat"], "lng": place["lng"]})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.lat, complaint.lng) == (place["lat"], place["lng"])
    assert complaint.unit == hanfeng and not complaint.needs_placing
    event = ComplaintEvent.objects.filter(complaint=complaint, kind="placed").get()
    assert event.by == reviewer and not event.public
    assert (
        f"/complaints/{complaint.pk}/place/"
        not in client.get(f"/complaints/{complaint.pk}/").content.decode()
    )


def test_placing_outside_the_district_or_by_someone_else_is_refused(
    client, routing, place, api_key, reviewer, street_officer
):
    from tuoyu.feedback.services import complaint_place

    post(client, api_key=api_key, **unplaced(place))
    complaint = Complaint.objects.get()
    client.force_login(reviewer)
    response = client.post(f"/complaints/{complaint.pk}/place/", {"lat": 39.9042, "lng": 116.4074})
    assert response.status_code == 302  # back to the case, with the reason as a message
    complaint.refresh_from_db()
    assert complaint.lat is None
    with pytest.raises(PermissionDenied):
        complaint_place(complaint=complaint, lat=place["lat"], lng=place["lng"], by=street_officer)


def test_an_institutions_case_cannot_be_placed(file_complaint, reviewer, place):
    from django.core.exceptions import ValidationError

    from tuoyu.feedback.services import complaint_place

    complaint = file_complaint().complaint
    with pytest.raises(ValidationError):
        complaint_place(complaint=complaint, lat=place["lat"], lng=place["lng"], by=reviewer)


# --- a place off the register on public Open311 --------------------------------------------------


def test_a_place_off_the_register_shows_the_public_its_street_or_town_not_the_typed_address(
    client, unlicensed, api_key, hanfeng
):
    (public,) = get_requests(client)
    assert public["address"] == hanfeng.name
    assert "某小区" not in str(public)
    (one,) = get_requests(client, "xml", path=f"requests/{unlicensed.tracking_number}")
    assert one["address"] == hanfeng.name
    (keyed,) = get_requests(client, api_key=api_key)
    assert keyed["address"] == "汉丰街道某小区3栋"
