"""The assessment workflow, declared once. Publishing and the one review are services in services.py."""

from tuoyu.core.statemachine import Workflow, event_writer

from .models import Assessment, AssessmentEvent
from .models import AssessmentStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.PUBLISHED, S.CANCELLED}),
    S.PUBLISHED: frozenset({S.REVIEW_REQUESTED}),
    S.REVIEW_REQUESTED: frozenset({S.REVIEWED}),
    S.REVIEWED: frozenset(),  # a review is asked once: nothing follows it
    S.CANCELLED: frozenset(),
}

# What the public sees: the published result, or the reviewed one.
PUBLIC = frozenset({S.PUBLISHED, S.REVIEW_REQUESTED, S.REVIEWED})

WORKFLOW = Workflow(
    model=Assessment, transitions=TRANSITIONS, record=event_writer(AssessmentEvent, "assessment")
)
