"""The staff and certificates API: create with the ID number, answers with it masked only; 400, 403, 404,
409 in core.api's one shape; multipart with a scan; a fixed number of queries on the lists."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.workforce.models import Certificate, StaffMember

from .conftest import id_number as conftest_id_number
from .conftest import wrong_check_digit
from .test_staff_services import PDF

pytestmark = pytest.mark.usefixtures("workforce_rules")

STAFF = "/api/v1/workforce/staff/"


def id_number(n: int) -> str:
    return conftest_id_number(n, birth=date(2017, 3, 1))


def body(n=1, **extra) -> dict:
    today = timezone.localdate()
    values = {
        "name": f"保育员{n}",
        "id_number": id_number(n),
        "post": "carer",
        "started_on": (today - timedelta(days=10)).isoformat(),
        "health_checked_on": (today - timedelta(days=10)).isoformat(),
        "background_checked_on": (today - timedelta(days=10)).isoformat(),
    }
    values.update(extra)
    return values


@pytest.fixture
def api(client, operator, staffed_institution):
    client.force_login(operator)
    return client


def test_create_answers_the_masked_number_only_and_get_list_patch_follow(api, staffed_institution):
    response = api.post(STAFF, body(1), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert id_number(1) not in response.content.decode()
    assert "id_number" not in data
    assert data["masked_id_number"] == id_number(1)[:3] + "*" * 11 + id_number(1)[-4:]
    assert data["institution"] == staffed_institution.pk and data["active"] is True
    pk = data["id"]
    listing = api.get(STAFF)
    assert [row["id"] for row in listing.json()["results"]] == [pk]
    assert id_number(1) not in listing.content.decode()
    group = staffed_institution.classes.first()
    patched = api.patch(
        f"{STAFF}{pk}/", {"class_group": group.pk, "mobile": "13800138000"}, content_type="application/json"
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["class_group"] == group.pk
    assert patched.json()["masked_mobile"] == "138****8000"
    assert id_number(1) not in api.get(f"{STAFF}{pk}/").content.decode()


def test_bad_input_is_a_400_per_field_and_nothing_stored(api):
    response = api.post(
        STAFF, body(1, id_number=wrong_check_digit(id_number(1))), content_type="application/json"
    )
    assert response.status_code == 400
    assert "id_number" in response.json()["errors"]
    assert not StaffMember.objects.exists()


def test_the_same_person_twice_is_a_409(api):
    assert api.post(STAFF, body(1), content_type="application/json").status_code == 201
    response = api.post(STAFF, body(1, name="又一次"), content_type="application/json")
    assert response.status_code == 409
    assert "id_number" in response.json()["errors"]
    assert StaffMember.objects.count() == 1


def test_certificates_json_and_multipart_and_their_refusals(api, staffed_institution, make_staff):
    staff = make_staff(staffed_institution)
    url = f"{STAFF}{staff.pk}/certificates/"
    today = timezone.localdate()
    cert = {
        "kind": "baoyushi-4",
        "number": "BYS-9",
        "issuer": "重庆市人社局",
        "issued_on": (today - timedelta(days=5)).isoformat(),
        "expires_on": (today + timedelta(days=300)).isoformat(),
    }
    created = api.post(url, cert, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["valid"] is True and created.json()["scan_url"] is None
    assert api.post(url, cert, content_type="application/json").status_code == 409
    before = Certificate.objects.count()
    early = {**cert, "number": "BYS-10", "expires_on": (today - timedelta(days=10)).isoformat()}
    response = api.post(url, early, content_type="application/json")
    assert response.status_code == 400 and "expires_on" in response.json()["errors"]
    not_a_pdf = SimpleUploadedFile("x.pdf", b"GIF89a....", content_type="application/pdf")
    response = api.post(url, {**cert, "number": "BYS-11", "scan": not_a_pdf})
    assert response.status_code == 400 and "scan" in response.json()["errors"]
    assert Certificate.objects.count() == before
    scanned = api.post(url, {**cert, "number": "BYS-12", "scan": SimpleUploadedFile("s.pdf", PDF)})
    assert scanned.status_code == 201, scanned.content
    assert scanned.json()["scan_url"] == f"/workforce/certificates/{scanned.json()['id']}/scan/"
    listing = api.get(url)
    assert {row["number"] for row in listing.json()["results"]} == {"BYS-9", "BYS-12"}
    pk = created.json()["id"]
    assert api.get(f"/api/v1/workforce/certificates/{pk}/").status_code == 200
    assert api.delete(f"/api/v1/workforce/certificates/{pk}/").status_code == 204
    assert not Certificate.objects.filter(pk=pk).exists()


def test_another_operator_gets_404_a_street_officer_403_anonymous_401(
    client, staffed_institution, make_staff, other_operator, street_officer
):
    staff = make_staff(staffed_institution, certificates=["baoyushi-4"])
    certificate = staff.certificates.get()
    urls = [
        f"{STAFF}{staff.pk}/",
        f"{STAFF}{staff.pk}/certificates/",
        f"/api/v1/workforce/certificates/{certificate.pk}/",
    ]
    for url in [STAFF, *urls]:
        assert client.get(url).status_code == 401, url
    client.force_login(other_operator)
    assert client.get(STAFF).json()["results"] == []
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.patch(urls[0], {"name": "x"}, content_type="application/json").status_code == 404
    assert client.delete(urls[2]).status_code == 404
    client.force_login(street_officer)
    for url in [STAFF, *urls]:
        assert client.get(url).status_code == 403, url


def test_the_commission_reads_but_does_not_write(client, staffed_institution, make_staff):
    from tuoyu.accounts.models import User

    staff = make_staff(staffed_institution)
    admin = User.objects.create_user(username="hc", role="hc_admin")
    client.force_login(admin)
    response = client.get(f"{STAFF}{staff.pk}/")
    assert response.status_code == 200
    assert staff.id_number not in response.content.decode()
    assert (
        client.patch(f"{STAFF}{staff.pk}/", {"name": "x"}, content_type="application/json").status_code == 403
    )
    assert client.post(STAFF, body(2), content_type="application/json").status_code == 403


def test_the_lists_read_a_fixed_number_of_queries(api, staffed_institution, make_staff):
    first = make_staff(staffed_institution, certificates=["baoyushi-4"])
    api.get(STAFF)
    with CaptureQueriesContext(connection) as few:
        assert api.get(STAFF).status_code == 200
    with CaptureQueriesContext(connection) as few_certificates:
        assert api.get(f"{STAFF}{first.pk}/certificates/").status_code == 200
    group = staffed_institution.classes.first()
    for _ in range(6):
        make_staff(staffed_institution, class_group=group)
    first_more = make_staff(
        staffed_institution, certificates=["baoyushi-4", "yuyingyuan-5", "health-certificate"]
    )
    with CaptureQueriesContext(connection) as many:
        assert api.get(STAFF).status_code == 200
    with CaptureQueriesContext(connection) as many_certificates:
        assert api.get(f"{STAFF}{first_more.pk}/certificates/").status_code == 200
    assert len(many) == len(few)
    assert len(many_certificates) == len(few_certificates)


def test_an_operator_of_two_institutions_names_one(api, operator, staffed_institution, make_institution):
    from tuoyu.institutions.models import InstitutionMembership

    second = make_institution()
    InstitutionMembership.objects.create(institution=second, user=operator)
    response = api.post(STAFF, body(1), content_type="application/json")
    assert response.status_code == 400 and "institution" in response.json()["errors"]
    response = api.post(STAFF, body(1, institution=second.pk), content_type="application/json")
    assert response.status_code == 201 and response.json()["institution"] == second.pk


def test_the_schema_describes_the_staff_resources(api):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/workforce/staff/"])
    assert {"get", "patch"} <= set(paths["/api/v1/workforce/staff/{id}/"])
    assert {"get", "post"} <= set(paths["/api/v1/workforce/staff/{id}/certificates/"])
    assert {"get", "delete"} <= set(paths["/api/v1/workforce/certificates/{id}/"])
    staff_shape = schema["components"]["schemas"]["WorkforceStaff"]["properties"]
    assert "masked_id_number" in staff_shape and "id_number" not in staff_shape
