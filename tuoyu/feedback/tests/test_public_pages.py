"""The public side of complaints and reports: anyone files a report, then follows it with the tracking
number and query code (群众"投诉举报马上查")."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from PIL import Image

from tuoyu.feedback import services
from tuoyu.feedback.models import Complaint, ComplaintPhoto, ComplaintStatus

REPORT = "/complaints/new/"
TRACK = "/complaints/track/"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def said(msgid: str, **params) -> str:
    """A message as the page shows it in the default language (Chinese once translated), HTML-escaped."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return escape(text % params if params else text)


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def jpeg(name="photo.jpg", *, gps=False) -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    out = BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneCo"  # Make
        exif[0x8825] = {1: "N", 2: (29.0, 10.0, 0.0), 3: "E", 4: (108.0, 23.0, 1.0)}  # GPSInfo
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def form_key(client, url=REPORT) -> str:
    """Open the form like a browser (which also gets the CSRF cookie) and read its one-time key."""
    response = client.get(url)
    assert response.status_code == 200
    return re.search(r'name="key" value="([0-9a-f]+)"', response.content.decode()).group(1)


def report_data(**overrides) -> dict:
    data = {
        "category": "food",
        "description": "午餐的饭菜是凉的。",
        "anonymous": "1",
        "reporter_name": "",
        "reporter_phone": "",
    }
    data.update(overrides)
    return data


def look_up(client, filed, code=None):
    return client.post(
        TRACK,
        {"tracking_number": filed.complaint.tracking_number, "query_code": code or filed.query_code},
    )


def detail_url(filed) -> str:
    return reverse("feedback:track_detail", args=[filed.complaint.tracking_number])


@pytest.fixture
def answered(file_complaint, food_officer):
    """A named food report the department has answered."""
    filed = file_complaint()
    services.complaint_answer(
        complaint=filed.complaint,
        by=food_officer,
        finding="substantiated",
        answer="已责令整改，加装保温餐车。",
    )
    return filed


# --- filing -------------------------------------------------------------------------------------


def test_an_anonymous_visitor_reports_an_institution_with_a_photo_whose_location_is_removed(
    client, routing, make_institution, private_media
):
    institution = make_institution(name="阳光托育园")
    url = f"{REPORT}?institution={institution.pk}"
    page = client.get(url)
    assert "阳光托育园" in page.content.decode()
    key = form_key(client, url)
    photo = jpeg(gps=True)
    assert Image.open(BytesIO(photo.read())).getexif().get(0x8825)  # the upload really carries GPS
    photo.seek(0)

    response = client.post(
        REPORT, report_data(institution=institution.pk, key=key, photos=[photo]), follow=False
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:report_done")
    complaint = Complaint.objects.get()
    assert complaint.institution == institution
    assert complaint.anonymous and not complaint.reporter_name and not complaint.reporter_phone
    assert complaint.status == ComplaintStatus.ASSIGNED
    stored = ComplaintPhoto.objects.get(complaint=complaint)
    with Image.open(stored.file.path) as image:
        assert not image.getexif()
        assert "exif" not in image.info
    assert b"PhoneCo" not in stored.file.open("rb").read()


def test_the_done_page_shows_the_number_and_the_code_once(client, routing, make_institution):
    institution = make_institution()
    key = form_key(client, f"{REPORT}?institution={institution.pk}")
    client.post(REPORT, report_data(institution=institution.pk, key=key))
    complaint = Complaint.objects.get()

    page = client.get(reverse("feedback:report_done")).content.decode()

    code = complaint.query_code
    assert complaint.tracking_number in page
    assert f"{code[:4]} {code[4:]}" in page
    assert complaint.answer_due_on.strftime("%Y-%m-%d") in page
    # One time only: the code is not kept for anyone who opens the page later.
    again = client.get(reverse("feedback:report_done"))
    assert again.status_code == 302 and again["Location"] == reverse("feedback:track")
    # The reporter follows the case from here without typing the code back.
    assert client.get(reverse("feedback:track_detail", args=[complaint.tracking_number])).status_code == 200


def test_a_place_outside_the_district_is_refused_clearly_and_nothing_is_stored(
    client, routing, private_media
):
    key = form_key(client)

    response = client.post(
        REPORT,
        report_data(
            category="unlicensed",
            place_name="某小区家庭托儿点",
            address="北京市东城区",
            lat="39.9042",
            lng="116.4074",
            key=key,
            photos=[jpeg()],
        ),
    )

    assert response.status_code == 200
    assert said(
        "This place is outside the district this service covers. Please check the point on the map."
    ) in (response.content.decode())
    assert Complaint.objects.count() == 0
    assert ComplaintPhoto.objects.count() == 0
    assert stored_files(private_media) == []


def test_a_place_not_in_the_register_inside_the_district_is_filed_with_its_point(client, routing, hanfeng):
    key = form_key(client)

    response = client.post(
        REPORT,
        report_data(
            category="unlicensed",
            place_name="某小区家庭托儿点",
            address="汉丰街道某小区3栋",
            lat=str(hanfeng.center_lat),
            lng=str(hanfeng.center_lng),
            key=key,
        ),
    )

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.institution is None and complaint.unit == hanfeng
    assert complaint.lat == pytest.approx(hanfeng.center_lat)


def test_an_empty_description_is_asked_for_and_nothing_is_stored(client, routing, make_institution):
    institution = make_institution()
    key = form_key(client)

    response = client.post(REPORT, report_data(institution=institution.pk, description="  ", key=key))

    assert response.status_code == 200
    assert said("Please describe what happened.") in response.content.decode()
    assert Complaint.objects.count() == 0


def test_a_text_file_named_jpg_is_refused(client, routing, make_institution, private_media):
    institution = make_institution()
    key = form_key(client)
    fake = SimpleUploadedFile("photo.jpg", b"just some text, not a photo", content_type="image/jpeg")

    response = client.post(REPORT, report_data(institution=institution.pk, key=key, photos=[fake]))

    assert response.status_code == 200
    assert said("This file is not a JPEG or PNG image. Please upload a photo.") in response.content.decode()
    assert Complaint.objects.count() == 0
    assert stored_files(private_media) == []


def test_seven_photos_are_too_many(client, routing, make_institution):
    institution = make_institution()
    key = form_key(client)

    response = client.post(
        REPORT, report_data(institution=institution.pk, key=key, photos=[jpeg(f"{n}.jpg") for n in range(7)])
    )

    assert response.status_code == 200
    assert said("At most %(max)s photos per report.", max=6) in response.content.decode()
    assert Complaint.objects.count() == 0


def test_a_time_in_the_future_is_refused(client, routing, make_institution):
    institution = make_institution()
    key = form_key(client)

    response = client.post(
        REPORT,
        report_data(institution=institution.pk, key=key, happened_date="2999-01-01", happened_time="10:00"),
    )

    assert response.status_code == 200
    assert said("The time it happened cannot be in the future.") in response.content.decode()
    assert Complaint.objects.count() == 0


def test_a_named_report_needs_a_valid_mobile_number(client, routing, make_institution):
    institution = make_institution()
    key = form_key(client)

    response = client.post(
        REPORT,
        report_data(
            institution=institution.pk, key=key, anonymous="0", reporter_name="王小明", reporter_phone="123"
        ),
    )

    assert response.status_code == 200
    assert said("Please enter an 11-digit mobile number.") in response.content.decode()
    assert Complaint.objects.count() == 0


def test_a_double_submitted_form_files_one_report(client, routing, make_institution):
    institution = make_institution()
    key = form_key(client)
    data = report_data(institution=institution.pk, key=key)

    first = client.post(REPORT, data)
    first_page = client.get(reverse("feedback:report_done")).content.decode()
    second = client.post(REPORT, data)
    second_page = client.get(reverse("feedback:report_done")).content.decode()

    assert first.status_code == second.status_code == 302
    assert Complaint.objects.count() == 1
    complaint = Complaint.objects.get()
    assert complaint.tracking_number in first_page and complaint.tracking_number in second_page


def test_a_key_copied_into_another_browser_never_returns_the_first_reporters_code(
    client, routing, make_institution
):
    institution = make_institution()
    key = form_key(client)
    client.post(REPORT, report_data(institution=institution.pk, key=key))
    first = Complaint.objects.get()

    other = Client()
    form_key(other)  # the other browser gets its own CSRF secret
    other.post(REPORT, report_data(institution=institution.pk, key=key, description="另一份举报"))
    page = other.get(reverse("feedback:report_done")).content.decode()

    assert Complaint.objects.count() == 2
    assert first.tracking_number not in page


def test_an_unknown_or_unfiled_institution_is_refused(client, routing, make_institution):
    draft = make_institution(status="draft")
    key = form_key(client)

    response = client.post(REPORT, report_data(institution=draft.pk, key=key))

    assert response.status_code == 200
    assert said("This institution is not in the public register.") in response.content.decode()
    assert Complaint.objects.count() == 0


def test_the_report_page_is_in_chinese_by_default(client, routing):
    page = client.get(REPORT).content.decode()

    assert '<html lang="zh-hans">' in page
    assert "马上查" in page
    assert 'type="file"' in page and "multiple" in page and 'accept="image/jpeg,image/png"' in page


# --- 马上查 ----------------------------------------------------------------------------------------


def test_the_right_code_shows_the_timeline_and_never_the_reporter(client, file_complaint):
    filed = file_complaint()

    response = look_up(client, filed)

    assert response.status_code == 302 and response["Location"] == detail_url(filed)
    page = client.get(detail_url(filed)).content.decode()
    assert 'data-testid="timeline"' in page
    assert filed.complaint.tracking_number in page
    assert "区市场监管局" in page  # assigned to the food department
    assert filed.complaint.answer_due_on.strftime("%Y-%m-%d") in page
    assert "王小明" not in page and "13912345678" not in page


def test_the_wrong_code_says_they_do_not_match_and_shows_nothing_of_the_case(client, file_complaint):
    filed = file_complaint()
    wrong = "00000000" if filed.query_code != "00000000" else "11111111"

    response = look_up(client, filed, code=wrong)

    page = response.content.decode()
    assert response.status_code == 200
    assert said("The tracking number and the query code do not match. Please check both.") in page
    assert filed.complaint.description not in page and 'data-testid="timeline"' not in page
    assert client.get(detail_url(filed)).status_code == 302


def test_after_ten_wrong_tries_the_client_is_refused_even_with_the_right_code(client, file_complaint):
    filed = file_complaint()
    wrong = "00000000" if filed.query_code != "00000000" else "11111111"
    for _ in range(services.LOOKUP_FAILURES_PER_CLIENT_HOUR):
        assert look_up(client, filed, code=wrong).status_code == 200

    response = look_up(client, filed)

    assert response.status_code == 429
    assert said("Too many wrong tries. Please wait an hour and try again.") in response.content.decode()
    assert client.get(detail_url(filed)).status_code == 302


def test_the_detail_page_without_a_look_up_sends_to_the_form(client, file_complaint):
    filed = file_complaint()

    response = client.get(detail_url(filed))

    assert response.status_code == 302 and response["Location"] == reverse("feedback:track")


def test_the_reporter_adds_information_and_a_photo(client, file_complaint, private_media):
    filed = file_complaint()
    look_up(client, filed)
    url = reverse("feedback:track_add", args=[filed.complaint.tracking_number])

    response = client.post(url, {"text": "今天的午餐也是凉的。", "photos": [jpeg()]})

    assert response.status_code == 302
    page = client.get(detail_url(filed)).content.decode()
    assert "今天的午餐也是凉的。" in page
    photo = ComplaintPhoto.objects.get(complaint=filed.complaint)
    photo_url = reverse("feedback:track_photo", args=[filed.complaint.tracking_number, photo.pk])
    assert photo_url in page
    served = client.get(photo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_adding_nothing_is_refused(client, file_complaint):
    filed = file_complaint()
    look_up(client, filed)

    response = client.post(
        reverse("feedback:track_add", args=[filed.complaint.tracking_number]), {"text": ""}
    )

    assert response.status_code == 200
    assert said("Please write what you want to add.") in response.content.decode()
    assert filed.complaint.events.filter(kind="info_added").count() == 0


def test_a_photo_is_served_only_to_the_session_that_looked_the_case_up(client, file_complaint):
    filed = file_complaint(photos=[jpeg()])
    photo = filed.complaint.photos.get()
    url = reverse("feedback:track_photo", args=[filed.complaint.tracking_number, photo.pk])
    other = file_complaint()
    look_up(client, other)

    assert client.get(url).status_code == 404  # another case's session
    assert Client().get(url).status_code == 404  # no session at all
    wrong_case = reverse("feedback:track_photo", args=[other.complaint.tracking_number, photo.pk])
    assert client.get(wrong_case).status_code == 404  # the photo of another case under this one's number
    look_up(client, filed)
    assert client.get(url).status_code == 200


def test_rating_satisfied_closes_the_case(client, answered):
    look_up(client, answered)
    page = client.get(detail_url(answered)).content.decode()
    assert "已责令整改" in page

    response = client.post(
        reverse("feedback:track_rate", args=[answered.complaint.tracking_number]),
        {"satisfied": "1", "comment": "处理得很快"},
    )

    assert response.status_code == 302
    answered.complaint.refresh_from_db()
    assert answered.complaint.status == ComplaintStatus.CLOSED and answered.complaint.satisfied is True


def test_rating_not_satisfied_with_reopen_puts_it_back_in_progress_and_only_once(
    client, answered, food_officer
):
    look_up(client, answered)
    rate = reverse("feedback:track_rate", args=[answered.complaint.tracking_number])
    assert 'name="reopen"' in client.get(detail_url(answered)).content.decode()

    response = client.post(rate, {"satisfied": "0", "comment": "还是凉的", "reopen": "on"})

    assert response.status_code == 302
    complaint = Complaint.objects.get(pk=answered.complaint.pk)
    assert complaint.status == ComplaintStatus.IN_PROGRESS and complaint.reopen_count == 1

    services.complaint_answer(complaint=complaint, by=food_officer, finding="partly", answer="再次核查。")
    assert 'name="reopen"' not in client.get(detail_url(answered)).content.decode()
    again = client.post(rate, {"satisfied": "0", "reopen": "on"})

    assert again.status_code == 200
    assert (
        said("A report can be reopened once, within %(days)s days of the answer.", days=15)
        in again.content.decode()
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ANSWERED and complaint.reopen_count == 1


def test_a_merged_case_shows_the_other_cases_progress_but_not_its_report(
    client, file_complaint, food_officer
):
    institution_case = file_complaint(description="第一份举报的内容")
    duplicate = file_complaint(institution=institution_case.complaint.institution, description="重复的举报")
    services.complaint_merge(complaint=duplicate.complaint, into=institution_case.complaint, by=food_officer)
    services.complaint_answer(
        complaint=institution_case.complaint,
        by=food_officer,
        finding="substantiated",
        answer="合并处理的答复",
    )
    look_up(client, duplicate)

    page = client.get(detail_url(duplicate)).content.decode()

    assert 'data-testid="merged"' in page
    assert "合并处理的答复" in page
    assert "重复的举报" in page  # the visitor's own text
    assert "第一份举报的内容" not in page
    assert institution_case.complaint.tracking_number not in page


def test_the_detail_page_issues_the_same_number_of_queries_whatever_the_history(client, file_complaint):
    filed = file_complaint(photos=[jpeg()])
    look_up(client, filed)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(detail_url(filed)).status_code == 200
        return len(captured)

    few = queries()
    for n in range(5):
        services.complaint_add_information(complaint=filed.complaint, text=f"补充{n}", photos=[jpeg()])

    assert queries() == few


def test_a_closed_case_takes_no_more_information(client, answered):
    look_up(client, answered)
    number = answered.complaint.tracking_number
    client.post(reverse("feedback:track_rate", args=[number]), {"satisfied": "1"})
    assert 'data-testid="add-information"' not in client.get(detail_url(answered)).content.decode()

    response = client.post(reverse("feedback:track_add", args=[number]), {"text": "还想补充"})

    assert response.status_code == 200
    assert said("This report is closed; please file a new one.") in response.content.decode()
    assert answered.complaint.events.filter(kind="info_added").count() == 0


def test_a_filed_institution_is_found_by_name_from_the_report_form(client, routing, make_institution):
    found = make_institution(name="示例·彩虹托育园")
    make_institution(name="示例·彩虹幼儿园", status="draft")  # not in the public register
    response = client.get("/complaints/new/", {"q": "彩虹"})
    text = response.content.decode()
    assert f'href="?institution={found.pk}"' in text
    assert "彩虹幼儿园" not in text
    assert "示例·彩虹托育园" in client.get(f"/complaints/new/?institution={found.pk}").content.decode()
    assert (
        'data-testid="matches"' not in client.get("/complaints/new/", {"q": "没有这个名字"}).content.decode()
    )
