"""一公开: a result is published once, by the lead department or the commission, or automatically once its
20 working days have come; it stays public 5 years, after deregistration too."""

from datetime import date, datetime, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from tuoyu.inspections.models import (
    Draw,
    Finding,
    FindingStatus,
    Inspection,
    InspectionStatus,
    Result,
    Severity,
    Suspension,
)
from tuoyu.inspections.selectors import published_results
from tuoyu.inspections.services.publication import inspection_publish, publish_due, publish_due_on


def make_result(
    plan,
    institution,
    *,
    status=InspectionStatus.SUBMITTED,
    result=Result.FINDINGS,
    findings=(),
    published_at=None,
    submitted_at=None,
    inspected_on=date(2026, 11, 2),
    publish_due=None,
    summary="检查员内部备注：后厨有老鼠洞",
    signatory="园长王某某",
):
    """An inspection written directly in the state a test needs (rows, not the services under test).

    findings: (severity, status, deadline) triples."""
    number = (
        Draw.objects.filter(plan=plan).order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    draw = Draw.objects.create(
        plan=plan,
        number=number,
        algorithm="fixture",
        seed="1" * 32,
        sample_count=1,
        inspectors_per_inspection=2,
        result=[],
        drawn_by=plan.created_by,
    )
    submitted_at = submitted_at or timezone.make_aware(datetime(2026, 11, 2, 16, 0))
    inspection = Inspection.objects.create(
        plan=plan,
        draw=draw,
        institution=institution,
        status=status,
        result=result if status != InspectionStatus.ASSIGNED else "",
        inspected_on=inspected_on,
        summary=summary,
        institution_signatory=signatory,
        submitted_at=submitted_at if status != InspectionStatus.ASSIGNED else None,
        publish_due_on=publish_due,
        published_at=published_at,
    )
    for severity, finding_status, deadline in findings:
        Finding.objects.create(
            inspection=inspection,
            description="疏散通道被杂物堵塞",
            severity=severity,
            status=finding_status,
            deadline=deadline,
            rectified_at=timezone.now() if finding_status == FindingStatus.RECTIFIED else None,
        )
    return inspection


@pytest.fixture
def lead(plan):
    return plan.created_by  # an officer of the plan's lead department (市场监管)


@pytest.fixture
def institution(plan):
    return plan.institutions.order_by("pk").first()


def test_the_lead_department_publishes_once(plan, lead, institution):
    inspection = make_result(plan, institution)
    inspection_publish(inspection=inspection, by=lead)
    inspection.refresh_from_db()
    first = inspection.published_at
    assert first is not None
    assert inspection.published_by == lead
    # Audited with who published it, as every write of the record is.
    entry = LogEntry.objects.get_for_object(inspection).filter(actor=lead).latest("timestamp")
    assert "published_at" in entry.changes_dict and "published_by" in entry.changes_dict
    with pytest.raises(ValidationError) as refused:
        inspection_publish(inspection=inspection, by=lead)
    assert refused.value.code == "status"
    inspection.refresh_from_db()
    assert inspection.published_at == first


def test_the_commission_may_publish_another_department_may_not(plan, institution, reviewer, roster):
    inspection = make_result(plan, institution)
    with pytest.raises(PermissionDenied):
        inspection_publish(inspection=inspection, by=roster[2].user)  # 王检查, not of the lead department
    inspection_publish(inspection=inspection, by=reviewer)
    assert Inspection.objects.get(pk=inspection.pk).published_at is not None


def test_an_inspection_not_yet_submitted_is_not_published(plan, lead, institution):
    inspection = make_result(plan, institution, status=InspectionStatus.ASSIGNED)
    with pytest.raises(ValidationError) as refused:
        inspection_publish(inspection=inspection, by=lead)
    assert refused.value.code == "status"
    assert Inspection.objects.get(pk=inspection.pk).published_at is None


def test_publish_due_waits_for_the_day_then_publishes_once(plan, institution):
    submitted = date(2026, 11, 2)  # a Monday
    due = publish_due_on(submitted)
    assert due == date(2026, 11, 30)  # 20 working days: four weeks without a holiday
    inspection = make_result(plan, institution, publish_due=due)
    assert publish_due(today=due - timedelta(days=1)) == 0
    assert Inspection.objects.get(pk=inspection.pk).published_at is None
    assert publish_due(today=due) == 1
    published = Inspection.objects.get(pk=inspection.pk)
    assert published.published_at is not None and published.published_by is None  # the daily job
    assert LogEntry.objects.get_for_object(published).filter(actor=None).exists()
    assert publish_due(today=due + timedelta(days=5)) == 0  # already published: not again


def test_publish_due_counts_20_working_days_when_no_due_date_was_stored(plan, institution):
    submitted_at = timezone.make_aware(datetime(2026, 9, 28, 10, 0))  # before the National Day holiday
    inspection = make_result(plan, institution, submitted_at=submitted_at, publish_due=None)
    due = publish_due_on(date(2026, 9, 28))
    assert due > date(2026, 10, 26)  # the holiday week does not count
    assert publish_due(today=due - timedelta(days=1)) == 0
    assert publish_due(today=due) == 1
    assert Inspection.objects.get(pk=inspection.pk).published_at is not None


def test_publish_due_skips_unsubmitted_and_cancelled(plan, institution):
    make_result(plan, institution, status=InspectionStatus.ASSIGNED, publish_due=date(2026, 11, 1))
    make_result(plan, institution, status=InspectionStatus.CANCELLED, publish_due=date(2026, 11, 1))
    assert publish_due(today=date(2026, 12, 31)) == 0


def test_the_daily_command_publishes_what_is_due(plan, institution, capsys):
    make_result(plan, institution, publish_due=timezone.localdate() - timedelta(days=1))
    call_command("publish_results")
    assert "1" in capsys.readouterr().out
    assert published_results().count() == 1


def test_results_stay_public_five_years_after_deregistration_too(plan, institution, make_institution):
    from tuoyu.institutions.models import InstitutionStatus
    from tuoyu.institutions.services import institution_transition

    now = timezone.now()
    old = make_result(plan, institution, published_at=now - timedelta(days=365 * 6))
    recent = make_result(plan, institution, published_at=now - timedelta(days=365 * 4))
    institution_transition(institution=institution, to_status=InstitutionStatus.DEREGISTERED)
    shown = set(published_results().values_list("pk", flat=True))
    assert recent.pk in shown and old.pk not in shown


def test_the_suspension_fact_reads_active_suspensions_only(plan, institution, lead):
    from tuoyu.core.facts import institution_facts

    inspection = make_result(
        plan, institution, findings=[(Severity.SERIOUS, FindingStatus.OPEN, date(2026, 12, 1))]
    )
    finding = inspection.findings.get()
    Suspension.objects.create(
        institution=institution,
        finding=finding,
        reason="旧的停业整顿",
        starts_on=date(2026, 1, 5),
        lifted_at=timezone.now(),
        ordered_by=lead,
    )
    assert institution.pk not in institution_facts([institution.pk])["suspension"]
    Suspension.objects.create(
        institution=institution,
        finding=finding,
        reason="消防通道长期堵塞，停业整顿",
        starts_on=date(2026, 11, 10),
        ordered_by=lead,
    )
    fact = institution_facts([institution.pk])["suspension"][institution.pk]
    assert fact == {"reason": "消防通道长期堵塞，停业整顿", "since": date(2026, 11, 10)}


def test_the_lead_department_publishes_from_its_page_and_the_api(client, plan, lead, institution, roster):
    by_page = make_result(plan, institution)
    by_api = make_result(plan, institution)
    client.force_login(lead)
    response = client.post(f"/inspections/results/{by_page.pk}/publish/")
    assert response.status_code == 302 and response["Location"] == f"/inspections/results/{by_page.pk}/"
    assert Inspection.objects.get(pk=by_page.pk).published_at is not None
    answer = client.post(f"/api/v1/inspections/{by_api.pk}/publish/")
    assert answer.status_code == 200 and answer.json()["published_at"]
    assert client.post(f"/api/v1/inspections/{by_api.pk}/publish/").status_code == 409
    # An inspector of another department, not on the plan, does not even see it.
    client.force_login(roster[2].user)
    assert client.post(f"/api/v1/inspections/{make_result(plan, institution).pk}/publish/").status_code == 404
