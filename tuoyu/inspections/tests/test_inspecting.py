"""The inspection on site: start, answers, photos, signatures and the submission, through the services and
the phone pages; who may open the checklist and the record."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tuoyu.core.workdays import add_workdays
from tuoyu.inspections import services
from tuoyu.inspections.models import (
    ChecklistAnswer,
    ChecklistItem,
    Domain,
    Draw,
    Finding,
    Inspection,
    InspectionEvent,
    InspectionPhoto,
    InspectionStatus,
    Inspector,
    Result,
    Severity,
    Signature,
)

pytestmark = pytest.mark.django_db


def jpeg(name="photo.jpg", *, exif=True) -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), (200, 60, 60))
    out = BytesIO()
    extra = {}
    if exif:
        info = Image.Exif()
        info[0x010F] = "PhoneMaker"  # Make
        extra["exif"] = info.tobytes()
    image.save(out, format="JPEG", **extra)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def gif(name="photo.jpg") -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def started(drawn_inspection, roster):
    return services.inspection_start(inspection=drawn_inspection, by=roster[0].user)


def _answers(inspection):
    return {row.item.code: row for row in inspection.answers.select_related("item")}


def _answer_all(inspection, by, value="pass", **by_code):
    """Answer every item `value`; keyword codes (FIRE_01="fail") override, with a note."""
    overrides = {code.replace("_", "-"): answer for code, answer in by_code.items()}
    payload = {}
    for code, row in _answers(inspection).items():
        answer = overrides.get(code, value)
        payload[row.item_id] = {"answer": answer, "note": "通道堆放杂物" if answer == "fail" else ""}
    return services.answers_save(inspection=inspection, by=by, answers=payload)


def _sign_both(inspection, roster):
    for person in roster[:2]:
        services.inspection_sign(inspection=inspection, by=person.user, name=person.name)


@pytest.fixture
def colleague(roster):
    """An inspector of the same department as the drawn ones, not drawn for this inspection."""
    from tuoyu.accounts.models import User

    user = User.objects.create_user(
        username="insp-same-dept",
        password="correct-horse-battery",
        role="dept_officer",
        department=roster[0].department,
    )
    return Inspector.objects.create(
        user=user, name="赵检查", department=roster[0].department, certificate_number="KZ-ZF-0099"
    )


# --- Start ----------------------------------------------------------------------------------------


def test_start_sets_the_day_creates_one_answer_per_item_and_is_idempotent(drawn_inspection, roster, plan):
    inspection = services.inspection_start(inspection=drawn_inspection, by=roster[1].user)
    assert inspection.inspected_on == timezone.localdate()
    assert set(inspection.answers.values_list("item_id", flat=True)) == set(
        plan.checklist.values_list("pk", flat=True)
    )
    services.inspection_start(inspection=drawn_inspection, by=roster[0].user)
    assert inspection.answers.count() == plan.checklist.count()


def test_start_answers_what_the_register_can_tell(drawn_inspection, roster, plan):
    plan.checklist.add(
        ChecklistItem.objects.create(
            code="CARE-02", domain=Domain.CARE, text="班级人数", auto_rule="class_size"
        ),
        ChecklistItem.objects.create(
            code="CARE-04", domain=Domain.CARE, text="保育人员比例", auto_rule="carer_ratio"
        ),
    )
    inspection = services.inspection_start(inspection=drawn_inspection, by=roster[0].user)
    rows = _answers(inspection)
    assert rows["CARE-02"].automatic and rows["CARE-02"].answer == "pass" and rows["CARE-02"].detail
    assert rows["CARE-04"].automatic and rows["CARE-04"].answer == "" and rows["CARE-04"].detail
    assert rows["FIRE-01"].answer == "" and not rows["FIRE-01"].automatic


def test_only_a_drawn_inspector_acts(drawn_inspection, roster, colleague, reviewer):
    for user in (roster[2].user, colleague.user, reviewer):
        with pytest.raises(PermissionDenied):
            services.inspection_start(inspection=drawn_inspection, by=user)
    assert not drawn_inspection.answers.exists()


# --- Answers --------------------------------------------------------------------------------------


def test_answers_save_partially_and_refuse_a_bad_value_whole(started, roster):
    rows = _answers(started)
    services.answers_save(
        inspection=started,
        by=roster[0].user,
        answers={rows["FIRE-01"].item_id: {"answer": "fail", "note": "锁闭"}},
    )
    saved = ChecklistAnswer.objects.get(pk=rows["FIRE-01"].pk)
    assert (saved.answer, saved.note, saved.answered_by) == ("fail", "锁闭", roster[0].user)
    with pytest.raises(ValidationError):
        services.answers_save(
            inspection=started,
            by=roster[0].user,
            answers={
                rows["FIRE-02"].item_id: {"answer": "pass"},
                rows["FOOD-01"].item_id: {"answer": "maybe"},
            },
        )
    assert ChecklistAnswer.objects.get(pk=rows["FIRE-02"].pk).answer == ""


def test_a_change_after_signing_withdraws_the_signatures(started, roster):
    _answer_all(started, roster[0].user)
    _sign_both(started, roster)
    row = _answers(started)["FIRE-02"]
    outcome = services.answers_save(
        inspection=started, by=roster[1].user, answers={row.item_id: {"answer": "fail", "note": "过期"}}
    )
    assert outcome.signatures_cleared == 2 and not started.signatures.exists()


# --- Photos ---------------------------------------------------------------------------------------


def test_a_photo_is_kept_without_its_exif(started, roster):
    row = _answers(started)["FIRE-01"]
    photo = services.photo_add(inspection=started, answer=row, by=roster[0].user, upload=jpeg())
    assert photo.file_kind == "jpeg" and photo.answer == row
    with photo.file.open("rb") as handle, Image.open(handle) as image:
        assert not image.getexif()


def test_a_photo_of_the_wrong_type_is_refused(started, roster):
    with pytest.raises(ValidationError) as refused:
        services.photo_add(inspection=started, by=roster[0].user, upload=gif())
    assert "photo" in refused.value.message_dict
    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    with pytest.raises(ValidationError):
        services.photo_add(inspection=started, by=roster[0].user, upload=pdf)
    assert not InspectionPhoto.objects.exists()


# --- Signatures -----------------------------------------------------------------------------------


def test_a_signature_is_the_roster_name_and_once(started, roster):
    with pytest.raises(ValidationError):
        services.inspection_sign(inspection=started, by=roster[0].user, name="别人")
    services.inspection_sign(inspection=started, by=roster[0].user, name=f" {roster[0].name} ")
    with pytest.raises(ValidationError) as twice:
        services.inspection_sign(inspection=started, by=roster[0].user, name=roster[0].name)
    assert twice.value.code == "duplicate"
    assert Signature.objects.filter(inspection=started).count() == 1


# --- Submit ---------------------------------------------------------------------------------------


def _nothing_written(inspection):
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.ASSIGNED and inspection.submitted_at is None
    assert not Finding.objects.filter(inspection=inspection).exists()
    assert not InspectionEvent.objects.filter(inspection=inspection).exists()


def test_unanswered_items_are_refused_with_their_list(started, roster):
    rows = _answers(started)
    services.answers_save(
        inspection=started, by=roster[0].user, answers={rows["FIRE-01"].item_id: {"answer": "pass"}}
    )
    _sign_both(started, roster)
    with pytest.raises(ValidationError) as refused:
        services.inspection_submit(inspection=started, by=roster[0].user, institution_signatory="刘园长")
    message = " ".join(refused.value.message_dict["unanswered"])
    assert "FIRE-02" in message and "CARE-01" in message and "FOOD-01" in message and "FIRE-01" not in message
    _nothing_written(started)


def test_a_failed_item_needs_a_note(started, roster):
    _answer_all(started, roster[0].user)
    row = _answers(started)["FOOD-01"]
    services.answers_save(
        inspection=started, by=roster[0].user, answers={row.item_id: {"answer": "fail", "note": ""}}
    )
    _sign_both(started, roster)
    with pytest.raises(ValidationError) as refused:
        services.inspection_submit(inspection=started, by=roster[0].user, institution_signatory="刘园长")
    assert "FOOD-01" in " ".join(refused.value.message_dict["notes"])
    _nothing_written(started)


def test_two_signatures_are_required(started, roster):
    _answer_all(started, roster[0].user)
    with pytest.raises(ValidationError) as none:
        services.inspection_submit(inspection=started, by=roster[0].user, institution_signatory="刘园长")
    assert "signatures" in none.value.message_dict
    services.inspection_sign(inspection=started, by=roster[0].user, name=roster[0].name)
    with pytest.raises(ValidationError) as one:
        services.inspection_submit(inspection=started, by=roster[0].user, institution_signatory="刘园长")
    assert "signatures" in one.value.message_dict
    _nothing_written(started)
    services.inspection_sign(inspection=started, by=roster[1].user, name=roster[1].name)
    done = services.inspection_submit(inspection=started, by=roster[0].user, institution_signatory="刘园长")
    assert done.status == InspectionStatus.CLOSED


def test_a_deadline_in_the_past_is_refused(started, roster):
    _answer_all(started, roster[0].user, FIRE_01="fail")
    _sign_both(started, roster)
    item = _answers(started)["FIRE-01"].item
    for past in (date.today() - timedelta(days=1), (date.today() - timedelta(days=3)).isoformat()):
        with pytest.raises(ValidationError) as refused:
            services.inspection_submit(
                inspection=started,
                by=roster[0].user,
                institution_signatory="刘园长",
                findings={item.pk: {"severity": "major", "deadline": past}},
            )
        assert "deadline-FIRE-01" in refused.value.message_dict
    _nothing_written(started)


def test_submit_with_no_failure_closes_the_inspection(started, roster):
    _answer_all(started, roster[0].user, FOOD_01="na")
    _sign_both(started, roster)
    done = services.inspection_submit(inspection=started, by=roster[1].user, institution_signatory="刘园长")
    assert done.status == InspectionStatus.CLOSED and done.result == Result.COMPLIANT
    assert done.institution_signatory == "刘园长" and done.submitted_at is not None
    assert done.publish_due_on == add_workdays(timezone.localdate(), 20)
    event = InspectionEvent.objects.get(inspection=started)
    assert (event.from_status, event.to_status, event.by) == ("assigned", "closed", roster[1].user)
    assert not Finding.objects.exists()


def test_a_serious_failure_gives_a_serious_result_with_open_findings(started, roster):
    _answer_all(started, roster[0].user, FIRE_01="fail", FOOD_01="fail")
    _sign_both(started, roster)
    rows = _answers(started)
    chosen = date.today() + timedelta(days=30)
    done = services.inspection_submit(
        inspection=started,
        by=roster[0].user,
        institution_signatory="刘园长",
        findings={rows["FIRE-01"].item_id: {"severity": "serious", "deadline": chosen.isoformat()}},
    )
    assert done.status == InspectionStatus.SUBMITTED and done.result == Result.SERIOUS
    fire = Finding.objects.get(inspection=started, item__code="FIRE-01")
    assert (fire.severity, fire.deadline, fire.status) == (Severity.SERIOUS, chosen, "open")
    assert "通道堆放杂物" in fire.description
    food = Finding.objects.get(inspection=started, item__code="FOOD-01")
    item = rows["FOOD-01"].item
    assert (food.severity, food.deadline) == (
        item.severity,
        add_workdays(timezone.localdate(), item.rectify_days),
    )


def test_the_institution_is_told_of_its_findings_at_once(started, roster, operator):
    from tuoyu.core.models import OutboxMessage
    from tuoyu.institutions.models import InstitutionMembership

    operator.phone = "13700000099"
    operator.save(update_fields=["phone"])
    InstitutionMembership.objects.create(institution=started.institution, user=operator)
    _answer_all(started, roster[0].user, FIRE_01="fail")
    _sign_both(started, roster)
    services.inspection_submit(inspection=started, by=roster[0].user, institution_signatory="刘园长")
    fire = Finding.objects.get(inspection=started, item__code="FIRE-01")
    told = OutboxMessage.objects.get(recipient="13700000099")
    assert started.institution.name in told.body and fire.deadline.isoformat() in told.body


def test_findings_without_a_serious_one_give_the_result_findings(started, roster):
    _answer_all(started, roster[0].user, FIRE_02="fail")
    _sign_both(started, roster)
    done = services.inspection_submit(inspection=started, by=roster[0].user, institution_signatory="刘园长")
    assert done.status == InspectionStatus.SUBMITTED and done.result == Result.FINDINGS


# --- Pages ----------------------------------------------------------------------------------------


def test_the_phone_pages_from_start_to_record(client, drawn_inspection, roster):
    pk = drawn_inspection.pk
    first, second = roster[0].user, roster[1].user
    client.force_login(first)
    mine = client.get(reverse("inspections:my"))
    assert mine.status_code == 200 and reverse("inspections:inspect", args=[pk]).encode() in mine.content

    page = client.get(reverse("inspections:inspect", args=[pk]))
    assert page.status_code == 200 and b'id="start-inspection"' in page.content
    assert client.post(reverse("inspections:inspect", args=[pk]), {"action": "start"}).status_code == 302

    sheet = client.get(reverse("inspections:inspect", args=[pk]))
    for code in ("FIRE-01", "FIRE-02", "CARE-01", "FOOD-01"):
        for value in ("pass", "fail", "na"):
            assert f'id="answer-{code}-{value}"'.encode() in sheet.content
        assert (
            f'name="note-{code}"'.encode() in sheet.content
            and f'name="photo-{code}"'.encode() in sheet.content
        )

    posted = {
        "action": "save",
        "answer-FIRE-01": "fail",
        "note-FIRE-01": "安全出口锁闭",
        "photo-FIRE-01": jpeg(),
    }
    posted |= {f"answer-{code}": "pass" for code in ("FIRE-02", "CARE-01", "FOOD-01")}
    saved = client.post(reverse("inspections:inspect", args=[pk]), posted)
    assert saved.status_code == 302
    fire = ChecklistAnswer.objects.get(inspection=drawn_inspection, item__code="FIRE-01")
    assert (fire.answer, fire.note, fire.photos.count()) == ("fail", "安全出口锁闭", 1)

    review = client.get(reverse("inspections:inspect_submit", args=[pk]))
    assert review.status_code == 200
    assert b'id="severity-FIRE-01"' in review.content and b'id="deadline-FIRE-01"' in review.content
    assert b'id="sign-name"' in review.content
    assert client.post(reverse("inspections:inspect_sign", args=[pk]), {"name": "不是我"}).status_code == 400
    assert (
        client.post(reverse("inspections:inspect_sign", args=[pk]), {"name": roster[0].name}).status_code
        == 302
    )
    client.force_login(second)
    assert (
        client.post(reverse("inspections:inspect_sign", args=[pk]), {"name": roster[1].name}).status_code
        == 302
    )

    deadline = add_workdays(timezone.localdate(), 5)
    done = client.post(
        reverse("inspections:inspect_submit", args=[pk]),
        {
            "severity-FIRE-01": "serious",
            "deadline-FIRE-01": deadline.isoformat(),
            "institution_signatory": "刘园长",
        },
    )
    assert done.status_code == 302 and done["Location"] == reverse("inspections:record", args=[pk])
    drawn_inspection.refresh_from_db()
    assert drawn_inspection.status == InspectionStatus.SUBMITTED and drawn_inspection.result == Result.SERIOUS

    record = client.get(reverse("inspections:record", args=[pk]))
    assert record.status_code == 200 and "安全出口锁闭".encode() in record.content
    photo = fire.photos.get()
    assert reverse("inspections:photo", args=[pk, photo.pk]).encode() in record.content
    served = client.get(reverse("inspections:photo", args=[pk, photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    # The checklist is closed once submitted: its pages lead to the record.
    assert client.get(reverse("inspections:inspect", args=[pk])).status_code == 302


def test_the_submit_page_lists_unanswered_items_and_refuses(client, started, roster):
    client.force_login(roster[0].user)
    page = client.get(reverse("inspections:inspect_submit", args=[started.pk]))
    assert b'data-testid="unanswered"' in page.content and b"FIRE-01" in page.content
    refused = client.post(
        reverse("inspections:inspect_submit", args=[started.pk]), {"institution_signatory": "刘园长"}
    )
    assert refused.status_code == 400 and b'data-testid="submit-errors"' in refused.content
    _nothing_written(started)


def test_a_wrong_photo_on_the_page_is_refused_and_nothing_is_saved(client, started, roster):
    client.force_login(roster[0].user)
    response = client.post(
        reverse("inspections:inspect_photo", args=[started.pk]),
        {"item": "FIRE-01", "answer-FIRE-01": "pass", "photo-FIRE-01": gif()},
    )
    assert response.status_code == 400
    assert ChecklistAnswer.objects.get(inspection=started, item__code="FIRE-01").answer == ""
    assert not InspectionPhoto.objects.exists()


def test_a_not_drawn_inspector_of_the_same_department_gets_404(client, started, roster, colleague):
    photo = services.photo_add(inspection=started, by=roster[0].user, upload=jpeg())
    client.force_login(colleague.user)
    for name in ("inspect", "inspect_submit", "record"):
        assert client.get(reverse(f"inspections:{name}", args=[started.pk])).status_code == 404, name
    for name in ("inspect", "inspect_photo", "inspect_sign", "inspect_submit"):
        assert (
            client.post(reverse(f"inspections:{name}", args=[started.pk]), {"name": "赵检查"}).status_code
            == 404
        )
    assert client.get(reverse("inspections:photo", args=[started.pk, photo.pk])).status_code == 404
    assert str(started.institution.name).encode() not in client.get(reverse("inspections:my")).content
    assert not started.signatures.exists()


def test_a_family_is_refused(client, started, family):
    client.force_login(family)
    for name in ("inspect", "inspect_submit", "record"):
        assert client.get(reverse(f"inspections:{name}", args=[started.pk])).status_code == 403
    assert client.get(reverse("inspections:my")).status_code == 403


def test_the_health_commission_reads_the_record_but_does_not_fill_it(client, started, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("inspections:record", args=[started.pk])).status_code == 200
    assert client.get(reverse("inspections:inspect", args=[started.pk])).status_code == 404


def test_my_inspections_page_reads_a_fixed_number_of_queries(client, plan, roster, make_institution):
    draw = Draw.objects.create(
        plan=plan,
        number=2,
        algorithm="fixture",
        seed="1" * 32,
        sample_count=1,
        inspectors_per_inspection=2,
        drawn_by=plan.created_by,
    )

    def add(n):
        for i in range(n):
            inspection = Inspection.objects.create(
                plan=plan, draw=draw, institution=make_institution(name=f"列表托育园{i}")
            )
            inspection.inspectors.set(roster[:2])

    client.force_login(roster[0].user)
    client.get(reverse("inspections:my"))  # warm-up: the staff session's first request
    add(2)
    with CaptureQueriesContext(connection) as two:
        assert client.get(reverse("inspections:my")).status_code == 200
    add(8)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(reverse("inspections:my"))
    assert response.content.count(b'class="card inspect-card"') == 10
    assert len(ten) == len(two), [q["sql"] for q in ten.captured_queries]


def test_the_checklist_and_the_record_read_a_fixed_number_of_queries(client, drawn_inspection, roster, plan):
    client.force_login(roster[0].user)
    client.get(reverse("inspections:my"))  # warm-up: the staff session's first request
    services.inspection_start(inspection=drawn_inspection, by=roster[0].user)
    row = _answers(drawn_inspection)["FIRE-01"]
    services.photo_add(inspection=drawn_inspection, answer=row, by=roster[0].user, upload=jpeg())

    def counted():
        sizes = []
        for name in ("inspect", "record"):
            with CaptureQueriesContext(connection) as queries:
                assert (
                    client.get(reverse(f"inspections:{name}", args=[drawn_inspection.pk])).status_code == 200
                )
            sizes.append(len(queries))
        return sizes

    few = counted()
    more = [
        ChecklistItem.objects.create(
            code=f"FEE-9{i}", domain=Domain.FEES, text=f"收费检查项{i}", sort_order=90 + i
        )
        for i in range(6)
    ]
    plan.checklist.add(*more)
    services.inspection_start(inspection=drawn_inspection, by=roster[0].user)  # adds the new items only
    for item_row in drawn_inspection.answers.filter(item__in=more):
        services.photo_add(inspection=drawn_inspection, answer=item_row, by=roster[0].user, upload=jpeg())
    assert drawn_inspection.answers.count() == 10
    assert counted() == few
