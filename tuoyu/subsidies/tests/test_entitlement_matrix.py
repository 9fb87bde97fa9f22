"""The entitlement's transition matrix, pair by pair: every change ENTITLEMENT_WORKFLOW allows is made and
writes one event row; every other is refused with the code "transition" and writes nothing. One test walks
all pairs, each in a savepoint rolled back after it, so the region data is loaded once."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from tuoyu.core.statemachine import REFUSED_CODE, transition
from tuoyu.subsidies.models import Entitlement, EntitlementEvent, EntitlementStatus
from tuoyu.subsidies.workflow import ENTITLEMENT_WORKFLOW

E = EntitlementStatus


class _Undo(Exception):
    """Raised to roll a pair's savepoint back."""


def test_every_pair_of_statuses_is_allowed_iff_the_table_lists_it(
    make_entitlement,
    period_2024,
    puhui_institution,
    hc_admin,
):
    entitlement = make_entitlement(period_2024, puhui_institution)
    allowed = refused = 0
    for from_status in E.values:
        for to_status in E.values:
            try:
                with transaction.atomic():
                    # The row is put in the starting status directly: the matrix is about the table.
                    Entitlement.objects.filter(pk=entitlement.pk).update(status=from_status)
                    if ENTITLEMENT_WORKFLOW.can(from_status, to_status):
                        moved = transition(
                            ENTITLEMENT_WORKFLOW, entitlement, to_status, by=hc_admin, note="矩阵"
                        )
                        assert Entitlement.objects.get(pk=entitlement.pk).status == to_status
                        event = EntitlementEvent.objects.get(entitlement=entitlement)
                        assert (event.from_status, event.to_status, event.by, event.note) == (
                            from_status,
                            to_status,
                            hc_admin,
                            "矩阵",
                        )
                        assert moved._last_event == event
                        allowed += 1
                    else:
                        with pytest.raises(ValidationError) as no:
                            transition(ENTITLEMENT_WORKFLOW, entitlement, to_status, by=hc_admin)
                        assert no.value.code == REFUSED_CODE, (from_status, to_status)
                        assert Entitlement.objects.get(pk=entitlement.pk).status == from_status
                        assert not EntitlementEvent.objects.filter(entitlement=entitlement).exists()
                        refused += 1
                    raise _Undo
            except _Undo:
                pass
    assert allowed == 7 and allowed + refused == len(E.values) ** 2


def test_the_table_is_what_the_services_rely_on():
    assert ENTITLEMENT_WORKFLOW.can(E.PROPOSED, E.CONFIRMED) and ENTITLEMENT_WORKFLOW.can(
        E.PROPOSED, E.DISPUTED
    )
    assert ENTITLEMENT_WORKFLOW.can(E.CONFIRMED, E.REVIEWED) and ENTITLEMENT_WORKFLOW.can(
        E.DISPUTED, E.REVIEWED
    )
    assert ENTITLEMENT_WORKFLOW.can(E.DISPUTED, E.PROPOSED)
    assert ENTITLEMENT_WORKFLOW.can(E.REVIEWED, E.APPROVED) and ENTITLEMENT_WORKFLOW.can(E.APPROVED, E.PAID)
    assert not ENTITLEMENT_WORKFLOW.targets(E.PAID) and not ENTITLEMENT_WORKFLOW.targets(E.NIL)
