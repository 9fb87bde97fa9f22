"""The institution's public status. Filing review (issue 3) drives draft → filed; this is the one table."""

from tuoyu.core.statemachine import Workflow

from .models import Institution, InstitutionEvent
from .models import InstitutionStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.FILED}),
    S.FILED: frozenset({S.SUSPENDED, S.DEREGISTERED}),
    S.SUSPENDED: frozenset({S.FILED, S.DEREGISTERED}),
    S.DEREGISTERED: frozenset(),  # final: a new filing is a new institution record
}


def _record(*, obj, from_status, to_status, by, note="", **_fields):
    return InstitutionEvent.objects.create(
        institution=obj, from_status=from_status, to_status=to_status, by=by, note=note
    )


# No actions: only filing review (tuoyu.filings) moves an institution, through institution_transition; no
# page offers a button on the institution itself.
WORKFLOW = Workflow(model=Institution, transitions=TRANSITIONS, record=_record)
