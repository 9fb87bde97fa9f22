"""The institution's public status. Filing review (issue 3) drives draft → filed; this is the one table."""

from tuoyu.core.statemachine import Workflow, event_writer

from .models import Institution, InstitutionEvent
from .models import InstitutionStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.FILED}),
    S.FILED: frozenset({S.SUSPENDED, S.DEREGISTERED}),
    S.SUSPENDED: frozenset({S.FILED, S.DEREGISTERED}),
    S.DEREGISTERED: frozenset(),  # final: a new filing is a new institution record
}

# What a status means to the public, decided here once: search, map, pages, photos and the API show only
# filed institutions; a deregistered one answers old links with a notice (410), a suspended one its page
# with a notice (below); a draft is simply not there (404). The API and the search never show either.
PUBLIC = frozenset({S.FILED})
GONE = frozenset({S.DEREGISTERED})
# A suspended institution (after a serious inspection finding) answers with a notice: the public reason
# and its inspection results, from the facts supervision offers (core.facts "suspension", "inspections").
SUSPENDED = frozenset({S.SUSPENDED})


def is_public(institution) -> bool:
    return institution.status in PUBLIC


def is_gone(institution) -> bool:
    return institution.status in GONE


def is_suspended(institution) -> bool:
    return institution.status in SUSPENDED


# No actions: only filing review (tuoyu.filings) moves an institution, through institution_transition; no
# page offers a button on the institution itself.
WORKFLOW = Workflow(
    model=Institution, transitions=TRANSITIONS, record=event_writer(InstitutionEvent, "institution")
)
