"""The filing workflow, declared once: the transition table, the event each change writes, the actions a
person may take, and what a status means (editable, awaiting a decision, its deadlines).

Every change goes through a service in services.py, which moves the status with
core.statemachine.transition(WORKFLOW, ...). Views, serializers and templates ask the helpers here
instead of comparing statuses themselves, so the page and the API never disagree.
"""

from datetime import date

from django.utils import timezone

from tuoyu.accounts.capabilities import can_review_filings
from tuoyu.core.statemachine import Action, Workflow, event_writer
from tuoyu.core.workdays import DeadlineStatus, deadline_status

from .models import CoordinationCase, CoordinationCaseEvent, Filing, FilingEvent
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


def _record(*, obj: Filing, from_status: str, to_status: str, by, note: str = "", snapshot=None):
    # The version is the one the change leaves (a submission counts up first), so the history pairs
    # each event with the data it was about.
    return FilingEvent.objects.create(
        filing=obj,
        from_status=from_status,
        to_status=to_status,
        by=by,
        version=obj.version,
        note=note,
        snapshot=snapshot or {},
    )


def is_applicant(user, filing: Filing) -> bool:
    """Only the person who started an application submits, edits or withdraws it."""
    return getattr(user, "pk", None) is not None and filing.applicant_id == user.pk


def _reviews(user, filing: Filing) -> bool:
    return can_review_filings(user)


WORKFLOW = Workflow(
    model=Filing,
    transitions=TRANSITIONS,
    record=_record,
    actions=(
        Action("submit", S.SUBMITTED, may=is_applicant),
        Action("withdraw", S.WITHDRAWN, may=is_applicant),
        Action("approve", S.APPROVED, may=_reviews),
        Action("return", S.RETURNED, may=_reviews),
        Action("noncompliant", S.NONCOMPLIANT, may=_reviews),
    ),
)


# --- what a status means -----------------------------------------------------------------------------


def is_open(filing: Filing) -> bool:
    """Still in progress: an institution has at most one open application."""
    return filing.status in OPEN_STATUSES


def is_editable(filing: Filing) -> bool:
    """The data and materials may still change (a draft, or returned for correction)."""
    return filing.status in EDITABLE_STATUSES


def may_edit(filing: Filing, user) -> bool:
    return is_editable(filing) and is_applicant(user, filing)


def awaits_decision(filing: Filing) -> bool:
    """Submitted and waiting for the reviewer: the 5-working-day clock runs."""
    return filing.status == S.SUBMITTED


def is_returned(filing: Filing) -> bool:
    return filing.status == S.RETURNED


def is_applied(filing: Filing) -> bool:
    """Approved: what it asked for is in the register now."""
    return filing.status == S.APPROVED


def has_receipt(filing: Filing) -> bool:
    return filing.status == S.APPROVED and bool(filing.receipt_code)


def deadline_of(filing: Filing, today: date | None = None) -> DeadlineStatus | None:
    """The 5-working-day decision deadline, while the application awaits a decision."""
    if filing.due_on and awaits_decision(filing):
        return deadline_status(due=filing.due_on, today=today or timezone.localdate())
    return None


def check_deadline_of(filing: Filing, today: date | None = None) -> DeadlineStatus | None:
    """The 15-working-day after-the-fact compliance check: while the application is submitted or
    returned, and after approval until the check's window has closed."""
    today = today or timezone.localdate()
    if not filing.check_due_on:
        return None
    checking = filing.status in (S.SUBMITTED, S.RETURNED) or (
        filing.status == S.APPROVED and today <= filing.check_due_on
    )
    return deadline_status(due=filing.check_due_on, today=today) if checking else None


# --- coordination cases (一事一议) ---------------------------------------------------------------------

CaseStatus = CoordinationCase.Status

CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.RESOLVED}),
    CaseStatus.RESOLVED: frozenset(),
}


WORKFLOW_CASE = Workflow(
    model=CoordinationCase,
    transitions=CASE_TRANSITIONS,
    record=event_writer(CoordinationCaseEvent, "case"),
    actions=(Action("resolve", CaseStatus.RESOLVED, may=_reviews),),
)


def case_is_open(case: CoordinationCase) -> bool:
    """Departments may still give opinions."""
    return case.status == CaseStatus.OPEN
