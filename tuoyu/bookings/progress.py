"""What comes next for a family's visit, application or enrolment, in plain words, and when to expect it.

A grandparent who opens 我的办件 should not have to know the workflow: each matter says who acts next
("the institution answers", "you accept the place"), by when, and whether it is the family's turn. The
dates are those the booking rules already set (an offer's reply deadline from the institution's policy,
the visit's time, the enrolment's first day); only an answer to a new application has no rule, so the
family is told when one is usually expected (ANSWER_EXPECTED_DAYS), never that it is due.

The step functions are pure, over rows already loaded (with `events` prefetched); `family_bookings`
loads a family's rows for them in a fixed number of queries, whatever their number.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

# One card and one way of writing a day for every service's matters (core.progress).
from tuoyu.core.progress import NextStep, day_text, time_text  # noqa: F401  (re-exported)

from . import selectors
from .models import (
    Application,
    ApplicationStatus,
    BookingEvent,
    Enrolment,
    EnrolmentStatus,
    Visit,
    VisitStatus,
)

# The waitlist's order is the services' rule; this read stands on it (selectors may not import services).
from .services import waitlist_positions

# Not a deadline the institution is held to (bookings has none for a first answer): what a family may
# expect, so "waiting" has an end in sight. A week covers five working days and a weekend.
ANSWER_EXPECTED_DAYS = 7


def _local_day(value: date | datetime) -> date:
    return timezone.localdate(value) if isinstance(value, datetime) else value


def application_step(application: Application, *, position: int | None = None, today: date | None = None):
    """`position` is the application's place on the waitlist (services.waitlist_positions)."""
    today = today or timezone.localdate()
    S = ApplicationStatus
    name = application.institution.name
    if application.status == S.SUBMITTED:
        expected = _local_day(application.created_at) + timedelta(days=ANSWER_EXPECTED_DAYS)
        if expected < today:
            return NextStep(
                _("%(name)s has not answered yet. You can call them to ask.") % {"name": name},
                due=expected,
                late=True,
            )
        return NextStep(
            _("Wait for %(name)s to answer, usually by %(day)s. You will get an SMS.")
            % {"name": name, "day": day_text(expected)},
            due=expected,
        )
    if application.status == S.WAITLISTED:
        text = _(
            "You are on the waitlist. When a place frees up you get an SMS and a few days to accept it; "
            "nobody can say when that will be."
        )
        if position:
            text = _(
                "Number %(n)s on the waitlist. When a place frees up you get an SMS and a few days to accept it."
            ) % {"n": position}
        return NextStep(text)
    if application.status == S.OFFERED:
        expires = application.offer_expires_at
        if expires is not None and expires < timezone.now():
            return NextStep(
                _("The time to accept has passed; the place goes to the next family."),
                due=_local_day(expires),
                late=True,
            )
        if expires is None:
            return NextStep(_("Accept the place as soon as you can."), yours=True)
        return NextStep(
            _("Accept the place before %(day)s %(time)s, or it goes to the next family.")
            % {"day": day_text(expires), "time": time_text(expires)},
            due=_local_day(expires),
            yours=True,
        )
    if application.status == S.ENROLLED:
        # Done: the place itself (its enrolment) carries the first day from here on, so the family does
        # not read the same start twice.
        return NextStep(
            _("Done: %(child)s has the place. Its first day is shown with the place.")
            % {"child": application.child.name},
            finished=True,
        )
    if application.status == S.DECLINED:
        return NextStep(_("Nothing more to do here. You can apply to another institution."), finished=True)
    if application.status == S.EXPIRED:
        return NextStep(_("The offer expired. You can apply again if you still want a place."), finished=True)
    return NextStep(_("Nothing more to do."), finished=True)


def visit_step(visit: Visit, *, now: datetime | None = None) -> NextStep:
    now = now or timezone.now()
    slot = visit.slot
    if visit.status == VisitStatus.BOOKED:
        if slot.starts_at > now:
            return NextStep(
                _("Please come on time: %(day)s at %(time)s, %(address)s.")
                % {
                    "day": day_text(slot.starts_at),
                    "time": time_text(slot.starts_at),
                    "address": slot.institution.address or slot.institution.name,
                },
                due=_local_day(slot.starts_at),
                yours=True,
            )
        return NextStep(_("The visit time has passed."), due=_local_day(slot.starts_at), finished=True)
    if visit.status == VisitStatus.ATTENDED:
        return NextStep(_("You visited. You can now apply for a place, or write a review."), finished=True)
    if visit.status == VisitStatus.NO_SHOW:
        return NextStep(
            _("The institution recorded that you did not come. You can book another time."), finished=True
        )
    return NextStep(_("Cancelled. You can book another time."), finished=True)


def enrolment_step(enrolment: Enrolment, *, today: date | None = None) -> NextStep:
    today = today or timezone.localdate()
    if enrolment.status == EnrolmentStatus.ACTIVE:
        if enrolment.start_date > today:
            return NextStep(
                _("%(child)s starts on %(day)s.")
                % {"child": enrolment.child.name, "day": day_text(enrolment.start_date)},
                due=enrolment.start_date,
            )
        return NextStep(
            _("%(child)s attends since %(day)s.")
            % {"child": enrolment.child.name, "day": day_text(enrolment.start_date)},
            finished=True,
        )
    end = enrolment.end_date or enrolment.start_date
    return NextStep(_("Ended on %(day)s.") % {"day": day_text(end)}, finished=True)


def timeline(obj, choices) -> list[tuple]:
    """(event, label) pairs from prefetched `events`, oldest first."""
    events = sorted(obj.events.all(), key=lambda e: (e.at, e.pk))
    return [(e, choices(e.to_status).label if e.to_status in choices.values else e.to_status) for e in events]


@dataclass
class FamilyBookings:
    applications: list
    visits: list
    enrolments: list


def family_bookings(user) -> FamilyBookings:
    """The family's applications, visits and enrolments, each with `timeline` (from its BookingEvent
    rows), `step` (its NextStep) and, on applications, `position` on the waitlist. Eight queries at most
    (three lists, their three event lists, the waitlist's rules and rows), whatever the rows: the pages
    that list them (我的预约, 我的办件) test it."""
    events = Prefetch("events", queryset=BookingEvent.objects.order_by("at", "id"))
    today = timezone.localdate()
    now = timezone.now()
    applications = list(
        selectors.applications_for_user(user).prefetch_related(events).order_by("-created_at", "-id")
    )
    positions = waitlist_positions(applications)
    for application in applications:
        application.position = positions.get(application.pk)
        application.step = application_step(application, position=application.position, today=today)
        application.timeline = timeline(application, ApplicationStatus)
    visits = list(
        selectors.visits_for_user(user).prefetch_related(events).order_by("-slot__starts_at", "-id")
    )
    for visit in visits:
        visit.step = visit_step(visit, now=now)
        visit.timeline = timeline(visit, VisitStatus)
    enrolments = list(
        selectors.enrolments_for_user(user).prefetch_related(events).order_by("-start_date", "-id")
    )
    for enrolment in enrolments:
        enrolment.step = enrolment_step(enrolment, today=today)
        enrolment.timeline = timeline(enrolment, EnrolmentStatus)
    return FamilyBookings(applications=applications, visits=visits, enrolments=enrolments)
