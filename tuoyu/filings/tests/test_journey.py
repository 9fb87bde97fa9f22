"""The whole filing journey over HTTP, as the operator and the reviewer click through it."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tuoyu.filings.models import Filing, FilingStatus, Notice
from tuoyu.filings.tests.conftest import complete_data, make_pdf, new_uscc
from tuoyu.institutions.models import Institution

pytestmark = pytest.mark.django_db


def _post_form(client, url, data, action):
    """Post the filing form the way the browser does, flattening sections into prefixed fields."""
    payload = {f"inst-{k}": v for k, v in data["institution"].items() if v}
    for prefix, rows in (("classes", data["classes"]), ("fees", data["fees"])):
        payload[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        payload[f"{prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(rows):
            payload.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    payload.update({f"staff-{k}": v for k, v in data["staff"].items()})
    payload["pledge"] = "on"
    payload["action"] = action
    return client.post(url, payload)


def test_an_operator_files_online_and_the_reviewer_returns_then_approves(client, kaizhou, reviewer):
    code = new_uscc(7)
    response = client.post(
        "/filings/register/",
        {
            "name": "阳光托育园",
            "registration_body": "enterprise",
            "uscc": code,
            "legal_representative": "张敏",
            "phone": "13900000007",
            "password": "a-long-secret-passphrase",
            "password2": "a-long-secret-passphrase",
        },
    )
    assert response.status_code == 302
    filing = Filing.objects.get()
    edit_url = f"/filings/{filing.pk}/edit/"
    assert response["Location"] == edit_url

    # A half-finished draft saves and resumes.
    partial = complete_data(code)
    partial["classes"] = []
    assert _post_form(client, edit_url, partial, "save").status_code == 302
    # Submitting says exactly what is missing.
    page = _post_form(client, edit_url, complete_data(code), "submit").content.decode()
    assert 'data-testid="missing"' in page and "营业执照" in page
    for kind in ("licence", "staff_qualification", "staff_health", "fire"):
        client.post(f"/filings/{filing.pk}/materials/", {"kind": kind, "file": make_pdf()})
    client.post(
        f"/filings/{filing.pk}/materials/", {"kind": "hygiene", "file": make_pdf(), "hygiene_passed": "on"}
    )
    client.post(f"/filings/{filing.pk}/materials/", {"kind": "premises_own", "file": make_pdf("产权证.pdf")})
    response = _post_form(client, edit_url, complete_data(code), "submit")
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED and filing.version == 1 and filing.due_on is not None

    client.force_login(reviewer)
    queue = client.get("/filings/review/").content.decode()
    assert "阳光托育园" in queue
    review_page = client.get(f"/filings/review/{filing.pk}/").content.decode()
    assert "阳光托育园" in review_page and "/materials/" in review_page
    material = filing.materials.first()
    served = client.get(f"/filings/{filing.pk}/materials/{material.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    client.post(
        f"/filings/review/{filing.pk}/",
        {"decision": "return", "note": "", "comment-fire": "消防验收证明不清晰，请重新上传。"},
    )
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RETURNED

    client.force_login(filing.applicant)
    edit_page = client.get(edit_url).content.decode()
    assert "消防验收证明不清晰" in edit_page
    client.post(f"/filings/{filing.pk}/materials/", {"kind": "fire", "file": make_pdf("fire-v2.pdf")})
    assert _post_form(client, edit_url, complete_data(code), "submit").status_code == 302
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED and filing.version == 2

    client.force_login(reviewer)
    client.post(f"/filings/review/{filing.pk}/", {"decision": "approve", "note": "材料齐全"})
    filing.refresh_from_db()
    assert filing.status == FilingStatus.APPROVED
    institution = Institution.objects.get()
    assert institution.status == "filed" and re.fullmatch(r"开州托备〔\d{4}〕0001", institution.filing_number)
    assert institution.capacity_total == 35 and institution.memberships.filter(user=filing.applicant).exists()
    assert Notice.objects.get().kind == "filed"
    # It is on the public map now.
    assert institution.name in client.get("/institutions/").content.decode()
    # The receipt verifies.
    assert client.get(f"/filings/verify/{filing.receipt_code}/").status_code == 200
    history = [e.to_status for e in filing.events.all()]
    assert history == ["submitted", "returned", "submitted", "approved"]


def test_a_material_of_the_wrong_type_is_refused_and_not_stored(client, applicant_and_filing):
    user, filing = applicant_and_filing(complete=False)
    client.force_login(user)
    before = filing.materials.count()
    exe = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    page = client.post(f"/filings/{filing.pk}/materials/", {"kind": "licence", "file": exe}).content.decode()
    assert 'role="alert"' in page
    assert filing.materials.count() == before
