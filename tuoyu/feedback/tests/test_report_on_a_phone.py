"""The complaint form as a grandparent meets it on a phone (issue 11): the place is said in words, not in
coordinates; no place and no institution is a clear error; an anonymous reporter may have the tracking
number and query code sent by SMS without becoming known; the done page offers to copy and save them."""

import re

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from tuoyu.core.models import OutboxMessage
from tuoyu.core.notifications import deliver_due
from tuoyu.feedback.models import Complaint
from tuoyu.feedback.retention import purge
from tuoyu.feedback.services.notifications import ANONYMOUS_RECEIPT

from .test_public_pages import REPORT, form_key, report_data, said

pytestmark = pytest.mark.django_db

RECEIPT_PHONE = "13987654321"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def test_the_form_keeps_the_coordinates_out_of_sight_and_wires_the_picker(client, routing):
    page = client.get(REPORT).content.decode()

    # The two numbers sit in a closed box (typed only without JavaScript); the picker hides it.
    details = re.search(r'<details id="place-coordinates"[^>]*>(.*?)</details>', page, re.S)
    assert details is not None and " open" not in details.group(0)[: details.group(0).index(">")]
    assert 'name="lat"' in details.group(1) and 'name="lng"' in details.group(1)
    assert page.count('name="lat"') == 1
    assert 'data-hide-inputs="place-coordinates"' in page
    assert f'data-resolve="{reverse("feedback:report_place")}"' in page
    assert 'data-testid="place-status"' in page


def test_no_place_and_no_institution_is_one_clear_error_beside_the_map(client, routing):
    key = form_key(client)

    # Category missing too: both are listed at once, not one after the other.
    response = client.post(REPORT, report_data(category="", place_name="某处", key=key))

    page = response.content.decode()
    assert response.status_code == 200 and Complaint.objects.count() == 0
    error = re.search(r'<p class="error" role="alert" data-testid="place-error">([^<]*)</p>', page)
    assert error is not None
    assert error.group(1) == said(
        "Please mark the place on the map, or choose an institution from the register."
    )
    assert said("Please choose what the report is about.") in page
    # With the error the box of numbers opens for those who type them.
    assert re.search(r'<details id="place-coordinates"[^>]* open>', page)


def test_a_form_coming_back_names_its_point_in_words(client, routing, hanfeng):
    key = form_key(client)

    response = client.post(
        REPORT,
        report_data(description="", lat=str(hanfeng.center_lat), lng=str(hanfeng.center_lng), key=key),
    )

    status = re.search(r'data-testid="place-status">([^<]*)</p>', response.content.decode())
    assert status is not None and "汉丰街道" in status.group(1)


def test_the_picker_asks_the_server_for_the_street_or_town(client, routing, hanfeng):
    url = reverse("feedback:report_place")

    inside = client.get(url, {"lat": hanfeng.center_lat, "lng": hanfeng.center_lng})
    outside = client.get(url, {"lat": "39.9042", "lng": "116.4074"})  # Beijing
    nonsense = client.get(url, {"lat": "north", "lng": "1"})

    assert inside.status_code == 200 and inside.json() == {"place": "汉丰街道", "error": ""}
    assert outside.status_code == 200 and outside.json()["place"] == ""
    assert outside.json()["error"] == said(
        "This place is outside the district this service covers. Please check the point on the map."
    )
    assert nonsense.status_code == 200 and nonsense.json()["place"] == ""
    assert nonsense.json()["error"] == said("Please mark the place on the map.")


def _file_anonymously(client, institution, **extra):
    key = form_key(client, f"{REPORT}?institution={institution.pk}")
    return client.post(REPORT, report_data(institution=institution.pk, key=key, **extra))


def test_an_anonymous_reporter_gets_one_sms_and_stays_anonymous(
    client, routing, make_institution, django_capture_on_commit_callbacks
):
    institution = make_institution()
    with django_capture_on_commit_callbacks(execute=True):
        response = _file_anonymously(client, institution, sms_phone="139 8765 4321")

    assert response.status_code == 302, response.content.decode()[:2000]
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.reporter_phone == "" and complaint.reporter_name == ""
    assert complaint.reporter_id is None
    sms = OutboxMessage.objects.get(recipient=RECEIPT_PHONE)
    assert sms.channel == "sms" and sms.subject == ANONYMOUS_RECEIPT
    assert complaint.tracking_number in sms.body and complaint.query_code in sms.body
    assert (
        OutboxMessage.objects.filter(channel="sms")
        .exclude(pk=sms.pk)
        .filter(body__contains=complaint.query_code)
        .count()
        == 0
    )
    # The write is audited, with the number masked: the audit trail outlives the message.
    entry = LogEntry.objects.get_for_object(sms).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.changes_dict["recipient"][1] == "139****4321"
    assert not LogEntry.objects.filter(changes_text__contains=RECEIPT_PHONE).exists()
    assert not LogEntry.objects.filter(object_repr__contains=RECEIPT_PHONE).exists()
    # The done page says the SMS is on its way.
    page = client.get(reverse("feedback:report_done")).content.decode()
    assert said("We also sent them by SMS to the mobile number you gave.") in page

    # Sent, the number goes at the next daily purge; the code was masked at sending already.
    deliver_due()
    counts = purge(now=timezone.now())
    sms.refresh_from_db()
    assert sms.status == OutboxMessage.Status.SENT and sms.recipient == ""
    assert complaint.query_code not in sms.body
    assert counts["anonymous reporters' SMS numbers"] == 1


def test_a_wrong_sms_number_is_refused_and_nothing_is_filed(client, routing, make_institution):
    institution = make_institution()

    response = _file_anonymously(client, institution, sms_phone="12345")

    assert response.status_code == 200 and Complaint.objects.count() == 0
    assert said("Please enter an 11-digit mobile number.") in response.content.decode()
    assert OutboxMessage.objects.count() == 0


def test_a_named_reporter_gets_the_sms_on_their_own_number_only(
    client, routing, make_institution, django_capture_on_commit_callbacks
):
    institution = make_institution()
    with django_capture_on_commit_callbacks(execute=True):
        response = _file_anonymously(
            client,
            institution,
            anonymous="0",
            reporter_name="王小明",
            reporter_phone="13912345678",
            sms_phone=RECEIPT_PHONE,
        )

    assert response.status_code == 302
    assert not OutboxMessage.objects.filter(recipient=RECEIPT_PHONE).exists()
    assert OutboxMessage.objects.filter(recipient="13912345678", subject="").count() == 1


def test_the_done_page_offers_copy_and_a_picture_without_the_code_in_any_address(
    client, routing, make_institution
):
    institution = make_institution()
    _file_anonymously(client, institution)
    complaint = Complaint.objects.get()

    page = client.get(reverse("feedback:report_done")).content.decode()

    assert 'data-copy="tracking-number"' in page and 'data-copy="query-code"' in page
    assert 'data-testid="save-codes"' in page and "js/report-done.js" in page
    hrefs = re.findall(r'(?:href|src|action|data-[a-z-]+)="([^"]*)"', page)
    assert hrefs and not [h for h in hrefs if complaint.query_code in h.replace(" ", "")]


def test_the_escalated_badge_says_escalated_not_the_escalation_time(client, file_complaint, hc_lead):
    from tuoyu.feedback.models import Complaint as C

    filed = file_complaint()
    C.objects.filter(pk=filed.complaint.pk).update(escalated_at=timezone.now())
    client.force_login(hc_lead)

    page = client.get(reverse("feedback:queue")).content.decode()

    badge = re.search(r'data-testid="escalated">([^<]*)<', page)
    assert badge is not None and badge.group(1) == said("Escalated")
    assert badge.group(1) != said("escalated")  # the field's name, 督办时间, is not a badge


def test_the_demo_prints_its_stages_in_chinese_whatever_the_shells_language(
    routing, django_capture_on_commit_callbacks, capsys
):
    from tuoyu.bookings.demo import seed_bookings
    from tuoyu.institutions.demo import seed_district, seed_personas

    seed_district(count=10)
    seed_personas()
    seed_bookings()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        call_command("seed_feedback_demo")
    first = capsys.readouterr().out
    with translation.override("en"):
        call_command("seed_feedback_demo")
    again = capsys.readouterr().out

    assert first == again  # the first run prints what every later run prints
    with translation.override("zh-hans"):
        answered = str(Complaint.objects.get(status="answered").get_status_display())
    assert answered != "Answered" and answered in first
    for english in ("answered", "being handled", "unlicensed place", "overdue"):
        assert f"  {english} " not in first
