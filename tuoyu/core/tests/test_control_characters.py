"""Control characters are refused at the edge, and XML we write stays readable whatever is stored.

A \\x01 sent through Open311 was stored and broke the public requests.xml for every client."""

import json
import re
import secrets
from xml.etree import ElementTree

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tuoyu.core.control_characters import refused_field
from tuoyu.core.text import has_control_characters, xml_safe

OPEN311 = "/open311/v2/"
REPORT = "/complaints/new/"


@pytest.fixture
def routing(kaizhou):
    from tuoyu.feedback.services import ROUTING_FILE, routing_load_file

    routing_load_file(ROUTING_FILE)


@pytest.fixture
def api_key(db):
    from tuoyu.feedback import open311
    from tuoyu.feedback.models import Open311Client

    key = secrets.token_urlsafe(32)
    Open311Client.objects.create(name="12345热线", key_hash=open311.key_hash(key))
    return key


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _complaints():
    from tuoyu.feedback.models import Complaint

    return Complaint.objects.count()


def _open311_post(hanfeng, api_key, **overrides):
    data = {
        "api_key": api_key,
        "service_code": "food",
        "lat": hanfeng.center_lat,
        "long": hanfeng.center_lng,
        "address_string": "汉丰街道滨湖路8号",
        "description": "午餐的饭菜是凉的。",
    }
    data.update(overrides)
    return data


# --- what counts as a control character -----------------------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\x9f"])
def test_controls_del_and_c1_are_refused(char):
    assert has_control_characters(f"午餐{char}凉了")


@pytest.mark.parametrize("char", ["\ud800", "\udfff", "\ufffe", "\uffff"])
def test_lone_surrogates_and_xml_noncharacters_are_refused(char):
    assert has_control_characters(f"a{char}b")


def test_tab_line_breaks_and_chinese_text_pass():
    assert not has_control_characters("第一行\r\n第二行\t开州区 😀 ½ ©")


def test_xml_safe_drops_only_what_xml_cannot_hold():
    assert xml_safe("午餐\x01凉\x00了\ufffe") == "午餐凉了"
    assert xml_safe("第一行\r\n\t第二行 😀") == "第一行\r\n\t第二行 😀"


# --- refused at the edge ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_open311_post_with_a_control_character_is_a_400_in_open311s_error_format(
    client, routing, hanfeng, api_key, fmt
):
    response = client.post(
        f"{OPEN311}requests.{fmt}", _open311_post(hanfeng, api_key, description="午餐\x01凉了")
    )
    assert response.status_code == 400
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        errors = response.json()
        assert [error["code"] for error in errors] == [400]
        description = errors[0]["description"]
    else:
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        tree = ElementTree.fromstring(response.content)  # noqa: S314 (our own response)
        assert tree.tag == "errors" and [child.tag for child in tree] == ["error"]
        assert tree.find("error/code").text == "400"
        description = tree.find("error/description").text
    assert "description" in description
    assert _complaints() == 0


def test_a_control_character_in_a_field_name_still_gives_readable_xml(client, routing, hanfeng, api_key):
    # The refusal names the field; when the name itself holds the character, the XML must still parse.
    data = _open311_post(hanfeng, api_key)
    data["attribute[x\x02]"] = "1"
    response = client.post(f"{OPEN311}requests.xml", data)
    assert response.status_code == 400
    tree = ElementTree.fromstring(response.content)  # noqa: S314 (our own response)
    assert tree.find("error/code").text == "400"
    assert _complaints() == 0


def test_the_same_open311_post_without_the_control_character_files_a_report(
    client, routing, hanfeng, api_key
):
    response = client.post(f"{OPEN311}requests.json", _open311_post(hanfeng, api_key))
    assert response.status_code == 200, response.content
    assert _complaints() == 1


def test_a_form_post_with_a_control_character_is_refused_on_a_page_and_nothing_is_saved(
    client, routing, make_institution
):
    institution = make_institution()
    page = client.get(REPORT)
    key = re.search(r'name="key" value="([0-9a-f]+)"', page.content.decode()).group(1)
    data = {
        "institution": institution.pk,
        "category": "food",
        "description": "午餐的饭菜\x0b是凉的。",
        "anonymous": "1",
        "key": key,
    }
    response = client.post(REPORT, data)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    with translation.override("zh-hans"):
        title = translation.gettext("Hidden characters in the text")
    body = response.content.decode()
    assert title in body and '<main id="main">' in body  # the site's layout, in the visitor's language
    assert _complaints() == 0


def test_a_json_api_call_with_a_control_character_is_a_json_400(client, operator):
    client.force_login(operator)
    response = client.post(
        "/api/v1/children/",
        data=json.dumps({"name": "小明\u0001", "nested": [{"note": "ok"}]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["message"] and body["detail"]
    assert "name" in body["message"]


def test_a_query_string_with_a_control_character_is_refused(client, kaizhou):
    assert client.get("/institutions/", {"q": "阳光\x01"}).status_code == 400
    assert client.get("/institutions/", {"q\x85": "阳光"}).status_code == 400
    assert client.get("/institutions/", {"q": "阳光"}).status_code == 200


@pytest.mark.parametrize(
    "body",
    ['{"a": "\\u0085"}', '{"a": ["\\ud800"]}', '{"a\\u0001": 1}', '{"a": {"b": "x\\u007f"}}'],
)
def test_every_string_of_a_json_body_is_checked(body):
    request = RequestFactory().post("/api/v1/x/", data=body, content_type="application/json")
    assert refused_field(request) is not None


def test_tabs_and_line_breaks_in_a_form_are_accepted():
    request = RequestFactory().post("/complaints/new/", {"description": "第一行\r\n第二行\t完"})
    assert refused_field(request) is None


def test_a_malformed_json_body_is_left_to_the_view():
    request = RequestFactory().post("/api/v1/x/", data='{"a": "\x01', content_type="application/json")
    assert refused_field(request) is None


# --- XML output of what is already stored -----------------------------------------------------------


@pytest.mark.parametrize("keyed", [False, True])
def test_requests_xml_still_parses_when_a_stored_complaint_holds_control_characters(
    client, routing, hanfeng, api_key, keyed
):
    from tuoyu.feedback.models import Complaint
    from tuoyu.feedback.services import complaint_file

    filed = complaint_file(
        category="unlicensed",
        description="小区里有人在家里收孩子。",
        place_name="某小区家庭托儿点",
        address="汉丰街道某小区3栋",
        lat=hanfeng.center_lat,
        lng=hanfeng.center_lng,
    )
    # Written past the edge, as data stored before it refused them would be.
    Complaint.objects.filter(pk=filed.complaint.pk).update(
        description="小区里\x01有人\x0b在家里收孩子。",
        address="汉丰街道\x02某小区3栋",
        status="answered",  # so the public sees the answer in status_notes
        answer="已\x1b责令停止收托。",
    )
    response = client.get(f"{OPEN311}requests.xml", {"api_key": api_key} if keyed else {})
    assert response.status_code == 200
    tree = ElementTree.fromstring(response.content)  # noqa: S314 (our own response)
    request = tree.find("request")
    assert request.findtext("service_request_id") == filed.complaint.tracking_number
    assert request.findtext("status_notes").endswith("已责令停止收托。")
    if keyed:
        assert request.findtext("description") == "小区里有人在家里收孩子。"


@pytest.mark.parametrize("feed", ["filings:notices_rss", "filings:notices_atom"])
def test_the_notice_feeds_still_parse_when_a_notice_holds_control_characters(client, operator, feed):
    from tuoyu.filings.models import Filing, Notice, NoticeKind

    filing = Filing.objects.create(applicant=operator)
    Notice.objects.create(
        kind=NoticeKind.FILED, filing=filing, institution_name="阳光\x01托育园", summary="准予\x1f备案"
    )
    response = client.get(reverse(feed))
    assert response.status_code == 200
    text = ElementTree.tostring(ElementTree.fromstring(response.content), encoding="unicode")  # noqa: S314
    assert "阳光托育园" in text and "准予备案" in text
