"""The inspection's one table, pair by pair: every change INSPECTION_WORKFLOW allows is made and writes one
event row; every other is refused with the code "transition" and writes nothing. The on-site services
act only on an assigned inspection."""

import pytest
from django.core.exceptions import ValidationError

from tuoyu.core.statemachine import REFUSED_CODE, transition
from tuoyu.inspections import services
from tuoyu.inspections.models import Finding, Inspection, InspectionEvent, InspectionStatus
from tuoyu.inspections.workflow import INSPECTION_WORKFLOW

pytestmark = pytest.mark.django_db
S = InspectionStatus


@pytest.mark.parametrize(("from_status", "to_status"), [(a, b) for a in S.values for b in S.values], ids=str)
def test_inspection_matrix(drawn_inspection, roster, from_status, to_status):
    # The row is put in the starting status directly: the matrix is about the table, not the services.
    Inspection.objects.filter(pk=drawn_inspection.pk).update(status=from_status)
    drawn_inspection.refresh_from_db()
    before = InspectionEvent.objects.filter(inspection=drawn_inspection).count()
    by = roster[0].user
    if INSPECTION_WORKFLOW.can(from_status, to_status):
        moved = transition(INSPECTION_WORKFLOW, drawn_inspection, to_status, by=by, note="矩阵")
        assert Inspection.objects.get(pk=drawn_inspection.pk).status == to_status
        assert InspectionEvent.objects.filter(inspection=drawn_inspection).count() == before + 1
        event = moved._last_event
        assert (event.from_status, event.to_status, event.by, event.note) == (
            from_status,
            to_status,
            by,
            "矩阵",
        )
    else:
        with pytest.raises(ValidationError) as refused:
            transition(INSPECTION_WORKFLOW, drawn_inspection, to_status, by=by)
        assert refused.value.code == REFUSED_CODE
        assert Inspection.objects.get(pk=drawn_inspection.pk).status == from_status
        assert InspectionEvent.objects.filter(inspection=drawn_inspection).count() == before


def test_the_table_lets_an_assigned_inspection_be_submitted_or_closed_and_nothing_reopen():
    assert INSPECTION_WORKFLOW.targets(S.ASSIGNED) == {S.SUBMITTED, S.CLOSED, S.CANCELLED}
    assert not any(INSPECTION_WORKFLOW.can(status, S.ASSIGNED) for status in S.values)


@pytest.mark.parametrize("status", [S.SUBMITTED, S.CLOSED, S.CANCELLED])
def test_the_on_site_services_refuse_an_inspection_no_longer_assigned(drawn_inspection, roster, status):
    by = roster[0].user
    services.inspection_start(inspection=drawn_inspection, by=by)
    Inspection.objects.filter(pk=drawn_inspection.pk).update(status=status)
    drawn_inspection.refresh_from_db()
    events = InspectionEvent.objects.filter(inspection=drawn_inspection).count()
    answer = drawn_inspection.answers.first()
    calls = [
        lambda: services.inspection_start(inspection=drawn_inspection, by=by),
        lambda: services.answers_save(
            inspection=drawn_inspection, by=by, answers={answer.item_id: {"answer": "pass"}}
        ),
        lambda: services.inspection_sign(inspection=drawn_inspection, by=by, name=roster[0].name),
        lambda: services.inspection_submit(inspection=drawn_inspection, by=by, institution_signatory="园长"),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.code == "status"
    answer.refresh_from_db()
    assert answer.answer == ""
    assert not drawn_inspection.signatures.exists() and not Finding.objects.exists()
    assert InspectionEvent.objects.filter(inspection=drawn_inspection).count() == events
