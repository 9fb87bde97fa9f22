"""The reporter's identity never reaches the institution, the public pages, the API, Open311 or a public
Excel file: every GET route of the project is fetched as every role that is not a handler, and as an
anonymous visitor, and each response (HTML, JSON, XML, xlsx unzipped) is searched for the name and number."""

import zipfile
from io import BytesIO

import pytest

from tuoyu.accounts.models import Role, User
from tuoyu.core.tests.test_routes import _concrete, all_routes
from tuoyu.feedback.models import Complaint

NAME = "王小明"
PHONE = "13912345678"
SECRETS = [NAME, PHONE, "139****5678"]

# Handlers need the reporter's name and number to call back; everyone else must never see them.
HANDLER_ROLES = {Role.HC_REVIEWER, Role.HC_ADMIN, Role.DEPARTMENT_OFFICER}


def _text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # xlsx: the strings live in the zipped XML parts
        with zipfile.ZipFile(BytesIO(body)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return body.decode("utf-8", "replace")


def _urls(samples: dict[str, str], pk: int):
    for route, _name, _view in all_routes():
        url = None if route.startswith("admin/") else _concrete(route, pk, samples)
        if url is not None:
            yield url


@pytest.fixture
def cases(file_complaint, food_officer, make_institution, member_of, operator):
    from tuoyu.feedback.services import complaint_answer, complaint_institution_reply

    institution = make_institution()
    member_of(operator, institution)
    named = file_complaint(institution=institution).complaint
    complaint_answer(complaint=named, by=food_officer, finding="substantiated", answer="已责令整改。")
    complaint_institution_reply(complaint=named, by=operator, text="我们已更换保温设备。")
    unlicensed = file_complaint(
        category="unlicensed",
        institution=None,
        place_name="某小区家庭托儿点",
        address="汉丰街道某小区",
        lat=institution.lat,
        lng=institution.lng,
    ).complaint
    return named, unlicensed


def test_the_reporter_is_stored_encrypted(cases):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_name, reporter_phone FROM feedback_complaint")
        for name, phone in cursor.fetchall():
            assert NAME not in name and PHONE not in phone
    assert Complaint.objects.get(pk=cases[0].pk).reporter_phone == PHONE


@pytest.mark.parametrize(
    "role", [None, *sorted(set(Role.values) - HANDLER_ROLES)], ids=lambda r: r or "anonymous"
)
def test_no_response_shows_the_reporter_to_anyone_but_handlers(client, cases, role, operator, hanfeng):
    named, unlicensed = cases
    if role == Role.INSTITUTION_OPERATOR:
        client.force_login(operator)  # a member of the institution complained about
    elif role is not None:
        extra = {"unit": hanfeng} if role == Role.STREET_OFFICER else {}
        client.force_login(
            User.objects.create_user(username=f"x-{role}", password="x-long-pw-1", role=role, **extra)
        )
    fetched = 0
    for complaint in (named, unlicensed):
        urls = set()
        for fmt in ("json", "xml"):
            samples = {
                "number": complaint.tracking_number,
                "request_id": complaint.tracking_number,
                "fmt": fmt,
            }
            urls.update(_urls(samples, complaint.pk))
        for url in sorted(urls):
            response = client.get(url)
            if response.status_code != 200:
                continue
            text = _text_of(response)
            leaked = [s for s in SECRETS if s in text]
            assert not leaked, (role, url, leaked)
            fetched += 1
    assert fetched > 20
