"""The filing API over HTTP: applications for operators and reviewers, notices and receipt checks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from tuoyu.filings import services
from tuoyu.filings.models import Filing, FilingKind, FilingStatus
from tuoyu.institutions.models import Institution, InstitutionStatus

pytestmark = pytest.mark.django_db

LIST = "/api/v1/filings/"


def url(filing, action: str = "") -> str:
    return f"/api/v1/filings/{filing.pk}/" + (f"{action}/" if action else "")


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _filed(submitted, reviewer):
    """An approved initial filing: its operator is now a member of a filed institution."""
    user, filing = submitted()
    filing = services.filing_approve(filing=filing, by=reviewer)
    return user, filing, Institution.objects.get(pk=filing.institution_id)


# --- who sees what -------------------------------------------------------------------------------


def test_an_operator_lists_only_their_own_filings_and_anothers_is_not_found(client, applicant_and_filing):
    mine_user, mine = applicant_and_filing(complete=False, name="我的托育园")
    _other_user, other = applicant_and_filing(complete=False, name="别人的托育园")
    client.force_login(mine_user)
    response = client.get(LIST)
    assert _ids(response) == [mine.pk]
    assert response.json()["results"][0]["name"] == "我的托育园"
    for path in (url(other), url(other, "submit"), url(other, "withdraw")):
        call = client.get if path == url(other) else client.post
        assert call(path).status_code == 404, path
    assert client.patch(url(other), {"pledge": True}, content_type="application/json").status_code == 404
    other.refresh_from_db()
    assert other.status == FilingStatus.DRAFT and other.pledge_accepted_at is None


def test_a_reviewer_lists_every_filing_with_the_soonest_deadline_first(
    client, applicant_and_filing, submitted, reviewer
):
    _u, draft = applicant_and_filing(complete=False)
    _u, first = submitted(name="甲托育园")
    _u, second = submitted(name="乙托育园")
    Filing.objects.filter(pk=first.pk).update(due_on=second.due_on.replace(year=second.due_on.year + 1))
    client.force_login(reviewer)
    assert _ids(client.get(LIST)) == [second.pk, first.pk, draft.pk]
    assert _ids(client.get(LIST, {"status": "submitted"})) == [second.pk, first.pk]
    assert _ids(client.get(LIST, {"status": "draft", "kind": "initial"})) == [draft.pk]
    assert _ids(client.get(LIST, {"kind": "change"})) == []
    assert _ids(client.get(LIST, {"status": "submitted", "ordering": "-due_on"})) == [first.pk, second.pk]


def test_an_unknown_status_filter_is_a_clear_400(client, reviewer):
    client.force_login(reviewer)
    response = client.get(LIST, {"status": "lost"})
    assert response.status_code == 400
    body = response.json()
    assert "status" in body["errors"] and body["message"]


def test_the_filings_api_needs_a_signed_in_operator_or_reviewer(
    client, applicant_and_filing, family, inspector
):
    _user, filing = applicant_and_filing(complete=False)
    response = client.get(LIST)
    assert response.status_code == 401 and response.json()["detail"]
    for outsider in (family, inspector):
        client.force_login(outsider)
        assert client.get(LIST).status_code == 403
        assert client.get(url(filing)).status_code == 403


# --- the application -----------------------------------------------------------------------------


def test_the_detail_shows_deadlines_timeline_and_materials_with_their_links(client, submitted):
    user, filing = submitted()
    client.force_login(user)
    body = client.get(url(filing)).json()
    assert body["status"] == "submitted" and body["kind"] == "initial" and body["version"] == 1
    assert body["deadline"] == {"days_left": services.DECISION_WORKDAYS, "overdue": False}
    assert body["check_deadline"] == {"days_left": services.CHECK_WORKDAYS, "overdue": False}
    assert body["due_on"] == filing.due_on.isoformat()
    assert [event["status"] for event in body["events"]] == ["submitted"]
    assert body["data"]["institution"]["name"] == "阳光托育园"
    assert body["data"]["institution"]["is_puhui"] is True
    assert body["data"]["institution"]["serves_meals"] is False
    assert body["pledge_accepted"] is True and body["editable"] is False
    kinds = {m["kind"] for m in body["materials"]}
    assert {"licence", "hygiene", "fire", "premises_lease"} <= kinds
    licence = next(m for m in body["materials"] if m["kind"] == "licence")
    assert licence["url"].endswith(f"/filings/{filing.pk}/materials/{licence['id']}/")
    served = client.get(licence["url"])
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"


def test_the_owner_saves_the_draft_section_by_section(client, applicant_and_filing):
    user, filing = applicant_and_filing(complete=False)
    client.force_login(user)
    response = client.patch(
        url(filing),
        {
            "data": {
                "institution": {"name": "新名字托育园", "is_puhui": True},
                "staff": {"total": 9, "caregivers": "6"},
            },
            "pledge": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["editable"] is True and response.json()["pledge_accepted"] is True
    filing.refresh_from_db()
    institution = filing.data["institution"]
    # Stored the way the web form stores it, and the credit code fixed at registration survives.
    assert institution["name"] == "新名字托育园" and institution["is_puhui"] == "on"
    assert institution["uscc"] == user.username
    assert filing.data["staff"] == {"total": "9", "caregivers": "6"}
    # A later PATCH of another section keeps this one.
    client.patch(url(filing), {"data": {"classes": []}}, content_type="application/json")
    filing.refresh_from_db()
    assert filing.data["institution"]["name"] == "新名字托育园" and filing.data["classes"] == []


def test_only_the_owner_edits_and_only_while_editable(client, submitted, applicant_and_filing, reviewer):
    user, draft = applicant_and_filing(complete=False)
    client.force_login(reviewer)
    assert client.patch(url(draft), {"pledge": True}, content_type="application/json").status_code == 403
    user, filing = submitted()
    client.force_login(user)
    response = client.patch(url(filing), {"pledge": False}, content_type="application/json")
    assert response.status_code == 409  # submitted: its state no longer allows editing
    assert response.json()["errors"]["non_field_errors"]
    filing.refresh_from_db()
    assert filing.pledge_accepted_at is not None


def test_submitting_an_incomplete_filing_lists_what_is_missing(client, applicant_and_filing):
    user, filing = applicant_and_filing(complete=False)
    client.force_login(user)
    response = client.post(url(filing, "submit"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    missing = body["errors"]["missing"]
    assert "Material missing: Business licence or legal person certificate" in missing
    assert "Accept the pledge (承诺书) before submitting." in missing
    assert body["message"] == missing[0]
    filing.refresh_from_db()
    assert filing.status == FilingStatus.DRAFT


def test_submitting_a_complete_filing_starts_the_review(client, applicant_and_filing):
    user, filing = applicant_and_filing()
    client.force_login(user)
    response = client.post(url(filing, "submit"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted" and response.json()["due_on"]
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED and filing.version == 1


def test_submitting_twice_is_refused_by_the_workflow(client, submitted):
    user, filing = submitted()
    client.force_login(user)
    response = client.post(url(filing, "submit"))
    assert response.status_code == 409
    assert "missing" not in response.json()["errors"] and response.json()["errors"]["non_field_errors"]


def test_a_reviewer_approves_and_the_filing_number_is_issued(client, submitted, reviewer):
    _user, filing = submitted()
    client.force_login(reviewer)
    response = client.post(url(filing, "approve"), {"note": "材料齐全"}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved" and body["filing_number"]
    assert body["institution"]["filing_number"] == body["filing_number"]
    assert body["receipt_url"].endswith(f"/filings/{filing.pk}/receipt.pdf")
    assert body["events"][-1]["status"] == "approved" and body["events"][-1]["note"] == "材料齐全"
    assert Institution.objects.get(pk=body["institution"]["id"]).status == InstitutionStatus.FILED


def test_an_operator_calling_approve_is_refused(client, submitted):
    user, filing = submitted()
    client.force_login(user)
    assert client.post(url(filing, "approve")).status_code == 403
    assert client.post(url(filing, "noncompliant"), {"reasons": "x"}).status_code == 403
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED and filing.filing_number == ""


def test_a_reviewer_cannot_submit_or_withdraw_for_the_operator(client, applicant_and_filing, reviewer):
    _user, filing = applicant_and_filing()
    client.force_login(reviewer)
    assert client.post(url(filing, "submit")).status_code == 403
    assert client.post(url(filing, "withdraw")).status_code == 403
    filing.refresh_from_db()
    assert filing.status == FilingStatus.DRAFT


def test_returning_needs_a_comment_and_the_operator_then_sees_it(client, submitted, reviewer):
    user, filing = submitted()
    client.force_login(reviewer)
    empty = client.post(url(filing, "return"), {"comments": {"fire": "  "}}, content_type="application/json")
    assert empty.status_code == 400
    assert empty.json()["errors"]["comments"]
    unknown = client.post(url(filing, "return"), {"comments": {"nope": "x"}}, content_type="application/json")
    assert unknown.status_code == 400 and "comments" in unknown.json()["errors"]
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    response = client.post(
        url(filing, "return"),
        {"comments": {"fire": "消防验收证明不清晰"}, "note": "请补正"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "returned"
    client.force_login(user)
    body = client.get(url(filing)).json()
    assert body["editable"] is True and body["deadline"] is None
    assert [(c["item"], c["text"]) for c in body["comments"]] == [("fire", "消防验收证明不清晰")]


def test_non_compliance_needs_published_reasons(client, submitted, reviewer):
    _user, filing = submitted()
    client.force_login(reviewer)
    response = client.post(url(filing, "noncompliant"), {}, content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"]["reasons"]
    response = client.post(url(filing, "noncompliant"), {"reasons": "场地不符合要求"})
    assert response.status_code == 200 and response.json()["status"] == "noncompliant"


def test_the_owner_withdraws_a_draft(client, applicant_and_filing):
    user, filing = applicant_and_filing(complete=False)
    client.force_login(user)
    response = client.post(url(filing, "withdraw"))
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_an_operator_starts_a_change_for_their_institution_only(
    client, submitted, reviewer, other_operator, make_institution
):
    user, _filing, institution = _filed(submitted, reviewer)
    client.force_login(user)
    response = client.post(
        LIST, {"kind": "change", "institution": institution.pk}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "change" and body["status"] == "draft" and body["editable"] is True
    assert response["Location"].endswith(f"/api/v1/filings/{body['id']}/")
    assert body["data"]["institution"]["name"] == institution.name
    # One application at a time per institution: the one in progress is a conflict.
    again = client.post(
        LIST, {"kind": "change", "institution": institution.pk}, content_type="application/json"
    )
    assert again.status_code == 409
    # Not a member: as if the institution did not exist.
    stranger = make_institution()
    refused = client.post(
        LIST, {"kind": "change", "institution": stranger.pk}, content_type="application/json"
    )
    assert refused.status_code == 400 and "institution" in refused.json()["errors"]
    # A new initial filing starts at registration, not here.
    initial = client.post(
        LIST, {"kind": "initial", "institution": institution.pk}, content_type="application/json"
    )
    assert initial.status_code == 400 and "kind" in initial.json()["errors"]
    client.force_login(reviewer)
    assert client.post(LIST, {"kind": "change", "institution": institution.pk}).status_code == 403
    assert Filing.objects.filter(kind=FilingKind.CHANGE).count() == 1


def test_deregistration_needs_a_reason(client, submitted, reviewer):
    user, _filing, institution = _filed(submitted, reviewer)
    client.force_login(user)
    response = client.post(
        LIST, {"kind": "deregistration", "institution": institution.pk}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["errors"]["reason"]
    response = client.post(
        LIST,
        {"kind": "deregistration", "institution": institution.pk, "reason": "租约到期"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["data"]["deregistration"]["reason"] == "租约到期"


# --- public --------------------------------------------------------------------------------------


def test_the_notice_feed_is_public_and_shows_the_approval(client, submitted, reviewer):
    _user, filing = submitted(name="公示托育园")
    services.filing_approve(filing=filing, by=reviewer)
    _user, other = submitted(name="不合格托育园")
    services.filing_find_noncompliant(filing=other, by=reviewer, reasons="场地不符合要求")
    response = client.get("/api/v1/notices/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["kind"], r["institution_name"]) for r in rows] == [
        ("noncompliant", "不合格托育园"),
        ("filed", "公示托育园"),
    ]
    filed = client.get("/api/v1/notices/", {"kind": "filed"}).json()
    assert filed["count"] == 1 and filed["results"][0]["filing_number"]
    assert client.get("/api/v1/notices/", {"kind": "other"}).status_code == 400


def test_a_receipt_verifies_until_the_institution_is_deregistered(client, submitted, reviewer):
    user, filing, institution = _filed(submitted, reviewer)
    code = filing.receipt_code
    response = client.get(f"/api/v1/receipts/{code.lower()}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.json() == {
        "result": "valid",
        "message": "This receipt is valid.",
        "institution": {
            "name": institution.name,
            "filing_number": institution.filing_number,
            "uscc": institution.uscc,
            "capacity_total": institution.capacity_total,
        },
    }
    dereg = services.filing_start_deregistration(institution=institution, by=user, reason="停止办托")
    services.filing_submit(filing=dereg, by=user)
    services.filing_approve(filing=dereg, by=reviewer)
    body = client.get(f"/api/v1/receipts/{code}/").json()
    assert body["result"] == "deregistered" and body["institution"]["name"] == institution.name


def test_an_unknown_receipt_is_not_found_and_says_so(client, kaizhou):
    response = client.get("/api/v1/receipts/NOSUCHCODE/")
    assert response.status_code == 404
    assert response.json()["result"] == "unknown" and response.json()["institution"] is None


def test_the_schema_documents_every_filing_endpoint():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert set(paths["/api/v1/filings/"]) == {"get", "post"}
    assert set(paths["/api/v1/filings/{id}/"]) == {"get", "patch"}
    for action in ("submit", "withdraw", "approve", "return", "noncompliant"):
        assert set(paths[f"/api/v1/filings/{{id}}/{action}/"]) == {"post"}, action
    assert "get" in paths["/api/v1/notices/"] and "get" in paths["/api/v1/receipts/{code}/"]
    submit = paths["/api/v1/filings/{id}/submit/"]["post"]
    assert {"200", "400", "403", "404"} <= set(submit["responses"])
    ids = [op["operationId"] for path in paths.values() for op in path.values()]
    assert len(ids) == len(set(ids))


# --- query counts --------------------------------------------------------------------------------


def _count_queries(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries)


def test_the_filings_list_runs_a_fixed_number_of_queries(client, applicant_and_filing, submitted, reviewer):
    _filed(submitted, reviewer)
    applicant_and_filing(complete=False)
    client.force_login(reviewer)
    # A first request stamps the staff session's last-seen time (at most once a minute): not counted.
    client.get(LIST)
    few = _count_queries(client, LIST)
    for _ in range(2):
        _filed(submitted, reviewer)
    for _ in range(3):
        applicant_and_filing(complete=False)
    assert len(client.get(LIST).json()["results"]) == 7
    assert _count_queries(client, LIST) == few


def test_an_operators_filings_list_runs_a_fixed_number_of_queries(client, submitted, reviewer):
    user, _filing, institution = _filed(submitted, reviewer)
    client.force_login(user)
    few = _count_queries(client, LIST)
    change = services.filing_start_change(institution=institution, by=user)
    services.filing_withdraw(filing=change, by=user)
    services.filing_start_deregistration(institution=institution, by=user, reason="停办")
    assert len(client.get(LIST).json()["results"]) == 3
    assert _count_queries(client, LIST) == few


def test_the_notice_feed_runs_a_fixed_number_of_queries(client, submitted, reviewer):
    _filed(submitted, reviewer)
    few = _count_queries(client, "/api/v1/notices/")
    for _ in range(3):
        _filed(submitted, reviewer)
    assert client.get("/api/v1/notices/").json()["count"] == 4
    assert _count_queries(client, "/api/v1/notices/") == few
