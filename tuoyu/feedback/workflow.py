"""The complaint workflow: the one table of allowed transitions, the event each change writes, and the
actions a handler may take. Every status change goes through core.statemachine.transition from a
service in services/; pages, templates and Open311 ask the sets and helpers here what a status means."""

from tuoyu.accounts import capabilities
from tuoyu.core.statemachine import Action, Workflow, event_writer

from .models import Complaint, ComplaintEvent, Review, ReviewEvent, ReviewStatus
from .models import ComplaintStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.ASSIGNED}),
    # ASSIGNED -> ASSIGNED is a reassignment to another department, with a reason on the timeline.
    S.ASSIGNED: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.ANSWERED, S.MERGED}),
    S.IN_PROGRESS: frozenset({S.ASSIGNED, S.ANSWERED, S.MERGED}),
    # Rated satisfied, or not rated in 15 days -> closed; not satisfied -> reopened once.
    S.ANSWERED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
    S.MERGED: frozenset(),
}

OPEN = frozenset({S.RECEIVED, S.ASSIGNED, S.IN_PROGRESS})
# Until a department takes the case up, its next deadline is the acknowledgement, not the answer.
AWAITS_ACKNOWLEDGEMENT = frozenset({S.RECEIVED, S.ASSIGNED})
# With a department: the handler may answer it, pass it on or merge it.
IN_HAND = frozenset({S.ASSIGNED, S.IN_PROGRESS})
# Someone can still act on it: the reporter may add information, the institution reply, a handler place
# it on the map or merge a duplicate into it.
ACCEPTS_INFORMATION = frozenset({*OPEN, S.ANSWERED})
# Nobody acts on it any more (Open311's "closed").
FINISHED = frozenset({S.CLOSED, S.MERGED})


def can_handle(user, complaint: Complaint) -> bool:
    """Acting on a case: the health commission on any, a department officer on their department's."""
    if capabilities.is_health_commission(user):
        return True
    return (
        capabilities.can_handle_complaints(user)
        and user.department_id is not None
        and user.department_id == complaint.department_id
    )


def awaits_acknowledgement(complaint: Complaint) -> bool:
    return complaint.status in AWAITS_ACKNOWLEDGEMENT


def is_open(complaint: Complaint) -> bool:
    return complaint.status in OPEN


def accepts_information(complaint: Complaint) -> bool:
    return complaint.status in ACCEPTS_INFORMATION


def can_rate(complaint: Complaint) -> bool:
    return complaint.status == S.ANSWERED


def _handler_acting(user, complaint: Complaint) -> bool:
    # The table's ANSWERED -> IN_PROGRESS and RECEIVED -> ASSIGNED belong to the reporter (reopening) and
    # to routing; a handler acts only while the case is with a department.
    return complaint.status in IN_HAND and can_handle(user, complaint)


def _record(*, obj, from_status, to_status, by, note, kind, department=None, public=True):
    return ComplaintEvent.objects.create(
        complaint=obj,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        by=by,
        note=note,
        department=department,
        public=public,
    )


WORKFLOW_COMPLAINT = Workflow(
    model=Complaint,
    transitions=TRANSITIONS,
    record=_record,
    actions=(
        Action("acknowledge", S.IN_PROGRESS, may=_handler_acting),
        Action("answer", S.ANSWERED, may=_handler_acting),
        Action("reassign", S.ASSIGNED, may=_handler_acting),
        Action("merge", S.MERGED, may=_handler_acting),
    ),
)


# --- reviews ---------------------------------------------------------------------------------------

R = ReviewStatus

REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    # A held review is published or kept off the site by a moderator; a public one can be taken down,
    # and one kept off can be published after all. Nothing goes back to held: holding is the filter's.
    R.HELD: frozenset({R.PUBLISHED, R.REJECTED}),
    R.PUBLISHED: frozenset({R.REJECTED}),
    R.REJECTED: frozenset({R.PUBLISHED}),
}


def _moderator(user, review: Review) -> bool:  # any review: the commission moderates them all
    return capabilities.can_moderate_reviews(user)


WORKFLOW_REVIEW = Workflow(
    model=Review,
    transitions=REVIEW_TRANSITIONS,
    record=event_writer(ReviewEvent, "review"),
    actions=(
        Action("publish", R.PUBLISHED, may=_moderator),
        Action("reject", R.REJECTED, may=_moderator),
    ),
)
