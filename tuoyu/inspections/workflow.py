"""The three workflows of supervision, declared once: plans, inspections and findings (rectification).

Every change goes through a service in services/, which moves the status with
core.statemachine.transition(WORKFLOW, ...). Pages, the API and templates ask the helpers here.
"""

from tuoyu.core.statemachine import Action, Workflow, event_writer

from .models import (
    Finding,
    FindingEvent,
    FindingStatus,
    Inspection,
    InspectionEvent,
    InspectionPlan,
    InspectionStatus,
    PlanEvent,
    PlanStatus,
)

P = PlanStatus
I = InspectionStatus  # noqa: E741 (the house's one-letter alias for a status enum)
F = FindingStatus

PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    P.DRAFT: frozenset({P.DRAWN, P.CANCELLED}),
    # A redraw keeps the plan drawn (drawn → drawn, with its reason as the event's note).
    P.DRAWN: frozenset({P.DRAWN, P.CLOSED, P.CANCELLED}),
    P.CLOSED: frozenset(),
    P.CANCELLED: frozenset(),
}

INSPECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    I.ASSIGNED: frozenset({I.SUBMITTED, I.CLOSED, I.CANCELLED}),  # closed at once when nothing was found
    I.SUBMITTED: frozenset({I.CLOSED}),  # when the last finding is put right
    I.CLOSED: frozenset(),
    I.CANCELLED: frozenset(),
}

FINDING_TRANSITIONS: dict[str, frozenset[str]] = {
    F.OPEN: frozenset({F.SUBMITTED, F.OVERDUE}),
    F.OVERDUE: frozenset({F.SUBMITTED}),  # late evidence is still taken; the escalation stays on record
    # The inspector accepts, returns the evidence as not enough (open again, same deadline), or goes back.
    F.SUBMITTED: frozenset({F.RECTIFIED, F.OPEN, F.REINSPECTION}),
    F.REINSPECTION: frozenset({F.RECTIFIED, F.OPEN}),
    F.RECTIFIED: frozenset(),
}

PLAN_OPEN = frozenset({P.DRAFT, P.DRAWN})
INSPECTION_OPEN = frozenset({I.ASSIGNED, I.SUBMITTED})
FINDING_OPEN = frozenset({F.OPEN, F.SUBMITTED, F.REINSPECTION, F.OVERDUE})
# The institution may send evidence while the finding waits for it.
FINDING_AWAITS_EVIDENCE = frozenset({F.OPEN, F.OVERDUE})
# The inspector decides on evidence, or records the re-inspection's outcome.
FINDING_AWAITS_INSPECTOR = frozenset({F.SUBMITTED, F.REINSPECTION})


def is_drawn_inspector(user, inspection: Inspection) -> bool:
    """Only the inspectors drawn for an inspection fill, sign and decide on it."""
    inspector = getattr(user, "inspector", None) if getattr(user, "is_authenticated", False) else None
    if inspector is None:
        return False
    return inspection.inspectors.filter(pk=inspector.pk).exists()


PLAN_WORKFLOW = Workflow(
    model=InspectionPlan,
    transitions=PLAN_TRANSITIONS,
    record=event_writer(PlanEvent, "plan"),
)

INSPECTION_WORKFLOW = Workflow(
    model=Inspection,
    transitions=INSPECTION_TRANSITIONS,
    record=event_writer(InspectionEvent, "inspection"),
    actions=(Action("submit", I.SUBMITTED, may=is_drawn_inspector),),
)


def _finding_inspector(user, finding: Finding) -> bool:
    return is_drawn_inspector(user, finding.inspection)


FINDING_WORKFLOW = Workflow(
    model=Finding,
    transitions=FINDING_TRANSITIONS,
    record=event_writer(FindingEvent, "finding"),
    actions=(
        Action("accept", F.RECTIFIED, may=_finding_inspector),
        Action("return", F.OPEN, may=_finding_inspector),
        Action("reinspect", F.REINSPECTION, may=_finding_inspector),
    ),
)
