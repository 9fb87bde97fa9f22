"""The record's writes: the entry check with its report, the vaccination certificate, allergies and the
family doctor (the keeping institution's health staff only; a refusal stores nothing), and the move to
another institution, decided once by the guardian online or by the new health staff on paper."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import CaptureQueriesContext

from tuoyu.core.workdays import beijing_today
from tuoyu.health import services
from tuoyu.health.models import HealthRecord, RecordTransfer, TransferStatus, VaccinationStatus

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def _stored(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def record(health_institution, enrol, family):
    return HealthRecord.objects.get(child=enrol(health_institution, family=family).child)


def _entry(record, by, **overrides):
    args = {
        "record": record,
        "by": by,
        "checked_on": beijing_today(),
        "hospital": "开州区妇幼保健院",
        "result": "normal",
        "note": "",
        "report": None,
    }
    args.update(overrides)
    return services.record_entry_check(**args)


# --- the entry check ---


def test_the_health_staff_records_the_entry_check_with_a_pdf_report(record, health_staff, private_media):
    _entry(record, health_staff, report=SimpleUploadedFile("体检.pdf", PDF, content_type="application/pdf"))
    record.refresh_from_db()
    assert record.entry_check_result == "normal" and record.entry_check_hospital == "开州区妇幼保健院"
    assert record.entry_check_report.name.endswith(".pdf")
    stored = _stored(private_media)
    assert len(stored) == 1 and stored[0].read_bytes() == PDF


def test_a_date_in_the_future_is_refused_and_nothing_is_stored(record, health_staff, private_media):
    upload = SimpleUploadedFile("体检.pdf", PDF, content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        _entry(record, health_staff, checked_on=beijing_today() + timedelta(days=1), report=upload)
    assert "checked_on" in caught.value.message_dict
    record.refresh_from_db()
    assert record.entry_check_on is None and not record.entry_check_report
    assert _stored(private_media) == []


def test_a_date_before_birth_is_refused(record, health_staff):
    with pytest.raises(ValidationError) as caught:
        _entry(record, health_staff, checked_on=record.child.birth_date - timedelta(days=1))
    assert caught.value.error_dict["checked_on"][0].code == "before_birth"


def test_a_text_file_named_pdf_is_refused_with_a_message_and_nothing_is_stored(
    record, health_staff, private_media
):
    fake = SimpleUploadedFile("report.pdf", b"just some text, not a PDF\n", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        _entry(record, health_staff, report=fake)
    assert caught.value.error_dict["report"][0].code == "file_type"
    assert caught.value.message_dict["report"][0]
    record.refresh_from_db()
    assert record.entry_check_on is None and record.entry_check_hospital == ""
    assert _stored(private_media) == []


def test_a_missing_hospital_and_result_are_each_named(record, health_staff):
    with pytest.raises(ValidationError) as caught:
        _entry(record, health_staff, hospital=" ", result="")
    assert set(caught.value.message_dict) == {"hospital", "result"}


def test_a_new_report_replaces_the_old_file_once_committed(
    record, health_staff, private_media, django_capture_on_commit_callbacks
):
    _entry(record, health_staff, report=SimpleUploadedFile("a.pdf", PDF))
    with django_capture_on_commit_callbacks(execute=True):
        _entry(record, health_staff, report=SimpleUploadedFile("b.pdf", PDF + b"\n"))
    assert len(_stored(private_media)) == 1


def test_only_the_keeping_health_staff_write(
    record, operator, other_health_staff, family, child_health_officer
):
    for person in (operator, other_health_staff, family, child_health_officer):
        with pytest.raises(PermissionDenied):
            _entry(record, person)
    record.refresh_from_db()
    assert record.entry_check_on is None


# --- vaccination and details ---


def test_missing_doses_must_be_listed(record, health_staff):
    with pytest.raises(ValidationError) as caught:
        services.record_vaccination(
            record=record, by=health_staff, checked_on=beijing_today(), status="missing", missing_doses=""
        )
    assert "missing_doses" in caught.value.message_dict
    record.refresh_from_db()
    assert record.vaccination_status == VaccinationStatus.NOT_CHECKED


def test_the_vaccination_check_is_recorded_and_a_complete_one_clears_the_list(record, health_staff):
    services.record_vaccination(
        record=record,
        by=health_staff,
        checked_on=beijing_today(),
        status="missing",
        missing_doses="麻腮风 第2剂",
    )
    record.refresh_from_db()
    assert (record.vaccination_status, record.missing_doses) == ("missing", "麻腮风 第2剂")
    services.record_vaccination(
        record=record, by=health_staff, checked_on=beijing_today(), status="complete", missing_doses="x"
    )
    record.refresh_from_db()
    assert (record.vaccination_status, record.missing_doses) == ("complete", "")


def test_not_checked_is_not_an_answer(record, health_staff):
    with pytest.raises(ValidationError) as caught:
        services.record_vaccination(record=record, by=health_staff, checked_on=beijing_today(), status="")
    assert "status" in caught.value.message_dict


def test_details_are_recorded(record, health_staff):
    services.record_details(
        record=record, by=health_staff, allergies="花生", special_needs="", family_doctor=True
    )
    record.refresh_from_db()
    assert (record.allergies, record.special_needs, record.family_doctor) == ("花生", "", True)


def test_details_too_long_are_refused_and_nothing_changes(record, health_staff):
    with pytest.raises(ValidationError) as caught:
        services.record_details(
            record=record, by=health_staff, allergies="花" * 501, special_needs="", family_doctor=False
        )
    assert "allergies" in caught.value.message_dict
    record.refresh_from_db()
    assert record.allergies == "" and record.family_doctor is None


# --- the move ---


@pytest.fixture
def moving(record, other_institution, enrol, family):
    """The child leaves health_institution and enrols at other_institution: a transfer waits."""
    from tuoyu.bookings.models import Enrolment, EnrolmentStatus

    Enrolment.objects.filter(child=record.child).update(status=EnrolmentStatus.ENDED)
    services.record_open_for_enrolment(
        enrolment=Enrolment(child=record.child, institution=other_institution), by=family
    )
    return RecordTransfer.objects.get(record=record, status=TransferStatus.PENDING)


def test_the_guardian_consents_online_and_the_record_moves(moving, family, other_institution):
    services.transfer_consent(transfer=moving, by=family, consent=True, kind="online")
    moving.refresh_from_db()
    assert (moving.status, moving.consent_kind, moving.decided_by) == ("consented", "online", family)
    assert HealthRecord.objects.get(pk=moving.record_id).institution == other_institution


def test_after_the_move_the_old_health_staff_no_longer_reads_or_writes(
    moving, family, health_staff, other_health_staff, client
):
    services.transfer_consent(transfer=moving, by=family, consent=True, kind="online")
    client.force_login(health_staff)
    assert client.get(f"/health/records/{moving.record_id}/").status_code == 404
    assert client.get(f"/api/v1/health/records/{moving.record_id}/").status_code == 404
    with pytest.raises(PermissionDenied):
        _entry(moving.record, health_staff)
    client.force_login(other_health_staff)
    assert client.get(f"/health/records/{moving.record_id}/").status_code == 200


def test_the_new_health_staff_records_a_paper_consent(moving, other_health_staff, other_institution):
    services.transfer_consent(transfer=moving, by=other_health_staff, consent=True, kind="paper")
    moving.refresh_from_db()
    assert (moving.status, moving.consent_kind) == ("consented", "paper")
    assert HealthRecord.objects.get(pk=moving.record_id).institution == other_institution


def test_a_refusal_keeps_the_record_where_it_is(moving, family, health_institution):
    services.transfer_consent(transfer=moving, by=family, consent=False, kind="online")
    moving.refresh_from_db()
    assert moving.status == TransferStatus.REFUSED
    assert HealthRecord.objects.get(pk=moving.record_id).institution == health_institution


def test_deciding_twice_is_refused(moving, family, other_health_staff, health_institution):
    services.transfer_consent(transfer=moving, by=family, consent=False, kind="online")
    with pytest.raises(ValidationError) as caught:
        services.transfer_consent(transfer=moving, by=other_health_staff, consent=True, kind="paper")
    assert caught.value.code == "status"
    assert HealthRecord.objects.get(pk=moving.record_id).institution == health_institution
    assert RecordTransfer.objects.get(pk=moving.pk).consent_kind == "online"


def test_only_the_guardian_or_the_new_health_staff_decide(
    moving, health_staff, operator, other_operator, child_health_officer, other_health_staff
):
    from tuoyu.accounts.models import User

    stranger = User.objects.create_user(username="13800000009", role="family", phone="13800000009")
    attempts = [
        (health_staff, "paper"),  # the institution the record is leaving
        (other_health_staff, "online"),  # online is the guardian's
        (other_operator, "paper"),
        (operator, "paper"),
        (child_health_officer, "paper"),
        (stranger, "online"),
    ]
    for person, kind in attempts:
        with pytest.raises(PermissionDenied):
            services.transfer_consent(transfer=moving, by=person, consent=True, kind=kind)
    assert RecordTransfer.objects.get(pk=moving.pk).status == TransferStatus.PENDING


# --- the health staff's list: a fixed number of queries ---


def _list_queries(client, health_staff) -> tuple[int, int]:
    from django.db import connection

    client.force_login(health_staff)
    client.get("/health/records/")  # warm the session and the content types
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/health/records/")
    assert response.status_code == 200
    return len(queries), response.content.decode().count('data-testid="record-row"')


def test_the_health_staffs_list_issues_the_same_queries_for_2_and_6_children(
    health_institution, health_staff, enrol, client
):
    for _ in range(2):
        enrol(health_institution)
    few, shown_few = _list_queries(client, health_staff)
    for index in range(4):
        record = HealthRecord.objects.get(child=enrol(health_institution, "托大一班", months=28).child)
        if index % 2:
            services.record_details(
                record=record, by=health_staff, allergies="鸡蛋", special_needs="", family_doctor=None
            )
    many, shown_many = _list_queries(client, health_staff)
    assert (shown_few, shown_many) == (2, 6)
    assert few == many


# --- the same through the pages ---


def test_the_page_refuses_a_text_file_named_pdf_with_a_message_and_stores_nothing(
    client, record, health_staff, private_media
):
    client.force_login(health_staff)
    fake = SimpleUploadedFile("report.pdf", b"plain text\n", content_type="application/pdf")
    response = client.post(
        f"/health/records/{record.pk}/entry-check/",
        {"checked_on": beijing_today().isoformat(), "hospital": "医院", "result": "normal", "report": fake},
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    record.refresh_from_db()
    assert record.entry_check_on is None and not record.entry_check_report
    assert _stored(private_media) == []


def test_the_page_saves_an_entry_check_and_returns_to_the_record(client, record, health_staff, private_media):
    client.force_login(health_staff)
    response = client.post(
        f"/health/records/{record.pk}/entry-check/",
        {
            "checked_on": beijing_today().isoformat(),
            "hospital": "医院",
            "result": "follow_up",
            "report": SimpleUploadedFile("r.pdf", PDF),
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/health/records/{record.pk}/"
    record.refresh_from_db()
    assert record.entry_check_result == "follow_up" and len(_stored(private_media)) == 1


def test_an_empty_post_to_each_form_is_a_400_and_changes_nothing(client, record, health_staff):
    client.force_login(health_staff)
    for part in ("entry-check", "vaccination"):
        assert client.post(f"/health/records/{record.pk}/{part}/", {}).status_code == 400, part
    record.refresh_from_db()
    assert record.entry_check_on is None and record.vaccination_status == ""


def test_the_guardian_consents_on_the_page(client, moving, family, other_institution):
    client.force_login(family)
    page = client.get("/health/my/")
    assert f'data-testid="pending-transfer" data-pk="{moving.pk}"' in page.content.decode()
    response = client.post(f"/health/transfers/{moving.pk}/consent/", {"decision": "consent"})
    assert response.status_code == 302
    assert HealthRecord.objects.get(pk=moving.record_id).institution == other_institution


def test_a_paper_answer_needs_the_signed_form_confirmed(
    client, moving, other_health_staff, health_institution
):
    client.force_login(other_health_staff)
    listing = client.get("/health/records/")
    assert f'data-testid="incoming-transfer" data-pk="{moving.pk}"' in listing.content.decode()
    response = client.post(f"/health/transfers/{moving.pk}/consent/", {"decision": "consent"})
    assert response.status_code == 400
    assert RecordTransfer.objects.get(pk=moving.pk).status == TransferStatus.PENDING
    response = client.post(
        f"/health/transfers/{moving.pk}/consent/", {"decision": "consent", "form_seen": "on"}
    )
    assert response.status_code == 302
    again = client.post(f"/health/transfers/{moving.pk}/consent/", {"decision": "refuse", "form_seen": "on"})
    assert again.status_code == 409
    assert RecordTransfer.objects.get(pk=moving.pk).status == TransferStatus.CONSENTED


# --- two answers at once ---


@pytest.mark.django_db(transaction=True)
def test_the_guardian_and_the_new_health_staff_answering_at_once_decide_once(
    moving, family, other_health_staff, health_institution, other_institution
):
    from django.db import connection

    from tuoyu.core.testing import race

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; .ci/run runs this there")
    outcomes = race(
        [
            lambda: services.transfer_consent(transfer=moving, by=family, consent=False, kind="online"),
            lambda: services.transfer_consent(
                transfer=moving, by=other_health_staff, consent=True, kind="paper"
            ),
        ]
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    assert [exc.code for kind, exc in outcomes if kind == "refused"] == ["status"]
    transfer = RecordTransfer.objects.get(pk=moving.pk)
    kept_by = HealthRecord.objects.get(pk=moving.record_id).institution
    assert kept_by == (
        other_institution if transfer.status == TransferStatus.CONSENTED else health_institution
    )
