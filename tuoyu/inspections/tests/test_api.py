"""The supervision API: who sees which plans, inspections and findings; the public draws with their
verification; the published results (public facts only); fixed query counts for every list."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.inspections.models import Draw, FindingStatus, InspectionStatus, Severity

from .test_publication import make_result

SECRET = "检查员内部备注：后厨有老鼠洞"


@pytest.fixture
def institution(plan):
    return plan.institutions.order_by("pk").first()


@pytest.fixture
def other_institution(plan):
    return plan.institutions.order_by("pk").last()


@pytest.fixture
def member(operator, institution):
    from tuoyu.institutions.models import InstitutionMembership

    InstitutionMembership.objects.create(institution=institution, user=operator)
    return operator


@pytest.fixture
def two_inspections(plan, institution, other_institution):
    """Submitted inspections at two institutions, each with an open finding."""
    own = make_result(plan, institution, findings=[(Severity.MAJOR, FindingStatus.OPEN, date(2099, 1, 1))])
    other = make_result(
        plan, other_institution, findings=[(Severity.MINOR, FindingStatus.OPEN, date(2099, 1, 1))]
    )
    return own, other


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_visitors_get_401_on_the_signed_in_resources(client, drawn_inspection):
    for url in ("/api/v1/inspections/", "/api/v1/findings/", "/api/v1/inspection-plans/"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert "WWW-Authenticate" in response


def test_an_institution_sees_only_its_own_inspections_and_findings(client, member, two_inspections):
    own, other = two_inspections
    client.force_login(member)
    assert _ids(client.get("/api/v1/inspections/")) == {own.pk}
    findings = client.get("/api/v1/findings/").json()["results"]
    assert {f["inspection"] for f in findings} == {own.pk}
    other_finding = other.findings.get()
    assert client.get(f"/api/v1/findings/{other_finding.pk}/rectifications/").status_code == 404
    assert client.get(f"/api/v1/findings/{own.findings.get().pk}/rectifications/").status_code == 200
    assert client.get("/api/v1/inspection-plans/").status_code == 403


def test_an_institution_does_not_see_an_inspection_before_it_is_submitted(client, member, drawn_inspection):
    client.force_login(member)
    assert drawn_inspection.status == InspectionStatus.ASSIGNED
    assert _ids(client.get("/api/v1/inspections/")) == set()


def test_an_inspector_sees_what_they_were_drawn_for_only(
    client, drawn_inspection, roster, plan, other_institution
):
    from tuoyu.inspections.models import Inspection

    elsewhere = Inspection.objects.create(
        plan=plan, draw=drawn_inspection.draw, institution=other_institution
    )
    elsewhere.inspectors.set([roster[1], roster[2]])
    # 王检查 (another department, not on the plan) sees only the inspection drawn for him.
    client.force_login(roster[2].user)
    assert _ids(client.get("/api/v1/inspections/")) == {elsewhere.pk}
    assert _ids(client.get("/api/v1/inspection-plans/")) == set()
    # 张检查 is of the plan's department: the plan's inspections are overseen by it.
    client.force_login(roster[0].user)
    assert _ids(client.get("/api/v1/inspections/")) == {drawn_inspection.pk, elsewhere.pk}
    assert _ids(client.get("/api/v1/inspection-plans/")) == {plan.pk}
    detail = client.get(f"/api/v1/inspection-plans/{plan.pk}/").json()
    assert detail["title"] == plan.title and detail["draws"][0]["number"] == 1


def test_a_street_officer_sees_inspections_in_their_unit(
    client, street_officer, two_inspections, make_institution
):
    own, other = two_inspections
    client.force_login(street_officer)
    assert _ids(client.get("/api/v1/inspections/")) == {own.pk, other.pk}  # both are in 汉丰街道
    assert len(client.get("/api/v1/findings/").json()["results"]) == 2


def test_the_commission_sees_a_plan_it_is_not_part_of(client, reviewer, plan):
    client.force_login(reviewer)
    assert _ids(client.get("/api/v1/inspection-plans/")) == {plan.pk}


def test_the_draw_is_public_and_verifies(client, plan):
    from tuoyu.inspections.services.draws import draw_plan

    draw = draw_plan(plan=plan, by=plan.created_by, seed="2026-q4-公开种子")
    body = client.get(f"/api/v1/draws/{draw.pk}/").json()
    assert body["seed"] == "2026-q4-公开种子" and body["result"] == draw.result
    assert body["institutions"] == draw.institution_list and body["algorithm"] == draw.algorithm
    verified = client.get(f"/api/v1/draws/{draw.pk}/verify/").json()
    assert verified == {"matches": True, "result": draw.result, "stored": draw.result}


def test_a_tampered_draw_does_not_verify(client, plan):
    from tuoyu.inspections.services.draws import draw_plan

    draw = draw_plan(plan=plan, by=plan.created_by, seed="2026-q4-公开种子")
    honest = draw.result
    # Someone swaps the drawn institution for another one in the stored result.
    swapped = [dict(row, institution=row["institution"] + 1000) for row in honest]
    Draw.objects.filter(pk=draw.pk).update(result=swapped)
    verified = client.get(f"/api/v1/draws/{draw.pk}/verify/").json()
    assert verified["matches"] is False
    assert verified["result"] == honest and verified["stored"] == swapped
    assert client.get("/api/v1/draws/999999/verify/").status_code == 404


def test_published_results_are_public_with_the_public_facts_only(client, plan, institution):
    published = make_result(
        plan,
        institution,
        summary=SECRET,
        published_at=timezone.now(),
        findings=[
            (Severity.SERIOUS, FindingStatus.OPEN, date(2020, 1, 1)),
            (Severity.MINOR, FindingStatus.RECTIFIED, date(2026, 11, 20)),
        ],
    )
    hidden = make_result(plan, institution)
    response = client.get("/api/v1/inspection-results/")
    assert _ids(response) == {published.pk}
    row = response.json()["results"][0]
    assert row["findings"] == {"minor": 1, "major": 0, "serious": 1}
    assert row["rectification"] == {"rectified": 1, "open": 0, "overdue": 1}
    assert row["institution"]["filing_number"] == institution.filing_number
    assert row["suspension"] is None
    text = response.content.decode()
    assert SECRET not in text and published.institution_signatory not in text and "张检查" not in text
    assert client.get(f"/api/v1/inspection-results/{published.pk}/").status_code == 200
    assert client.get(f"/api/v1/inspection-results/{hidden.pk}/").status_code == 404
    assert _ids(client.get("/api/v1/inspection-results/", {"result": "compliant"})) == set()
    assert _ids(client.get("/api/v1/inspection-results/", {"year": 2026})) == {published.pk}
    assert _ids(client.get("/api/v1/inspection-results/", {"unit": institution.unit_id})) == {published.pk}
    assert _ids(client.get("/api/v1/inspection-results/", {"department": plan.lead_department_id})) == {
        published.pk
    }
    assert client.get("/api/v1/inspection-results/", {"year": "20x6"}).status_code == 400


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/api/v1/inspections/", "/api/v1/findings/", "/api/v1/inspection-plans/", "/api/v1/inspection-results/"],
)
def test_the_lists_issue_a_fixed_number_of_queries(client, reviewer, plan, make_institution, url):
    client.force_login(reviewer)

    def add(n):
        for _ in range(n):
            make_result(
                plan,
                make_institution(),
                published_at=timezone.now(),
                findings=[(Severity.MINOR, FindingStatus.OPEN, date(2099, 1, 1))],
            )

    def add_plans(n):
        from tuoyu.inspections.models import InspectionPlan

        for i in range(n):
            extra = InspectionPlan.objects.create(
                title=f"专项检查{i}",
                lead_department=plan.lead_department,
                period_start=plan.period_start,
                period_end=plan.period_end,
                sample_size=1,
                created_by=plan.created_by,
            )
            extra.departments.set(plan.departments.all())
            extra.checklist.set(plan.checklist.all())

    add(2)
    add_plans(1)
    _count(client, url)  # warm-up: the staff session's first request reads more
    two = _count(client, url)
    add(8)
    add_plans(8)
    assert _count(client, url) == two


def test_the_institution_sends_evidence_by_the_api(
    client, member, two_inspections, reviewer, settings, tmp_path
):
    from ._rectify import make_pdf

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"  # evidence never lands in the repository's var/

    own, other = two_inspections
    finding = own.findings.get()
    client.force_login(member)
    url = f"/api/v1/findings/{finding.pk}/rectifications/"
    missing = client.post(url, {"note": "已清理通道"})
    assert missing.status_code == 400 and "file" in missing.json()["errors"]
    assert finding.rectifications.count() == 0
    created = client.post(url, {"note": "已清理通道", "file": make_pdf()})
    assert created.status_code == 201, created.content
    assert created.json()["original_name"] == "整改报告.pdf"
    finding.refresh_from_db()
    assert finding.status == FindingStatus.SUBMITTED
    again = client.post(url, {"note": "再次提交", "file": make_pdf()})
    assert again.status_code == 409  # the finding no longer waits for evidence
    assert (
        client.post(f"/api/v1/findings/{other.findings.get().pk}/rectifications/", {"note": "x"}).status_code
        == 404
    )
    client.force_login(reviewer)
    assert client.post(url, {"note": "x", "file": make_pdf()}).status_code == 403
    assert len(client.get(url).json()["results"]) == 1
