"""Who sees which staff: an operator their own institutions' people only (another's row is a 404 on every
page and write), a street officer no person (403 on the people pages), an anonymous visitor is sent to
sign in; the object rules of selectors (staff_visible_to, staff_for, certificate_for) directly."""

import pytest
from django.http import Http404

from tuoyu.workforce.models import Certificate, StaffMember
from tuoyu.workforce.selectors import (
    certificate_for,
    kept_institutions,
    staff_for,
    staff_kept_by,
    staff_visible_to,
)

pytestmark = pytest.mark.usefixtures("workforce_rules")


@pytest.fixture
def hc_admin(db):
    from tuoyu.accounts.models import User

    return User.objects.create_user(username="hc-admin", role="hc_admin")


@pytest.fixture
def person(staffed_institution, make_staff):
    return make_staff(staffed_institution, certificates=["baoyushi-4"])


def _pages(staff: StaffMember, certificate: Certificate) -> list[str]:
    return [
        f"/workforce/staff/{staff.pk}/",
        f"/workforce/staff/{staff.pk}/certificates/new/",
        f"/workforce/certificates/{certificate.pk}/scan/",
    ]


def _writes(staff: StaffMember, certificate: Certificate) -> list[tuple[str, dict]]:
    return [
        (f"/workforce/staff/{staff.pk}/", {"name": "改名"}),
        (f"/workforce/staff/{staff.pk}/end/", {"ended_on": "2030-01-01"}),
        (f"/workforce/staff/{staff.pk}/reopen/", {"started_on": "2030-01-01"}),
        (f"/workforce/staff/{staff.pk}/class/", {"class_group": ""}),
        (f"/workforce/staff/{staff.pk}/certificates/new/", {"number": "X"}),
        (f"/workforce/certificates/{certificate.pk}/remove/", {}),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, person):
    certificate = person.certificates.get()
    for url in ["/workforce/staff/", "/workforce/staff/new/", *_pages(person, certificate)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/" in response["Location"] or "login" in response["Location"], url


def test_another_operator_gets_404_on_every_page_and_write(client, other_operator, make_institution, person):
    from tuoyu.institutions.models import InstitutionMembership

    InstitutionMembership.objects.create(institution=make_institution(), user=other_operator)
    certificate = person.certificates.get()
    client.force_login(other_operator)
    for url in _pages(person, certificate):
        assert client.get(url).status_code == 404, url
    for url, data in _writes(person, certificate):
        assert client.post(url, data).status_code == 404, url
    listing = client.get("/workforce/staff/")
    assert listing.status_code == 200
    assert person.name not in listing.content.decode()
    assert client.get(f"/workforce/staff/?institution={person.institution_id}").status_code == 404
    person.refresh_from_db()
    assert person.name != "改名" and person.ended_on is None
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_a_street_officer_sees_no_person(client, street_officer, person):
    certificate = person.certificates.get()
    client.force_login(street_officer)
    for url in ["/workforce/staff/", "/workforce/staff/new/", *_pages(person, certificate)]:
        assert client.get(url).status_code == 403, url
    for url, data in _writes(person, certificate):
        assert client.post(url, data).status_code == 403, url
    assert not staff_visible_to(street_officer).exists()


def test_an_institutions_other_staff_roles_keep_no_staff(client, staffed_institution, person):
    from tuoyu.accounts.models import User
    from tuoyu.institutions.models import InstitutionMembership

    clerk = User.objects.create_user(username="clerk", role="inst_staff")
    InstitutionMembership.objects.create(institution=staffed_institution, user=clerk)
    assert not kept_institutions(clerk).exists()
    assert not staff_visible_to(clerk).exists()
    client.force_login(clerk)
    assert client.get("/workforce/staff/").status_code == 403


def test_the_object_rules(operator, other_operator, hc_admin, street_officer, person):
    certificate = person.certificates.get()
    assert list(kept_institutions(operator)) == [person.institution]
    assert list(staff_visible_to(operator)) == [person]
    assert staff_for(operator, person.pk) == person
    assert certificate_for(operator, certificate.pk) == certificate
    assert list(staff_visible_to(hc_admin)) == [person]
    assert not staff_kept_by(hc_admin).exists()  # the commission reads, does not keep
    for user in (other_operator, street_officer):
        with pytest.raises(Http404):
            staff_for(user, person.pk)
        with pytest.raises(Http404):
            certificate_for(user, certificate.pk)


def test_the_commission_may_open_a_scan_but_not_the_operator_pages(client, hc_admin, person, operator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuoyu.workforce import services
    from tuoyu.workforce.models import CertificateKind

    from .test_staff_services import PDF

    certificate = services.certificate_add(
        staff=person,
        by=operator,
        kind=CertificateKind.objects.get(code="health-training"),
        number="WS-1",
        issuer="开州区卫健委",
        issued_on=person.started_on,
        scan=SimpleUploadedFile("s.pdf", PDF),
    )
    client.force_login(hc_admin)
    assert client.get(f"/workforce/certificates/{certificate.pk}/scan/").status_code == 200
    assert client.get(f"/workforce/staff/{person.pk}/").status_code == 403
