"""一公开 pages: the public list and one result, the register's institution page (filed, suspended,
deregistered). The public never sees the on-site record: notes, summary, photos, the signatory."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.inspections.models import ChecklistAnswer, FindingStatus, Result, Severity, Signature, Suspension

from .test_publication import make_result

SECRET_NOTE = "检查员现场笔记：消防栓被锁"


@pytest.fixture
def institution(plan):
    return plan.institutions.order_by("pk").first()


@pytest.fixture
def published(plan, institution, roster, checklist_items):
    inspection = make_result(
        plan,
        institution,
        published_at=timezone.now(),
        findings=[
            (Severity.MINOR, FindingStatus.RECTIFIED, date(2026, 11, 20)),
            (Severity.MAJOR, FindingStatus.OPEN, date(2099, 1, 1)),
            (Severity.SERIOUS, FindingStatus.OPEN, date(2020, 1, 1)),  # past its deadline: overdue, live
        ],
    )
    ChecklistAnswer.objects.create(
        inspection=inspection, item=checklist_items[0], answer="fail", note=SECRET_NOTE
    )
    Signature.objects.create(inspection=inspection, inspector=roster[0], name="张检查签名")
    return inspection


def _private_words(inspection):
    return [SECRET_NOTE, inspection.summary, inspection.institution_signatory, "张检查"]


def test_the_public_list_and_page_show_the_public_facts_only(client, published):
    for url in ("/inspections/results/", f"/inspections/results/{published.pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert published.institution.name in html and published.plan.title in html
        assert published.institution.filing_number in html
        assert str(published.plan.lead_department) in html  # the department by its short name
        for word in _private_words(published):
            assert word not in html, (url, word)
    row = client.get(f"/inspections/results/{published.pk}/").context["row"]
    assert (row.findings_rectified, row.findings_open, row.findings_overdue) == (1, 1, 1)


def test_an_unpublished_or_unknown_result_is_404(client, plan, institution):
    hidden = make_result(plan, institution)
    assert client.get(f"/inspections/results/{hidden.pk}/").status_code == 404
    assert client.get("/inspections/results/999999/").status_code == 404
    assert hidden not in client.get("/inspections/results/").context["rows"]


def test_the_list_filters_by_result_year_unit_and_department(client, plan, institution, published, kaizhou):
    from tuoyu.regions.models import Department, Unit

    other = make_result(
        plan, institution, result=Result.COMPLIANT, inspected_on=date(2025, 5, 6), published_at=timezone.now()
    )

    def pks(**query):
        response = client.get("/inspections/results/", query)
        assert response.status_code == 200
        return {row.pk for row in response.context["rows"]}

    assert pks() == {published.pk, other.pk}
    assert pks(result="compliant") == {other.pk}
    assert pks(year=2025) == {other.pk}
    assert pks(unit=institution.unit_id) == {published.pk, other.pk}
    elsewhere = Unit.objects.filter(level__in=["street", "town"]).exclude(pk=institution.unit_id).first()
    assert pks(unit=elsewhere.pk) == set()
    assert pks(department=plan.lead_department_id) == {published.pk, other.pk}
    # A department of no plan is not offered; one of another plan has no results here.
    unrelated = Department.objects.exclude(pk=plan.lead_department_id).first()
    assert client.get("/inspections/results/", {"department": unrelated.pk}).status_code == 400
    other_plan = type(plan).objects.create(
        title="另一计划",
        lead_department=unrelated,
        period_start=plan.period_start,
        period_end=plan.period_end,
        sample_size=1,
        created_by=plan.created_by,
    )
    other_plan.departments.add(unrelated)
    assert pks(department=unrelated.pk) == set()
    assert pks(institution=institution.pk) == {published.pk, other.pk}
    assert client.get("/inspections/results/", {"year": "abc"}).status_code == 400


def test_the_public_list_issues_a_fixed_number_of_queries(client, plan, institution, make_institution):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/inspections/results/").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        make_result(
            plan,
            institution,
            published_at=timezone.now(),
            findings=[(Severity.MINOR, "open", date(2099, 1, 1))],
        )
    two = count()
    for _i in range(8):
        make_result(plan, make_institution(), published_at=timezone.now())
    assert count() == two


def test_the_institution_page_lists_its_results(client, published, institution, plan):
    old = make_result(plan, institution, published_at=timezone.now() - timedelta(days=365 * 6))
    html = client.get(f"/institutions/{institution.pk}/").content.decode()
    assert 'data-testid="institution-results"' in html
    assert f"/inspections/results/{published.pk}/" in html
    assert f"/inspections/results/{old.pk}/" not in html  # older than 5 years
    for word in _private_words(published):
        assert word not in html


def test_the_institution_page_shows_the_latest_five_and_links_to_all(client, plan, institution):
    rows = [make_result(plan, institution, published_at=timezone.now() - timedelta(days=i)) for i in range(7)]
    html = client.get(f"/institutions/{institution.pk}/").content.decode()
    assert all(f"/inspections/results/{r.pk}/" in html for r in rows[:5])
    assert f"/inspections/results/{rows[6].pk}/" not in html
    assert f"/inspections/results/?institution={institution.pk}" in html


def test_a_suspended_institution_answers_with_its_reason_and_results(
    client, published, institution, reviewer
):
    from tuoyu.institutions.models import InstitutionStatus
    from tuoyu.institutions.services import institution_transition

    Suspension.objects.create(
        institution=institution,
        finding=published.findings.get(severity=Severity.SERIOUS),
        reason="消防通道长期堵塞，责令停业整顿",
        starts_on=date(2026, 11, 10),
        ordered_by=reviewer,
    )
    institution_transition(institution=institution, to_status=InstitutionStatus.SUSPENDED)
    response = client.get(f"/institutions/{institution.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="suspended-notice"' in html and "消防通道长期堵塞，责令停业整顿" in html
    assert "2026-11-10" in html
    assert f"/inspections/results/{published.pk}/" in html
    result = client.get(f"/inspections/results/{published.pk}/").content.decode()
    assert 'data-testid="suspension"' in result and "消防通道长期堵塞，责令停业整顿" in result


def test_a_deregistered_institution_keeps_its_results(client, published, institution):
    from tuoyu.institutions.models import InstitutionStatus
    from tuoyu.institutions.services import institution_transition

    institution_transition(institution=institution, to_status=InstitutionStatus.DEREGISTERED)
    response = client.get(f"/institutions/{institution.pk}/")
    assert response.status_code == 410
    html = response.content.decode()
    assert 'data-testid="deregistered-notice"' in html and f"/inspections/results/{published.pk}/" in html
    assert client.get(f"/inspections/results/{published.pk}/").status_code == 200
    assert published in client.get("/inspections/results/").context["rows"]
