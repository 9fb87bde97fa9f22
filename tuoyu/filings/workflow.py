"""The one table of allowed filing transitions. Every change goes through a service in services.py."""

from .models import FilingStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.APPROVED, S.RETURNED, S.NONCOMPLIANT}),
    S.RETURNED: frozenset({S.SUBMITTED, S.WITHDRAWN, S.NONCOMPLIANT}),
    # The after-the-fact check of the national rules may still find an approved filing non-compliant.
    S.APPROVED: frozenset({S.NONCOMPLIANT}),
    S.NONCOMPLIANT: frozenset(),
    S.WITHDRAWN: frozenset(),
}

OPEN_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED})
EDITABLE_STATUSES = frozenset({S.DRAFT, S.RETURNED})


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())
