"""The institution's public status. Filing review (issue 3) drives draft → filed; this is the one table."""

from .models import InstitutionStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.FILED}),
    S.FILED: frozenset({S.SUSPENDED, S.DEREGISTERED}),
    S.SUSPENDED: frozenset({S.FILED, S.DEREGISTERED}),
    S.DEREGISTERED: frozenset(),  # final: a new filing is a new institution record
}


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())
