"""The transition matrix of FINDING_WORKFLOW, pair by pair: every change the table allows is made and
writes one event row; every other is refused with the code "transition" and writes nothing. And the
actions a person is offered follow the table and who they are."""

import pytest
from django.core.exceptions import ValidationError

from tuoyu.core.statemachine import REFUSED_CODE, transition
from tuoyu.inspections.models import Finding, FindingStatus
from tuoyu.inspections.workflow import FINDING_WORKFLOW

from ._rectify import *  # noqa: F403 (the fixtures)

pytestmark = pytest.mark.django_db
F = FindingStatus


@pytest.mark.parametrize(("from_status", "to_status"), [(a, b) for a in F.values for b in F.values], ids=str)
def test_finding_matrix(finding, inspector_user, from_status, to_status):
    # The row is put in the starting status directly: the matrix is about the table, not the services.
    Finding.objects.filter(pk=finding.pk).update(status=from_status)
    finding.refresh_from_db()
    if FINDING_WORKFLOW.can(from_status, to_status):
        moved = transition(FINDING_WORKFLOW, finding, to_status, by=inspector_user, note="matrix")
        assert Finding.objects.get(pk=finding.pk).status == to_status
        assert finding.events.count() == 1
        assert (moved._last_event.from_status, moved._last_event.to_status) == (from_status, to_status)
    else:
        with pytest.raises(ValidationError) as refused:
            transition(FINDING_WORKFLOW, finding, to_status, by=inspector_user)
        assert refused.value.code == REFUSED_CODE
        assert Finding.objects.get(pk=finding.pk).status == from_status
        assert not finding.events.exists()


def test_every_status_has_a_row():
    assert FINDING_WORKFLOW.statuses() == frozenset(F.values)


def test_the_drawn_inspector_is_offered_the_decisions_only_on_submitted_evidence(
    finding, inspector_user, undrawn_inspector
):
    Finding.objects.filter(pk=finding.pk).update(status=F.SUBMITTED)
    finding.refresh_from_db()
    assert FINDING_WORKFLOW.allowed_actions(finding, inspector_user) == ["accept", "return", "reinspect"]
    assert FINDING_WORKFLOW.allowed_actions(finding, undrawn_inspector) == []
    Finding.objects.filter(pk=finding.pk).update(status=F.OPEN)
    finding.refresh_from_db()
    assert FINDING_WORKFLOW.allowed_actions(finding, inspector_user) == []
