"""Who reads a child's health record: the child's guardian, the health staff of the institution keeping it
and the commission's child-health officer, each read written down; nobody else, whatever id they try, on
any page or the API (a 404, or the declaration's 403, or sign-in for a visitor), with nothing of the
record in the answer and nothing written to the access log."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from tuoyu.accounts.models import AccessKind, AccessLog, User
from tuoyu.core.workdays import beijing_today
from tuoyu.health import services
from tuoyu.health.models import HealthRecord, RecordTransfer, TransferStatus

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Written into the record so an answer that leaks it is caught whatever the language of the page.
SECRET = "花生过敏ZX81"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def record(health_institution, enrol, family, health_staff):
    child = enrol(health_institution, family=family, name="档案测试童").child
    record = HealthRecord.objects.get(child=child)
    services.record_entry_check(
        record=record,
        by=health_staff,
        checked_on=beijing_today(),
        hospital="开州区妇幼保健院",
        result="normal",
        report=SimpleUploadedFile("r.pdf", PDF),
    )
    services.record_details(
        record=record, by=health_staff, allergies=SECRET, special_needs="", family_doctor=True
    )
    AccessLog.objects.all().delete()
    return HealthRecord.objects.get(pk=record.pk)


@pytest.fixture
def other_family(db):
    return User.objects.create_user(username="13800000002", role="family", phone="13800000002")


def _reads(record) -> int:
    return AccessLog.objects.filter(
        kind=AccessKind.HEALTH_RECORD,
        content_type=ContentType.objects.get_for_model(HealthRecord),
        object_id=str(record.pk),
    ).count()


def _record_routes(pk: int) -> list[str]:
    return [
        f"/health/records/{pk}/",
        f"/health/records/{pk}/entry-check/",
        f"/health/records/{pk}/vaccination/",
        f"/health/records/{pk}/details/",
        f"/health/records/{pk}/report/",
        f"/health/records/{pk}/access/",
        f"/api/v1/health/records/{pk}/",
    ]


def _list_routes(record) -> list[str]:
    return [
        "/health/records/",
        f"/health/records/?institution={record.institution_id}",
        "/health/my/",
        "/api/v1/health/records/",
        f"/api/v1/health/records/?institution={record.institution_id}",
    ]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _assert_nothing_of(record, response, url):
    body = _body(response)
    assert SECRET.encode() not in body, url
    assert record.child.name.encode() not in body, url
    assert PDF not in body, url


@pytest.fixture
def outsiders(operator, other_operator, other_institution, street_officer, inspector, reviewer, other_family):
    from tuoyu.institutions.models import InstitutionMembership

    # The operator keeps the record's institution (health_institution's fixture made them a member).
    assert InstitutionMembership.objects.filter(user=operator).exists()
    return {
        "same institution's operator": operator,
        "another institution's operator": other_operator,
        "street officer": street_officer,
        "inspector": inspector,
        "reviewer": reviewer,
        "another family": other_family,
    }


def test_no_outsider_reads_a_record_by_its_id_on_any_page_or_the_api(client, record, outsiders):
    for who, person in outsiders.items():
        client.force_login(person)
        for url in _record_routes(record.pk):
            response = client.get(url)
            # A role the declaration admits (a family) meets the object rule's 404; the others the
            # declaration's 403. Never a 200.
            assert response.status_code in (403, 404), (who, url, response.status_code)
            _assert_nothing_of(record, response, url)
        for url in _list_routes(record):
            response = client.get(url)
            assert response.status_code in (200, 403, 404), (who, url, response.status_code)
            _assert_nothing_of(record, response, url)
    assert _reads(record) == 0


def test_another_family_meets_404_not_403_on_what_a_guardian_may_open(client, record, other_family):
    client.force_login(other_family)
    for url in (
        f"/health/records/{record.pk}/",
        f"/health/records/{record.pk}/report/",
        f"/health/records/{record.pk}/access/",
        f"/api/v1/health/records/{record.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    answer = client.get("/api/v1/health/records/").json()
    assert answer["count"] == 0


def test_another_institutions_health_staff_meets_404_everywhere(client, record, other_health_staff):
    client.force_login(other_health_staff)
    for url in _record_routes(record.pk):
        response = client.get(url)
        # The access log is the guardian's and the officer's page: refused to health staff by declaration.
        expected = 403 if url.endswith("/access/") else 404
        assert response.status_code == expected, url
        _assert_nothing_of(record, response, url)
    for url in ("/health/records/", "/api/v1/health/records/"):
        _assert_nothing_of(record, client.get(url), url)
    response = client.post(
        f"/health/records/{record.pk}/details/",
        {"allergies": "改", "special_needs": "", "family_doctor": "no"},
    )
    assert response.status_code == 404
    assert HealthRecord.objects.get(pk=record.pk).allergies == SECRET
    assert _reads(record) == 0


def test_anonymous_visitors_are_sent_to_sign_in_and_the_api_answers_401(client, record):
    for url in _record_routes(record.pk) + _list_routes(record):
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code == 401, url
        else:
            assert response.status_code == 302 and "login" in response["Location"], url
        _assert_nothing_of(record, response, url)
    assert _reads(record) == 0


def test_outsiders_cannot_answer_a_move(client, record, outsiders, other_institution, health_staff):
    from tuoyu.bookings.models import Enrolment, EnrolmentStatus

    Enrolment.objects.filter(child=record.child).update(status=EnrolmentStatus.ENDED)
    services.record_open_for_enrolment(
        enrolment=Enrolment(child=record.child, institution=other_institution), by=health_staff
    )
    transfer = RecordTransfer.objects.get(record=record)
    for person in [*outsiders.values(), health_staff]:
        client.force_login(person)
        response = client.post(
            f"/health/transfers/{transfer.pk}/consent/", {"decision": "consent", "form_seen": "on"}
        )
        assert response.status_code in (403, 404), (person.username, response.status_code)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING
    assert HealthRecord.objects.get(pk=record.pk).institution_id == record.institution_id


@pytest.mark.parametrize("reader", ["family", "health_staff", "child_health_officer"])
def test_each_reader_reads_and_every_read_is_one_access_row(client, record, reader, request):
    person = request.getfixturevalue(reader)
    client.force_login(person)
    for url in (
        f"/health/records/{record.pk}/",
        f"/api/v1/health/records/{record.pk}/",
        f"/health/records/{record.pk}/report/",
    ):
        before = _reads(record)
        response = client.get(url)
        assert response.status_code == 200, url
        assert _reads(record) == before + 1, url
        entry = AccessLog.objects.order_by("-id").first()
        assert entry.user == person and entry.object_id == str(record.pk)
    page = client.get(f"/health/records/{record.pk}/")
    assert SECRET in page.content.decode()
    api = client.get(f"/api/v1/health/records/{record.pk}/").json()
    assert api["allergies"] == SECRET and "id_number" not in api["child"]


def test_the_health_staff_forms_are_reads_too(client, record, health_staff):
    client.force_login(health_staff)
    for url in (
        f"/health/records/{record.pk}/entry-check/",
        f"/health/records/{record.pk}/vaccination/",
        f"/health/records/{record.pk}/details/",
    ):
        before = _reads(record)
        assert client.get(url).status_code == 200, url
        assert _reads(record) == before + 1, url


def test_the_guardian_sees_who_looked_never_a_family_user_name(client, record, family, health_staff):
    client.force_login(health_staff)
    client.get(f"/health/records/{record.pk}/")
    client.force_login(family)
    client.get(f"/health/records/{record.pk}/")
    response = client.get(f"/health/records/{record.pk}/access/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="record-access"') == 2
    assert 'data-role="inst_health"' in page and health_staff.display_name in page
    assert family.username not in page
    # Reading who looked is not itself a read of the record.
    assert _reads(record) == 2


def test_the_child_health_officer_finds_a_record_by_institution_and_name(
    client, record, child_health_officer, health_institution
):
    client.force_login(child_health_officer)
    response = client.get("/health/records/", {"institution": health_institution.pk, "name": "档案"})
    assert response.status_code == 200
    assert f'data-pk="{record.pk}"' in response.content.decode()
    assert record.child.masked_id_number == "" or record.child.id_number not in response.content.decode()
    for bad in ({"institution": "abc"}, {"institution": str(2**70)}, {"page": "x"}):
        assert client.get("/health/records/", bad).status_code in (200, 400), bad


def test_the_api_list_filters_by_institution_and_refuses_a_bad_filter(
    client, record, child_health_officer, other_institution
):
    client.force_login(child_health_officer)
    assert client.get("/api/v1/health/records/", {"institution": record.institution_id}).json()["count"] == 1
    assert client.get("/api/v1/health/records/", {"institution": other_institution.pk}).json()["count"] == 0
    assert client.get("/api/v1/health/records/", {"institution": "1e20"}).status_code == 400
    # The list is a summary: the health data is read (and written down) only record by record.
    listed = client.get("/api/v1/health/records/").json()["results"][0]
    assert "allergies" not in listed and listed["child"]["name"] == record.child.name
    assert _reads(record) == 0
