"""The handling pages over HTTP: the departments' queue, its Excel download, the case page and its
actions, and the institution's page where it answers the complaints about it."""

import io
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from tuoyu.accounts.models import User
from tuoyu.feedback import views_government
from tuoyu.feedback.models import Complaint, ComplaintEvent, EventKind
from tuoyu.feedback.services import complaint_acknowledge, complaint_answer
from tuoyu.regions.models import Department

NAME, PHONE, MASKED = "王小明", "13912345678", "139****5678"
QUEUE = reverse("feedback:queue")
EXPORT = reverse("feedback:queue_export")
INSTITUTION_PAGE = reverse("feedback:institution_complaints")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def png(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def officer_of(code: str, username: str) -> User:
    return User.objects.create_user(
        username=username,
        password="correct-horse-battery",
        role="dept_officer",
        department=Department.objects.get(code=code),
    )


def numbers_in(response) -> set[str]:
    return set(re.findall(r'data-number="(TS[\d-]+)"', response.content.decode()))


def act(client, complaint, action, **data):
    return client.post(reverse("feedback:handle_action", args=[complaint.pk, action]), data)


def sheet_of(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def elsewhere(hanfeng):
    """A street or town of Kaizhou other than 汉丰街道."""
    from tuoyu.regions.selectors import grassroots_units

    return grassroots_units().exclude(pk=hanfeng.pk).first()


# --- the queue ------------------------------------------------------------------------------------


def test_the_queue_refuses_families_and_institutions(client, family, operator):
    for user in (family, operator):
        client.force_login(user)
        assert client.get(QUEUE).status_code == 403
        assert client.get(EXPORT).status_code == 403


def test_the_queue_shows_a_department_its_own_cases_and_the_health_commission_all(
    client, file_complaint, food_officer, reviewer
):
    food = file_complaint().complaint
    safety = file_complaint(category="safety").complaint
    client.force_login(food_officer)
    assert numbers_in(client.get(QUEUE)) == {food.tracking_number}
    client.force_login(reviewer)
    response = client.get(QUEUE)
    assert numbers_in(response) == {food.tracking_number, safety.tracking_number}
    assert "市场监管" in response.content.decode() or str(food.department) in response.content.decode()


def test_the_queue_filters_by_department_unit_category_status_overdue_and_number(
    client, file_complaint, make_institution, reviewer, food_officer, elsewhere, hanfeng
):
    food = file_complaint().complaint
    safety = file_complaint(category="safety", institution=make_institution(unit=elsewhere)).complaint
    late = file_complaint(category="hygiene").complaint
    Complaint.objects.filter(pk=late.pk).update(acknowledge_due_on=date(2020, 1, 6))
    answered = file_complaint().complaint
    complaint_answer(
        complaint=answered, by=food_officer, finding="not_substantiated", answer="经核查不属实。"
    )
    client.force_login(reviewer)

    # With no filter the queue shows what is still open.
    assert numbers_in(client.get(QUEUE)) == {
        food.tracking_number,
        safety.tracking_number,
        late.tracking_number,
    }
    assert answered.tracking_number in numbers_in(client.get(QUEUE, {"status": ""}))
    assert numbers_in(client.get(QUEUE, {"status": "answered"})) == {answered.tracking_number}
    scjg = Department.objects.get(code="KZ-SCJG")
    # A browser sends every field of the form: here every status, then the open ones only.
    assert numbers_in(client.get(QUEUE, {"department": scjg.pk, "status": ""})) == {
        food.tracking_number,
        answered.tracking_number,
    }
    assert numbers_in(client.get(QUEUE, {"department": scjg.pk, "status": "open"})) == {food.tracking_number}
    assert numbers_in(client.get(QUEUE, {"unit": elsewhere.pk})) == {safety.tracking_number}
    assert safety.tracking_number not in numbers_in(client.get(QUEUE, {"unit": hanfeng.pk}))
    assert numbers_in(client.get(QUEUE, {"category": "safety"})) == {safety.tracking_number}
    assert numbers_in(client.get(QUEUE, {"overdue": "on"})) == {late.tracking_number}
    assert numbers_in(client.get(QUEUE, {"number": food.tracking_number[-5:], "status": ""})) == {
        food.tracking_number
    }
    # A filter value that does not parse is ignored, not an error page.
    assert client.get(QUEUE, {"department": "nonsense", "unit": "999999"}).status_code == 200


def test_the_queue_counts_open_overdue_and_answered_on_time_cases(
    client, file_complaint, food_officer, reviewer
):
    file_complaint()
    late = file_complaint().complaint
    Complaint.objects.filter(pk=late.pk).update(acknowledge_due_on=date(2020, 1, 6))
    answered = file_complaint().complaint
    complaint_answer(complaint=answered, by=food_officer, finding="substantiated", answer="已处理。")
    client.force_login(reviewer)
    html = client.get(QUEUE, {"status": ""}).content.decode()
    assert re.search(r'data-testid="count-open">2<', html)
    assert re.search(r'data-testid="count-overdue">1<', html)
    assert re.search(r'data-testid="count-on-time">1<', html)
    assert 'class="overdue"' in html


@pytest.mark.parametrize("persona", ["reviewer", "food_officer", "street_officer"])
def test_the_queue_takes_the_same_number_of_queries_for_3_and_30_cases(
    client, file_complaint, make_institution, persona, request
):
    user = request.getfixturevalue(persona)
    institution = make_institution()
    client.force_login(user)

    def add(n):
        for i in range(n):
            if i % 3 == 0:
                file_complaint(
                    category="fees",  # co-handled by 发改: the join a department officer's list makes
                    institution=None,
                    place_name=f"某小区托儿点{i}",
                    address="汉丰街道某小区",
                    lat=institution.lat,
                    lng=institution.lng,
                    anonymous=True,
                )
            else:
                file_complaint(institution=institution)
        Complaint.objects.filter(pk__in=list(Complaint.objects.values_list("pk", flat=True)[:2])).update(
            acknowledge_due_on=date(2020, 1, 6)
        )

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE, {"status": ""})
        assert response.status_code == 200
        return len(queries), len(numbers_in(response))

    # A first request stamps the staff session's last-seen time (at most once a minute): not counted.
    client.get(QUEUE)
    add(3)
    few, shown_few = count()
    add(27)
    many, shown_many = count()
    assert (shown_few, shown_many) == (3, 30)
    assert many == few


def test_the_queue_pages_and_the_excel_file_has_every_matching_case(
    client, file_complaint, reviewer, monkeypatch
):
    monkeypatch.setattr(views_government, "QUEUE_PAGE_SIZE", 2)
    cases = [file_complaint().complaint for _ in range(3)]
    client.force_login(reviewer)
    first = client.get(QUEUE)
    assert len(numbers_in(first)) == 2
    assert "page=2" in first.content.decode()
    assert len(numbers_in(client.get(QUEUE, {"page": 2}))) == 1
    rows = sheet_of(client.get(EXPORT))
    assert {row[0] for row in rows[1:] if row and row[0]} >= {c.tracking_number for c in cases}


def test_handlers_get_the_reporter_in_the_excel_file_but_never_for_an_anonymous_report(
    client, file_complaint, food_officer
):
    named = file_complaint().complaint
    anonymous = file_complaint(anonymous=True, description="后厨有老鼠。").complaint
    client.force_login(food_officer)
    rows = sheet_of(client.get(EXPORT))
    header, by_number = rows[0], {row[0]: row for row in rows[1:] if row and str(row[0]).startswith("TS")}
    assert len(header) == 18  # the 16 columns everyone gets, then the name and the number
    assert by_number[named.tracking_number][-2:] == (NAME, PHONE)
    assert by_number[anonymous.tracking_number][-2:] in ((None, None), ("", ""))
    assert set(by_number) == {named.tracking_number, anonymous.tracking_number}


def test_a_street_officer_gets_no_identity_columns_in_the_excel_file(client, file_complaint, street_officer):
    named = file_complaint().complaint
    client.force_login(street_officer)
    response = client.get(EXPORT)
    rows = sheet_of(response)
    assert len(rows[0]) == 16
    assert named.tracking_number in {row[0] for row in rows}
    flat = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    assert NAME not in flat and PHONE not in flat and MASKED not in flat


def test_the_excel_file_follows_the_queue_filters(client, file_complaint, reviewer):
    food = file_complaint().complaint
    safety = file_complaint(category="safety").complaint
    client.force_login(reviewer)
    numbers = {row[0] for row in sheet_of(client.get(EXPORT, {"category": "safety"}))[1:] if row}
    assert safety.tracking_number in numbers and food.tracking_number not in numbers


# --- one case -------------------------------------------------------------------------------------


def test_a_handler_sees_the_whole_case_with_the_reporter_notes_and_photos(
    client, file_complaint, food_officer
):
    complaint = file_complaint(photos=[png()]).complaint
    client.force_login(food_officer)
    assert act(client, complaint, "note", text="已电话联系举报人。").status_code == 302
    response = client.get(reverse("feedback:handle", args=[complaint.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert NAME in html and PHONE in html
    assert "已电话联系举报人。" in html
    photo = complaint.photos.get()
    photo_url = reverse("feedback:handle_photo", args=[complaint.pk, photo.pk])
    assert photo_url in html
    served = client.get(photo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["Cache-Control"] == "private, no-store"


def test_a_street_officer_sees_the_case_but_not_who_reported_it_and_may_add_a_note(
    client, file_complaint, street_officer
):
    complaint = file_complaint(photos=[png()]).complaint
    client.force_login(street_officer)
    response = client.get(reverse("feedback:handle", args=[complaint.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and complaint.description in html
    assert NAME not in html and PHONE not in html and MASKED not in html
    assert 'data-testid="actions"' not in html
    assert act(client, complaint, "note", text="街道已上门核实。").status_code == 302
    assert complaint.events.filter(kind=EventKind.NOTE, public=False, by=street_officer).exists()
    assert act(client, complaint, "acknowledge").status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == "assigned"


def test_a_department_officer_of_another_department_gets_404_on_the_case_and_its_photos(
    client, file_complaint, kaizhou
):
    complaint = file_complaint(photos=[png()]).complaint  # food: 市场监管
    client.force_login(officer_of("KZ-JW", "education-officer"))
    photo = complaint.photos.get()
    assert client.get(reverse("feedback:handle", args=[complaint.pk])).status_code == 404
    assert client.get(reverse("feedback:handle_photo", args=[complaint.pk, photo.pk])).status_code == 404
    assert act(client, complaint, "acknowledge").status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == "assigned"


def test_a_photo_is_served_only_under_its_own_case(client, file_complaint, food_officer):
    with_photo = file_complaint(photos=[png()]).complaint
    other = file_complaint().complaint
    client.force_login(food_officer)
    url = reverse("feedback:handle_photo", args=[other.pk, with_photo.photos.get().pk])
    assert client.get(url).status_code == 404


def test_a_co_handling_department_sees_the_case_but_cannot_act_on_it(client, file_complaint, kaizhou):
    complaint = file_complaint(category="fees").complaint  # 市场监管, with 发改 co-handling
    client.force_login(officer_of("KZ-FGW", "fgw-officer"))
    response = client.get(reverse("feedback:handle", args=[complaint.pk]))
    assert response.status_code == 200
    assert 'data-testid="actions"' not in response.content.decode()
    assert act(client, complaint, "acknowledge").status_code == 403


def test_a_handler_takes_up_reassigns_and_answers_a_case_over_http(
    client, file_complaint, food_officer, reviewer
):
    complaint = file_complaint().complaint
    client.force_login(food_officer)
    response = act(client, complaint, "acknowledge")
    assert response.status_code == 302 and response["Location"] == reverse(
        "feedback:handle", args=[complaint.pk]
    )
    complaint.refresh_from_db()
    assert complaint.status == "in_progress" and complaint.acknowledged_at is not None

    wjw = Department.objects.get(code="KZ-WJW")
    response = act(client, complaint, "reassign", department=wjw.pk, reason="涉及保育照护，应由卫健委处理。")
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "assigned" and complaint.department == wjw
    assert complaint.events.filter(kind=EventKind.REASSIGNED, public=True, note__contains="卫健委").exists()
    # No longer theirs: the food officer cannot even open it now.
    assert client.get(reverse("feedback:handle", args=[complaint.pk])).status_code == 404

    client.force_login(reviewer)
    assert client.get(reverse("feedback:handle", args=[complaint.pk])).status_code == 200
    response = act(client, complaint, "answer", finding="partly", answer="部分属实，已责令整改。")
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "answered" and complaint.finding == "partly"
    followed = client.get(response["Location"])
    assert "部分属实，已责令整改。" in followed.content.decode()


def test_a_refused_transition_shows_a_message_and_changes_nothing(client, file_complaint, food_officer):
    complaint = file_complaint().complaint
    complaint_answer(complaint=complaint, by=food_officer, finding="substantiated", answer="已处理。")
    complaint.refresh_from_db()
    events, updated = complaint.events.count(), complaint.updated_at
    client.force_login(food_officer)
    for action, data in [
        ("acknowledge", {}),
        ("answer", {"finding": "substantiated", "answer": "再答复一次。"}),
        ("reassign", {"department": Department.objects.get(code="KZ-WJW").pk, "reason": "转办"}),
    ]:
        response = act(client, complaint, action, **data)
        assert response.status_code == 400, action
        html = response.content.decode()
        assert 'data-testid="action-errors"' in html
        assert "答复" in html or "Answered" in html
        complaint.refresh_from_db()
        assert complaint.status == "answered", action
        assert complaint.events.count() == events and complaint.updated_at == updated, action


def test_bad_input_to_an_action_is_explained_and_saves_nothing(client, file_complaint, food_officer):
    complaint = file_complaint().complaint
    events = complaint.events.count()
    client.force_login(food_officer)
    response = act(client, complaint, "answer", finding="substantiated", answer="   ")
    assert response.status_code == 400
    assert 'data-testid="action-errors"' in response.content.decode()
    response = act(client, complaint, "merge", into="TS00000000-99999")
    assert response.status_code == 400
    response = act(client, complaint, "reassign", department=complaint.department_id, reason="重复")
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == "assigned" and complaint.events.count() == events
    assert client.post(reverse("feedback:handle_action", args=[complaint.pk, "delete"])).status_code == 404
    assert (
        client.get(reverse("feedback:handle_action", args=[complaint.pk, "acknowledge"])).status_code == 405
    )


def test_a_handler_merges_a_duplicate_from_the_suggestions(
    client, file_complaint, make_institution, food_officer
):
    institution = make_institution()
    first = file_complaint(institution=institution).complaint
    second = file_complaint(institution=institution, anonymous=True, description="饭菜不热。").complaint
    client.force_login(food_officer)
    html = client.get(reverse("feedback:handle", args=[second.pk])).content.decode()
    assert 'data-testid="suggestions"' in html and first.tracking_number in html
    response = act(client, second, "merge", into=first.tracking_number)
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == "merged" and second.merged_into == first
    assert first.events.filter(kind=EventKind.DUPLICATE_ADDED).exists()


def test_merging_into_a_case_the_user_cannot_see_is_refused_as_unknown(client, file_complaint, food_officer):
    theirs = file_complaint().complaint
    not_theirs = file_complaint(category="safety").complaint  # 住建
    client.force_login(food_officer)
    response = act(client, theirs, "merge", into=not_theirs.tracking_number)
    assert response.status_code == 400
    theirs.refresh_from_db()
    assert theirs.status == "assigned"


# --- the institution ------------------------------------------------------------------------------


@pytest.fixture
def about_operator(file_complaint, make_institution, member_of, operator, food_officer):
    institution = make_institution()
    member_of(operator, institution)
    complaint = file_complaint(institution=institution, photos=[png()]).complaint
    complaint_acknowledge(complaint=complaint, by=food_officer)
    complaint_answer(complaint=complaint, by=food_officer, finding="substantiated", answer="已责令整改。")
    return complaint


def test_the_institution_sees_its_complaints_and_the_answer_but_never_the_reporter(
    client, about_operator, operator
):
    client.force_login(operator)
    response = client.get(INSTITUTION_PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert about_operator.tracking_number in html and "已责令整改。" in html
    assert about_operator.description in html
    for secret in (NAME, PHONE, MASKED, "handle_photo", "/photos/"):
        assert secret not in html, secret


def test_staff_of_the_institution_see_its_complaints_too(client, about_operator, member_of):
    staff = User.objects.create_user(username="staff", password="correct-horse-battery", role="inst_staff")
    member_of(staff, about_operator.institution)
    client.force_login(staff)
    assert numbers_in(client.get(INSTITUTION_PAGE)) == {about_operator.tracking_number}


def test_another_operator_sees_none_of_them_and_cannot_reply(client, about_operator, other_operator):
    client.force_login(other_operator)
    response = client.get(INSTITUTION_PAGE)
    assert about_operator.tracking_number not in response.content.decode()
    reply = reverse("feedback:institution_reply", args=[about_operator.pk])
    assert client.post(reply, {f"c{about_operator.pk}-text": "不是我们。"}).status_code == 404
    about_operator.refresh_from_db()
    assert about_operator.institution_reply == ""


def test_handlers_cannot_use_the_institution_page(client, reviewer):
    client.force_login(reviewer)
    assert client.get(INSTITUTION_PAGE).status_code == 403


def test_the_institution_replies_once(client, about_operator, operator):
    client.force_login(operator)
    reply = reverse("feedback:institution_reply", args=[about_operator.pk])
    field = f"c{about_operator.pk}-text"
    assert client.post(reply, {field: "  "}).status_code == 400
    response = client.post(reply, {field: "我们已更换保温设备。"})
    assert response.status_code == 302 and response["Location"] == INSTITUTION_PAGE
    about_operator.refresh_from_db()
    assert about_operator.institution_reply == "我们已更换保温设备。"
    page = client.get(INSTITUTION_PAGE).content.decode()
    assert "我们已更换保温设备。" in page and reply not in page
    again = client.post(reply, {field: "补充说明。"})
    assert again.status_code == 400
    assert 'data-testid="reply-errors"' in again.content.decode()
    about_operator.refresh_from_db()
    assert about_operator.institution_reply == "我们已更换保温设备。"
    assert about_operator.events.filter(kind=EventKind.INSTITUTION_REPLIED).count() == 1
    assert ComplaintEvent.objects.filter(kind=EventKind.INSTITUTION_REPLIED).count() == 1


def test_the_institution_page_takes_the_same_number_of_queries_for_1_and_12_cases(
    client, file_complaint, make_institution, member_of, operator
):
    institution = make_institution()
    member_of(operator, institution)
    client.force_login(operator)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(INSTITUTION_PAGE).status_code == 200
        return len(queries)

    file_complaint(institution=institution)
    few = count()
    for _ in range(11):
        file_complaint(institution=institution)
    assert count() == few
