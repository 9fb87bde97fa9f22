"""The operator's staff pages: the list with the ratio panel, adding a person and a certificate with its
scan, the form errors next to the fields, the class, the end of employment; the ID number only masked;
a fixed number of queries on the list whatever the rows."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.workforce.models import Certificate, StaffMember

from .conftest import id_number as conftest_id_number
from .conftest import wrong_check_digit
from .test_staff_services import PDF, png_upload

pytestmark = pytest.mark.usefixtures("workforce_rules")


def id_number(n: int) -> str:
    return conftest_id_number(n, birth=date(2017, 3, 1))


@pytest.fixture
def signed_in(client, operator):
    client.force_login(operator)
    return client


def form(n=1, **extra) -> dict:
    today = timezone.localdate()
    values = {
        "name": f"保育员{n}",
        "id_number": id_number(n),
        "mobile": "13800138000",
        "post": "carer",
        "employment": "full_time",
        "started_on": (today - timedelta(days=30)).isoformat(),
        "background_checked_on": (today - timedelta(days=40)).isoformat(),
        "health_checked_on": (today - timedelta(days=40)).isoformat(),
    }
    values.update(extra)
    return values


def test_an_operator_adds_a_carer_and_sees_only_the_masked_id_number(signed_in, staffed_institution):
    url = f"/workforce/staff/new/?institution={staffed_institution.pk}"
    assert signed_in.get(url).status_code == 200
    response = signed_in.post(url, form(1), follow=True)
    assert response.status_code == 200
    staff = StaffMember.objects.get()
    assert staff.institution == staffed_institution
    assert response.redirect_chain[-1][0] == f"/workforce/staff/{staff.pk}/"
    body = response.content.decode()
    assert id_number(1) not in body
    assert staff.masked_id_number in body
    assert response.context["messages"]
    listing = signed_in.get("/workforce/staff/").content.decode()
    assert id_number(1) not in listing and staff.masked_id_number in listing


def test_a_wrong_check_digit_is_shown_next_to_the_field_and_nothing_stored(signed_in, staffed_institution):
    response = signed_in.post(
        f"/workforce/staff/new/?institution={staffed_institution.pk}",
        form(1, id_number=wrong_check_digit(id_number(1))),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["id_number"]
    assert not StaffMember.objects.exists()


def test_a_form_returned_with_an_error_does_not_print_the_typed_id_number(signed_in, staffed_institution):
    """The number is valid, the mobile is not: the page asks for the number again instead of echoing it."""
    response = signed_in.post(
        f"/workforce/staff/new/?institution={staffed_institution.pk}", form(1, mobile="12345")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["mobile"]
    assert id_number(1) not in response.content.decode()
    assert not StaffMember.objects.exists()


def test_a_certificate_with_a_scan_is_added_and_its_scan_served_to_the_operator_only(
    signed_in, client, staffed_institution, make_staff, other_operator, street_officer
):
    staff = make_staff(staffed_institution)
    kind = Certificate._meta.get_field("kind").related_model.objects.get(code="baoyushi-4")
    today = timezone.localdate()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = signed_in.post(
        f"/workforce/staff/{staff.pk}/certificates/new/",
        {
            "kind": kind.pk,
            "number": "BYS-1",
            "issuer": "重庆市人社局",
            "issued_on": (today - timedelta(days=10)).isoformat(),
            "expires_on": (today + timedelta(days=300)).isoformat(),
            "scan": SimpleUploadedFile("证书.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get(staff=staff, number="BYS-1")
    scan_url = f"/workforce/certificates/{certificate.pk}/scan/"
    served = signed_in.get(scan_url)
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"%PDF-")
    client.force_login(other_operator)
    assert client.get(scan_url).status_code == 404
    client.force_login(street_officer)
    assert client.get(scan_url).status_code == 403


def test_bad_certificates_show_their_errors_and_store_nothing(signed_in, staffed_institution, make_staff):
    staff = make_staff(staffed_institution)
    kind = Certificate._meta.get_field("kind").related_model.objects.get(code="baoyushi-4")
    today = timezone.localdate()
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = Certificate.objects.count()
    response = signed_in.post(
        f"/workforce/staff/{staff.pk}/certificates/new/",
        {
            "kind": kind.pk,
            "number": "BYS-2",
            "issuer": "重庆市人社局",
            "issued_on": today.isoformat(),
            "expires_on": (today - timedelta(days=1)).isoformat(),
            "scan": SimpleUploadedFile("a.pdf", b"MZ not a pdf", content_type="application/pdf"),
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["expires_on"] and errors["scan"]
    assert Certificate.objects.count() == before


def test_assigning_two_carers_meets_the_ratio_on_the_list(signed_in, staffed_institution, make_staff):
    infants = staffed_institution.classes.get(name="乳儿一班")  # 6 children at 1:3: two carers
    one = make_staff(staffed_institution, certificates=["baoyushi-4"])
    two = make_staff(staffed_institution, certificates=["yuyingyuan-5"])
    signed_in.post(f"/workforce/staff/{one.pk}/class/", {"class_group": infants.pk})
    page = signed_in.get("/workforce/staff/").content.decode()
    assert f'data-class="{infants.pk}" data-carers="1" data-needed="2" data-met="no"' in page
    response = signed_in.post(f"/workforce/staff/{two.pk}/class/", {"class_group": infants.pk}, follow=True)
    assert response.status_code == 200
    page = signed_in.get("/workforce/staff/").content.decode()
    assert f'data-class="{infants.pk}" data-carers="2" data-needed="2" data-met="yes"' in page
    assert 'data-testid="certified-rate" data-rate="100.0"' in page


def test_a_cook_cannot_be_put_in_a_class(signed_in, staffed_institution, make_staff):
    cook = make_staff(staffed_institution, post="cook")
    group = staffed_institution.classes.first()
    response = signed_in.post(f"/workforce/staff/{cook.pk}/class/", {"class_group": group.pk})
    assert response.status_code == 400
    cook.refresh_from_db()
    assert cook.class_group is None


def test_ending_and_reopening_employment(signed_in, staffed_institution, make_staff):
    staff = make_staff(staffed_institution)
    today = timezone.localdate()
    bad = signed_in.post(
        f"/workforce/staff/{staff.pk}/end/", {"ended_on": (staff.started_on - timedelta(days=1)).isoformat()}
    )
    assert bad.status_code == 400 and bad.context["end_form"].errors["ended_on"]
    yesterday = today - timedelta(days=1)
    assert (
        signed_in.post(f"/workforce/staff/{staff.pk}/end/", {"ended_on": yesterday.isoformat()}).status_code
        == 302
    )
    staff.refresh_from_db()
    assert staff.ended_on == yesterday
    page = signed_in.get("/workforce/staff/").content.decode()
    assert 'data-testid="staff-row"' in page  # under former staff
    assert (
        signed_in.post(f"/workforce/staff/{staff.pk}/reopen/", {"started_on": today.isoformat()}).status_code
        == 302
    )
    staff.refresh_from_db()
    assert staff.ended_on is None and staff.started_on == today


def test_editing_the_record_keeps_the_id_number(signed_in, staffed_institution, make_staff):
    staff = make_staff(staffed_institution, number=id_number(3))
    data = form(3, name="新名字")
    data.pop("id_number")
    assert signed_in.post(f"/workforce/staff/{staff.pk}/", data).status_code == 302
    staff.refresh_from_db()
    assert staff.name == "新名字" and staff.id_number == id_number(3)
    bad = signed_in.post(f"/workforce/staff/{staff.pk}/", {**data, "mobile": "123"})
    assert bad.status_code == 400 and bad.context["edit_form"].errors["mobile"]


def test_removing_a_certificate(signed_in, staffed_institution, make_staff):
    staff = make_staff(staffed_institution, certificates=["baoyushi-4"])
    certificate = staff.certificates.get()
    assert signed_in.post(f"/workforce/certificates/{certificate.pk}/remove/").status_code == 302
    assert not Certificate.objects.filter(pk=certificate.pk).exists()


def test_an_operator_with_two_institutions_picks_one(
    signed_in, operator, staffed_institution, make_institution, make_staff
):
    from tuoyu.institutions.models import InstitutionMembership

    second = make_institution(name="第二园")
    InstitutionMembership.objects.create(institution=second, user=operator)
    here = make_staff(staffed_institution, name="甲")
    there = make_staff(second, name="乙")
    page = signed_in.get(f"/workforce/staff/?institution={second.pk}")
    assert [s.pk for s in page.context["current"]] == [there.pk]
    assert 'data-testid="institution-picker"' in page.content.decode()
    page = signed_in.get(f"/workforce/staff/?institution={staffed_institution.pk}")
    assert [s.pk for s in page.context["current"]] == [here.pk]


def test_the_list_reads_a_fixed_number_of_queries_whatever_the_rows(
    signed_in, staffed_institution, make_staff
):
    make_staff(staffed_institution, certificates=["baoyushi-4"])
    signed_in.get("/workforce/staff/")
    with CaptureQueriesContext(connection) as few:
        assert signed_in.get("/workforce/staff/").status_code == 200
    group = staffed_institution.classes.first()
    for _ in range(8):
        make_staff(staffed_institution, certificates=["baoyushi-4", "health-certificate"], class_group=group)
    make_staff(staffed_institution, post="cook", ended_on=timezone.localdate() - timedelta(days=1))
    with CaptureQueriesContext(connection) as many:
        assert signed_in.get("/workforce/staff/").status_code == 200
    assert len(many) == len(few)


def test_png_scan_is_accepted_on_the_page(signed_in, staffed_institution, make_staff):
    staff = make_staff(staffed_institution)
    kind = Certificate._meta.get_field("kind").related_model.objects.get(code="health-certificate")
    today = timezone.localdate()
    response = signed_in.post(
        f"/workforce/staff/{staff.pk}/certificates/new/",
        {
            "kind": kind.pk,
            "number": "JKZ-1",
            "issuer": "开州区疾控中心",
            "issued_on": today.isoformat(),
            "scan": png_upload(),
        },
    )
    assert response.status_code == 302
    assert Certificate.objects.get(number="JKZ-1").scan.name.endswith(".png")
