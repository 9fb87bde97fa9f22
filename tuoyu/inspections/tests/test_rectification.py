"""The rectification services: the institution's evidence, the drawn inspector's decisions and the
re-inspection, each with its refusals (nothing written when refused)."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from PIL import Image

from tuoyu.core.models import OutboxMessage
from tuoyu.core.workdays import add_workdays, is_workday
from tuoyu.inspections import services
from tuoyu.inspections.models import (
    Finding,
    FindingStatus,
    Inspection,
    InspectionStatus,
    Rectification,
)

from ._rectify import *  # noqa: F403 (the fixtures)
from ._rectify import make_jpeg_with_gps, make_pdf, make_text

pytestmark = pytest.mark.django_db
F = FindingStatus


def _submit(finding, member, upload=None, note="已清理疏散通道，张贴禁止堆放标识"):
    return services.evidence_submit(finding=finding, by=member, note=note, upload=upload or make_pdf())


# --- the institution's evidence ---------------------------------------------------------------------


def test_evidence_submit_stores_the_file_and_moves_to_submitted(finding, member):
    evidence = _submit(finding, member)
    finding.refresh_from_db()
    assert finding.status == F.SUBMITTED
    assert evidence.file_kind == "pdf" and evidence.original_name == "整改报告.pdf"
    assert evidence.file.storage.exists(evidence.file.name)
    assert finding.events.get().to_status == F.SUBMITTED


def test_an_image_is_stored_without_its_location(finding, member):
    upload = make_jpeg_with_gps()
    assert Image.open(BytesIO(upload.read())).getexif().get(0x8825)
    upload.seek(0)
    evidence = _submit(finding, member, upload=upload)
    stored = Image.open(evidence.file.open("rb"))
    assert not stored.getexif().get(0x8825)
    assert evidence.file_kind == "jpeg"


def test_wrong_file_type_is_refused_with_a_message_and_nothing_saved(finding, member):
    with pytest.raises(ValidationError) as refused:
        _submit(finding, member, upload=make_text())
    assert "file" in refused.value.message_dict
    finding.refresh_from_db()
    assert finding.status == F.OPEN
    assert not Rectification.objects.exists()
    assert not finding.events.exists()


def test_a_note_and_a_file_are_required(finding, member):
    with pytest.raises(ValidationError) as refused:
        services.evidence_submit(finding=finding, by=member, note="  ", upload=None)
    assert set(refused.value.message_dict) == {"note", "file"}
    assert not Rectification.objects.exists()


def test_evidence_on_another_institutions_finding_is_refused(finding, other_operator, make_institution):
    from tuoyu.institutions.models import InstitutionMembership

    InstitutionMembership.objects.create(user=other_operator, institution=make_institution())
    with pytest.raises(PermissionDenied):
        _submit(finding, other_operator)
    assert not Rectification.objects.exists()


def test_overdue_finding_still_takes_evidence(make_finding, member):
    late = make_finding(status=F.OVERDUE, deadline=timezone.localdate() - timedelta(days=3))
    _submit(late, member)
    late.refresh_from_db()
    assert late.status == F.SUBMITTED


def test_evidence_is_refused_while_the_inspector_decides(finding, member):
    _submit(finding, member)
    with pytest.raises(ValidationError) as refused:
        _submit(finding, member)
    assert refused.value.code == "transition"
    assert Rectification.objects.count() == 1


# --- the inspector's decisions ----------------------------------------------------------------------


def test_accepting_the_last_open_finding_closes_the_inspection(make_finding, member, inspector_user):
    first, second = make_finding(), make_finding(description="灭火器过期")
    for f in (first, second):
        _submit(f, member)
    services.evidence_accept(finding=first, by=inspector_user, note="照片可见通道已清理")
    assert Inspection.objects.get(pk=first.inspection_id).status == InspectionStatus.SUBMITTED
    services.evidence_accept(finding=second, by=inspector_user)
    first.refresh_from_db()
    assert first.status == F.RECTIFIED and first.rectified_at is not None
    evidence = first.rectifications.get()
    assert (evidence.decision, evidence.decided_by) == ("accepted", inspector_user)
    inspection = Inspection.objects.get(pk=first.inspection_id)
    assert inspection.status == InspectionStatus.CLOSED
    assert inspection.events.get().to_status == InspectionStatus.CLOSED


def test_a_not_drawn_inspector_cannot_decide(finding, member, undrawn_inspector, hc_admin):
    _submit(finding, member)
    for person in (undrawn_inspector, hc_admin, member):
        for decide in (
            lambda p: services.evidence_accept(finding=finding, by=p),
            lambda p: services.evidence_return(finding=finding, by=p, note="不够"),
            lambda p: services.reinspection_order(finding=finding, by=p, note="复查"),
        ):
            with pytest.raises(PermissionDenied):
                decide(person)
    finding.refresh_from_db()
    assert finding.status == F.SUBMITTED


def test_return_needs_a_note_and_keeps_the_deadline(finding, member, inspector_user):
    _submit(finding, member)
    with pytest.raises(ValidationError) as refused:
        services.evidence_return(finding=finding, by=inspector_user, note="")
    assert "note" in refused.value.message_dict
    services.evidence_return(finding=finding, by=inspector_user, note="照片看不清通道，请补拍")
    before = finding.deadline
    finding.refresh_from_db()
    assert finding.status == F.OPEN and finding.deadline == before
    assert finding.rectifications.get().decision == "returned"
    # The institution is told at once, with what is missing and the deadline.
    told = OutboxMessage.objects.filter(recipient=member.phone).latest("pk")
    assert "照片看不清通道" in told.body and before.isoformat() in told.body


def test_accept_is_refused_before_any_evidence(finding, inspector_user):
    with pytest.raises(ValidationError) as refused:
        services.evidence_accept(finding=finding, by=inspector_user)
    assert refused.value.code == "transition"


def test_reinspection_passed_puts_it_right(finding, member, inspector_user):
    _submit(finding, member)
    services.reinspection_order(finding=finding, by=inspector_user, note="下周二到现场复查")
    finding.refresh_from_db()
    assert finding.status == F.REINSPECTION
    services.reinspection_record(finding=finding, by=inspector_user, passed=True, note="通道畅通")
    finding.refresh_from_db()
    assert finding.status == F.RECTIFIED
    assert finding.rectifications.get().decision == "passed"
    assert Inspection.objects.get(pk=finding.inspection_id).status == InspectionStatus.CLOSED


def _next_workday_after(days: int):
    day = timezone.localdate() + timedelta(days=days)
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def test_reinspection_failed_needs_a_future_working_day(finding, member, inspector_user):
    _submit(finding, member)
    services.reinspection_order(finding=finding, by=inspector_user, note="复查")
    for bad in (None, timezone.localdate() - timedelta(days=1), timezone.localdate()):
        with pytest.raises(ValidationError) as refused:
            services.reinspection_record(
                finding=finding, by=inspector_user, passed=False, note="仍有杂物", new_deadline=bad
            )
        assert "new_deadline" in refused.value.message_dict
    saturday = timezone.localdate() + timedelta(days=(5 - timezone.localdate().weekday()) % 7 or 7)
    if not is_workday(saturday):
        with pytest.raises(ValidationError):
            services.reinspection_record(
                finding=finding, by=inspector_user, passed=False, note="仍有杂物", new_deadline=saturday
            )
    finding.refresh_from_db()
    assert finding.status == F.REINSPECTION
    new = add_workdays(timezone.localdate(), 5)
    services.reinspection_record(
        finding=finding, by=inspector_user, passed=False, note="仍有杂物", new_deadline=new
    )
    finding.refresh_from_db()
    assert (finding.status, finding.deadline) == (F.OPEN, new)
    assert finding.rectifications.get().decision == "failed"


def test_reinspection_record_only_after_an_order(finding, member, inspector_user):
    _submit(finding, member)
    with pytest.raises(ValidationError) as refused:
        services.reinspection_record(finding=finding, by=inspector_user, passed=True, note="")
    assert refused.value.code == "transition"
    assert Finding.objects.get(pk=finding.pk).status == F.SUBMITTED
