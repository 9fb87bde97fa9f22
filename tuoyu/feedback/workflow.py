"""The one table of allowed complaint transitions. Every change goes through a service in services.py."""

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
# The reporter may still add information while someone can act on it.
ACCEPTS_INFORMATION = frozenset({S.RECEIVED, S.ASSIGNED, S.IN_PROGRESS, S.ANSWERED})


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())
