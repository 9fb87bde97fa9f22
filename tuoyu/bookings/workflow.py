"""The one table of allowed transitions per status-bearing model of 入托网上约, the event each change writes
(one BookingEvent row: the family's timeline and the institution's history) and the actions a person may
take. Every change goes through `core.statemachine.transition` in services.py; pages ask
`allowed_actions(obj, user)` which buttons to show."""

from django.utils import timezone

from tuoyu.accounts.capabilities import acts_for_institutions
from tuoyu.core.statemachine import Action, Workflow, event_writer

from .models import (
    OPEN_APPLICATION_STATUSES,
    Application,
    BookingEvent,
    Enrolment,
    Visit,
)
from .models import ApplicationStatus as S
from .models import EnrolmentStatus as E
from .models import VisitStatus as V

# --- applications ----------------------------------------------------------------------------------

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
# What the institution may accept. An offered place is the family's to take (accept-offer): the table
# lets OFFERED reach ENROLLED, but not by the institution's hand.
ACCEPTABLE = frozenset({S.SUBMITTED, S.WAITLISTED})
# Hold a place of the age group: withdrawing one frees it for the next family on the waitlist.
HOLDS_PLACE = frozenset({S.OFFERED, S.ENROLLED})


record_application = event_writer(BookingEvent, "application")
record_visit = event_writer(BookingEvent, "visit")
record_enrolment = event_writer(BookingEvent, "enrolment")


def _is_the_family(user, obj) -> bool:
    return getattr(user, "pk", None) is not None and obj.family_id == user.pk


def _may_accept(user, application) -> bool:
    # Membership of the institution: the pages list only the institution's own applications, and the
    # service checks it again (guard_member).
    return acts_for_institutions(user) and application.status in ACCEPTABLE


def _may_accept_offer(user, application) -> bool:
    expires = application.offer_expires_at
    return (
        _is_the_family(user, application)
        and application.status == S.OFFERED
        and (expires is None or expires >= timezone.now())
    )


def _may_decline(user, application) -> bool:
    return acts_for_institutions(user)


WORKFLOW_APPLICATION = Workflow(
    model=Application,
    transitions=TRANSITIONS,
    record=record_application,
    actions=(
        Action("accept", S.ENROLLED, may=_may_accept),
        Action("decline", S.DECLINED, may=_may_decline),
        Action("accept-offer", S.ENROLLED, may=_may_accept_offer),
        Action("cancel", S.CANCELLED, may=_is_the_family),
    ),
)


# --- visits ----------------------------------------------------------------------------------------

VISIT_TRANSITIONS: dict[str, frozenset[str]] = {
    V.BOOKED: frozenset({V.CANCELLED, V.ATTENDED, V.NO_SHOW}),
    V.CANCELLED: frozenset(),
    V.ATTENDED: frozenset(),
    V.NO_SHOW: frozenset(),
}


def _may_cancel_visit(user, visit) -> bool:
    # A family cancels before the visit starts; the institution at any time (it is told who came).
    if _is_the_family(user, visit):
        return visit.slot.starts_at > timezone.now()
    return acts_for_institutions(user)


def _may_record_visit(user, visit) -> bool:
    # Whether the family came can be told only once the visit has begun.
    return acts_for_institutions(user) and visit.slot.starts_at <= timezone.now()


WORKFLOW_VISIT = Workflow(
    model=Visit,
    transitions=VISIT_TRANSITIONS,
    record=record_visit,
    actions=(
        Action("attended", V.ATTENDED, may=_may_record_visit),
        Action("no_show", V.NO_SHOW, may=_may_record_visit),
        Action("cancel", V.CANCELLED, may=_may_cancel_visit),
    ),
)


# --- enrolments ------------------------------------------------------------------------------------

ENROLMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    E.ACTIVE: frozenset({E.ENDED}),
    E.ENDED: frozenset(),  # a child who comes back is a new enrolment
}


def _may_end_enrolment(user, enrolment) -> bool:
    return acts_for_institutions(user)


WORKFLOW_ENROLMENT = Workflow(
    model=Enrolment,
    transitions=ENROLMENT_TRANSITIONS,
    record=record_enrolment,
    actions=(Action("end", E.ENDED, may=_may_end_enrolment),),
)
