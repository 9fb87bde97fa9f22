"""Every (from, to) pair of the institution's status: the one table allows it or the service refuses it
and writes nothing."""

import pytest
from django.core.exceptions import ValidationError

from tuoyu.institutions.models import Institution, InstitutionEvent, InstitutionStatus
from tuoyu.institutions.services import institution_transition
from tuoyu.institutions.workflow import TRANSITIONS, WORKFLOW

pytestmark = pytest.mark.django_db


def test_the_workflow_knows_every_status():
    assert WORKFLOW.statuses() == set(InstitutionStatus.values)
    assert WORKFLOW.model is Institution


@pytest.mark.parametrize("start", list(InstitutionStatus.values))
@pytest.mark.parametrize("target", list(InstitutionStatus.values))
def test_every_transition_is_allowed_or_refused_by_the_one_table(make_institution, reviewer, start, target):
    institution = make_institution(status=start)
    assert institution.status == start
    before = InstitutionEvent.objects.filter(institution=institution).count()
    if target in TRANSITIONS[start]:
        moved = institution_transition(
            institution=institution,
            to_status=target,
            by=reviewer,
            note="n",
            filing_number="开州托备〔2025〕9999",
        )
        assert moved.status == target
        institution.refresh_from_db()
        assert institution.status == target
        event = InstitutionEvent.objects.filter(institution=institution).last()
        assert (event.from_status, event.to_status, event.by, event.note) == (start, target, reviewer, "n")
    else:
        with pytest.raises(ValidationError) as refused:
            institution_transition(
                institution=institution, to_status=target, by=reviewer, filing_number="开州托备〔2025〕9999"
            )
        assert refused.value.code == "transition"
        institution.refresh_from_db()
        assert institution.status == start
        assert InstitutionEvent.objects.filter(institution=institution).count() == before
