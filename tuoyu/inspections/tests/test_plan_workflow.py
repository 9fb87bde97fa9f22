"""The plan's transition matrix, pair by pair: every change PLAN_WORKFLOW allows is made and writes one
event row; every other is refused with the code "transition" and writes nothing. The services that lead
to each status (draw, redraw, close, cancel) are tested in test_draw.py and test_plans.py; here each
allowed pair is also reached through its service where one exists."""

import pytest
from django.core.exceptions import ValidationError

from tuoyu.core.statemachine import REFUSED_CODE, transition
from tuoyu.inspections import services
from tuoyu.inspections.models import InspectionPlan, PlanEvent, PlanStatus
from tuoyu.inspections.workflow import PLAN_WORKFLOW

pytestmark = pytest.mark.django_db
P = PlanStatus


@pytest.mark.parametrize(("from_status", "to_status"), [(a, b) for a in P.values for b in P.values], ids=str)
def test_plan_matrix(plan, from_status, to_status):
    # The row is put in the starting status directly: the matrix is about the table, not the services.
    InspectionPlan.objects.filter(pk=plan.pk).update(status=from_status)
    plan.refresh_from_db()
    lead = plan.created_by
    if PLAN_WORKFLOW.can(from_status, to_status):
        moved = transition(PLAN_WORKFLOW, plan, to_status, by=lead, note="矩阵")
        assert InspectionPlan.objects.get(pk=plan.pk).status == to_status
        event = PlanEvent.objects.get(plan=plan)
        assert (event.from_status, event.to_status, event.by, event.note) == (
            from_status,
            to_status,
            lead,
            "矩阵",
        )
        assert moved._last_event == event
    else:
        with pytest.raises(ValidationError) as refused:
            transition(PLAN_WORKFLOW, plan, to_status, by=lead)
        assert refused.value.code == REFUSED_CODE
        assert InspectionPlan.objects.get(pk=plan.pk).status == from_status
        assert not PlanEvent.objects.filter(plan=plan).exists()


def test_the_table_is_what_the_services_rely_on():
    assert PLAN_WORKFLOW.can(P.DRAFT, P.DRAWN) and PLAN_WORKFLOW.can(P.DRAWN, P.DRAWN)  # draw, redraw
    assert PLAN_WORKFLOW.can(P.DRAWN, P.CLOSED) and PLAN_WORKFLOW.can(P.DRAFT, P.CANCELLED)
    assert not PLAN_WORKFLOW.targets(P.CLOSED) and not PLAN_WORKFLOW.targets(P.CANCELLED)


@pytest.mark.parametrize("start", [P.CLOSED, P.CANCELLED])
def test_a_finished_plan_refuses_every_service(plan, start):
    InspectionPlan.objects.filter(pk=plan.pk).update(status=start)
    plan.refresh_from_db()
    lead = plan.created_by
    for call in (
        lambda: services.draw_plan(plan=plan, by=lead),
        lambda: services.redraw_plan(plan=plan, by=lead, reason="再抽"),
        lambda: services.plan_close(plan=plan, by=lead),
        lambda: services.plan_cancel(plan=plan, by=lead, reason="取消"),
        lambda: services.plan_update(plan=plan, by=lead, title="改"),
    ):
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.code in (REFUSED_CODE, "status")
    assert not PlanEvent.objects.filter(plan=plan).exists()
    assert not plan.draws.exists()


def test_each_service_moves_the_plan_through_the_table(plan):
    lead = plan.created_by
    services.draw_plan(plan=plan, by=lead)
    services.redraw_plan(plan=plan, by=lead, reason="人员调整")
    services.plan_cancel(plan=plan, by=lead, reason="计划撤销")
    moves = list(PlanEvent.objects.filter(plan=plan).values_list("from_status", "to_status"))
    assert moves == [(P.DRAFT, P.DRAWN), (P.DRAWN, P.DRAWN), (P.DRAWN, P.CANCELLED)]
