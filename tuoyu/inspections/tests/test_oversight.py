"""The pages of findings and rectification: who sees what (the commission all, a street officer only
their unit's, a department officer only its plans', an institution only its own), the upload and the
decisions through the pages, the evidence file behind its access check, the export, and a fixed number
of queries on /inspections/findings/ and /inspections/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tuoyu.inspections.models import (
    Finding,
    FindingStatus,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    Rectification,
    Severity,
)
from tuoyu.institutions.models import InstitutionMembership, InstitutionStatus
from tuoyu.regions.models import Department, Unit

from ._rectify import *  # noqa: F403 (the fixtures)
from ._rectify import make_pdf, make_text

pytestmark = pytest.mark.django_db
F = FindingStatus
FINDINGS = reverse("inspections:findings")
OVERSIGHT = reverse("inspections:oversight")


def _other_unit():
    return Unit.objects.filter(level__in=["street", "town"]).exclude(name="汉丰街道").order_by("code").first()


def _inspection(plan, draw, institution, inspectors=()):
    inspection = Inspection.objects.create(
        plan=plan, draw=draw, institution=institution, submitted_at=timezone.now()
    )
    Inspection.objects.filter(pk=inspection.pk).update(status=InspectionStatus.SUBMITTED)
    inspection.inspectors.set(inspectors)
    return inspection


@pytest.fixture
def elsewhere(submitted, make_institution, make_finding):
    """A finding of the same plan at an institution in another street or town."""
    inspection = _inspection(
        submitted.plan, submitted.draw, make_institution(name="别处托育园", unit=_other_unit())
    )
    return make_finding(inspection=inspection, description="别处的问题")


@pytest.fixture
def other_plan_finding(submitted, make_institution, make_finding):
    """A finding of another department's plan (消防), in the same street."""
    xf = Department.objects.exclude(code__in=["KZ-SCJG", "KZ-WJW"]).order_by("code").first()
    plan = InspectionPlan.objects.create(
        title="消防专项检查",
        lead_department=xf,
        period_start="2026-10-01",
        period_end="2026-12-31",
        sample_size=1,
        created_by=submitted.plan.created_by,
    )
    plan.departments.add(xf)
    inspection = _inspection(plan, submitted.draw, make_institution(name="消防抽查园"))
    return make_finding(inspection=inspection, description="他部门的问题")


def _pks(response, testid="finding-row"):
    import re

    return {
        int(pk) for pk in re.findall(rf'data-testid="{testid}" data-pk="(\d+)"', response.content.decode())
    }


# --- who sees what ----------------------------------------------------------------------------------


def test_the_commission_sees_every_finding(client, reviewer, finding, elsewhere, other_plan_finding):
    client.force_login(reviewer)
    assert _pks(client.get(FINDINGS)) == {finding.pk, elsewhere.pk, other_plan_finding.pk}


def test_a_street_officer_sees_only_their_unit(
    client, street_officer, finding, elsewhere, other_plan_finding
):
    client.force_login(street_officer)
    assert _pks(client.get(FINDINGS)) == {finding.pk, other_plan_finding.pk}
    assert client.get(reverse("inspections:finding", args=[elsewhere.pk])).status_code == 404
    assert _pks(client.get(OVERSIGHT), "inspection-row") == {
        finding.inspection_id,
        other_plan_finding.inspection_id,
    }


def test_a_department_officer_sees_only_their_plans(
    client, inspector, finding, elsewhere, other_plan_finding
):
    client.force_login(inspector)  # 市场监管, not on the roster
    assert _pks(client.get(FINDINGS)) == {finding.pk, elsewhere.pk}
    assert client.get(reverse("inspections:finding", args=[other_plan_finding.pk])).status_code == 404
    assert _pks(client.get(OVERSIGHT), "inspection-row") == {finding.inspection_id, elsewhere.inspection_id}


def test_filters(client, reviewer, make_finding, elsewhere):
    serious = make_finding(severity=Severity.SERIOUS)
    client.force_login(reviewer)
    assert _pks(client.get(FINDINGS, {"severity": "serious"})) == {serious.pk}
    assert _pks(client.get(FINDINGS, {"unit": _other_unit().pk})) == {elsewhere.pk}
    Finding.objects.filter(pk=serious.pk).update(status=F.RECTIFIED)
    assert serious.pk not in _pks(client.get(FINDINGS))
    assert serious.pk in _pks(client.get(FINDINGS, {"status": "all"}))
    late = make_finding(deadline=timezone.localdate().replace(year=2025))
    assert _pks(client.get(FINDINGS, {"deadline": "overdue"})) == {late.pk}


def test_the_export(client, reviewer, finding):
    client.force_login(reviewer)
    response = client.get(reverse("inspections:findings_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_institution_sees_only_its_own(client, member, finding, elsewhere):
    client.force_login(member)
    page = client.get(reverse("inspections:institution_inspections"))
    assert _pks(page, "institution-finding-row") == {finding.pk}
    assert client.get(reverse("inspections:institution_finding", args=[finding.pk])).status_code == 200
    assert client.get(reverse("inspections:institution_finding", args=[elsewhere.pk])).status_code == 404
    assert client.get(FINDINGS).status_code == 403


def test_an_inspection_not_yet_submitted_is_not_shown_to_the_institution(client, member, finding):
    Inspection.objects.filter(pk=finding.inspection_id).update(submitted_at=None)
    client.force_login(member)
    assert (
        _pks(client.get(reverse("inspections:institution_inspections")), "institution-finding-row") == set()
    )
    assert client.get(reverse("inspections:institution_finding", args=[finding.pk])).status_code == 404


# --- the upload and the decisions through the pages -------------------------------------------------


def test_upload_then_accept_through_the_pages(
    client, member, finding, inspector_user, undrawn_inspector, inspector
):
    url = reverse("inspections:institution_finding", args=[finding.pk])
    client.force_login(member)
    refused = client.post(url, {"note": "已整改", "file": make_text()})
    assert refused.status_code == 400
    assert b'data-testid="evidence-errors"' in refused.content
    assert not Rectification.objects.exists()
    response = client.post(url, {"note": "已清理通道", "file": make_pdf()})
    assert response.status_code == 302
    assert Finding.objects.get(pk=finding.pk).status == F.SUBMITTED
    evidence = Rectification.objects.get()
    file_url = reverse("inspections:evidence_file", args=[finding.pk, evidence.pk])
    assert client.get(file_url).status_code == 200

    # Another department's inspector does not even see it; the plan department's officer sees it but
    # was not drawn, so is offered no decision and refused one.
    client.force_login(undrawn_inspector)
    assert client.get(reverse("inspections:finding", args=[finding.pk])).status_code == 404
    assert client.post(reverse("inspections:finding_accept", args=[finding.pk])).status_code == 404
    client.force_login(inspector)
    assert (
        b'data-testid="accept"' not in client.get(reverse("inspections:finding", args=[finding.pk])).content
    )
    assert client.post(reverse("inspections:finding_accept", args=[finding.pk])).status_code == 403

    client.force_login(inspector_user)
    page = client.get(reverse("inspections:finding", args=[finding.pk]))
    assert b'data-testid="accept"' in page.content
    assert client.get(file_url).status_code == 200
    assert client.post(reverse("inspections:finding_accept", args=[finding.pk])).status_code == 302
    assert Finding.objects.get(pk=finding.pk).status == F.RECTIFIED
    assert Inspection.objects.get(pk=finding.inspection_id).status == InspectionStatus.CLOSED


def test_evidence_file_is_not_served_to_another_institution(
    client, member, finding, other_operator, make_institution
):
    client.force_login(member)
    client.post(
        reverse("inspections:institution_finding", args=[finding.pk]), {"note": "已整改", "file": make_pdf()}
    )
    evidence = Rectification.objects.get()
    InstitutionMembership.objects.create(user=other_operator, institution=make_institution())
    client.force_login(other_operator)
    assert client.get(reverse("inspections:evidence_file", args=[finding.pk, evidence.pk])).status_code == 404


def test_return_without_a_note_says_why_and_changes_nothing(client, member, finding, inspector_user):
    client.force_login(member)
    client.post(
        reverse("inspections:institution_finding", args=[finding.pk]), {"note": "已整改", "file": make_pdf()}
    )
    client.force_login(inspector_user)
    response = client.post(reverse("inspections:finding_return", args=[finding.pk]), {"note": ""})
    assert response.status_code == 400
    assert b'data-testid="action-errors"' in response.content
    assert Finding.objects.get(pk=finding.pk).status == F.SUBMITTED


def test_reinspection_through_the_pages_refuses_a_past_deadline(client, member, finding, inspector_user):
    client.force_login(member)
    client.post(
        reverse("inspections:institution_finding", args=[finding.pk]), {"note": "已整改", "file": make_pdf()}
    )
    client.force_login(inspector_user)
    assert (
        client.post(
            reverse("inspections:finding_reinspect", args=[finding.pk]), {"note": "周二复查"}
        ).status_code
        == 302
    )
    record = reverse("inspections:finding_reinspection_record", args=[finding.pk])
    response = client.post(record, {"outcome": "failed", "note": "仍有杂物", "new_deadline": "2020-01-06"})
    assert response.status_code == 400
    assert Finding.objects.get(pk=finding.pk).status == F.REINSPECTION
    assert client.post(record, {"outcome": "passed", "note": "已畅通"}).status_code == 302
    assert Finding.objects.get(pk=finding.pk).status == F.RECTIFIED


def test_suspend_and_lift_through_the_pages(client, reviewer, inspector_user, make_finding):
    serious = make_finding(severity=Severity.SERIOUS)
    institution = serious.inspection.institution
    client.force_login(inspector_user)
    assert (
        client.post(reverse("inspections:finding_suspend", args=[serious.pk]), {"reason": "x"}).status_code
        == 403
    )
    client.force_login(reviewer)
    assert b'data-testid="suspend"' in client.get(reverse("inspections:finding", args=[serious.pk])).content
    assert (
        client.post(reverse("inspections:finding_suspend", args=[serious.pk]), {"reason": ""}).status_code
        == 400
    )
    response = client.post(
        reverse("inspections:finding_suspend", args=[serious.pk]), {"reason": "安全出口上锁"}
    )
    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.status == InstitutionStatus.SUSPENDED
    suspension = institution.suspensions.get()
    response = client.post(reverse("inspections:suspension_lift", args=[suspension.pk]), {"note": "已恢复"})
    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.status == InstitutionStatus.FILED


# --- a fixed number of queries ----------------------------------------------------------------------


def _spread(submitted, make_institution, make_finding, n):
    for i in range(n):
        inspection = _inspection(
            submitted.plan, submitted.draw, make_institution(name=f"计数园{Finding.objects.count()}-{i}")
        )
        make_finding(inspection=inspection, deadline=timezone.localdate().replace(day=1))


@pytest.mark.parametrize("url", [FINDINGS, OVERSIGHT])
def test_fixed_number_of_queries(client, street_officer, submitted, make_institution, make_finding, url):
    client.force_login(street_officer)
    client.get(url)  # the staff session's first request stamps its last-seen time: not counted

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    _spread(submitted, make_institution, make_finding, 2)
    few = count()
    _spread(submitted, make_institution, make_finding, 8)
    assert count() == few


def test_the_institutions_page_has_a_fixed_number_of_queries(client, member, submitted, make_finding):
    url = reverse("inspections:institution_inspections")
    client.force_login(member)
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    for _ in range(2):
        make_finding()
    few = count()
    for i in range(8):
        make_finding(deadline=timezone.localdate().replace(day=1), description=f"问题{i}")
    assert count() == few
