"""The one table of allowed application transitions; every change goes through a service."""

from .models import OPEN_APPLICATION_STATUSES
from .models import ApplicationStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.ENROLLED, S.WAITLISTED, S.DECLINED, S.CANCELLED}),
    S.WAITLISTED: frozenset({S.OFFERED, S.ENROLLED, S.DECLINED, S.CANCELLED}),
    S.OFFERED: frozenset({S.ENROLLED, S.EXPIRED, S.CANCELLED, S.DECLINED}),
    S.ENROLLED: frozenset({S.CANCELLED}),  # the family gives the place up; the enrolment ends
    S.DECLINED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
}

# One per child and institution: the database holds it to that (application_open_once).
OPEN = frozenset(OPEN_APPLICATION_STATUSES)


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())
