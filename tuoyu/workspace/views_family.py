"""我的办件: one page for everything a family started, whatever the service: visits, applications and
enrolments (bookings), reports made while signed in (feedback), and later registrations (guidance).

Each matter reads the same way, so a grandparent learns one card: what it is, its status, the next
step in plain words and when to expect it, its history folded away, and a link to its own page. The
matters where it is the family's turn come first. Every service's rows come from its own read
(bookings.progress, feedback.selectors) in a fixed number of queries, whatever the rows.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tuoyu.accounts.capabilities import FAMILIES
from tuoyu.bookings import progress
from tuoyu.bookings.workflow import WORKFLOW_APPLICATION
from tuoyu.core.access import role_required
from tuoyu.core.progress import NextStep, day_text, time_text
from tuoyu.feedback import progress as feedback_progress
from tuoyu.feedback import selectors as feedback_selectors


@dataclass
class Matter:
    """One card of 我的办件."""

    kind: str  # "visit", "application", "enrolment", "complaint": a CSS hook and a data-testid value
    kind_label: str
    title: str
    details: str
    status: str
    status_label: str
    step: NextStep
    timeline: list[tuple[datetime, str, str]]  # (when, what, a note for the family)
    url: str
    started: datetime
    pk: int = 0
    # A one-tap action the family may take from here: (label, URL to POST to).
    action: tuple[str, str] | None = None
    extra: dict = field(default_factory=dict)


def _booking_timeline(pairs) -> list[tuple[datetime, str, str]]:
    return [(event.at, label, event.note) for event, label in pairs]


def _booking_matters(user) -> list[Matter]:
    mine = progress.family_bookings(user)
    me = reverse("bookings:me")
    matters = []
    for a in mine.applications:
        action = None
        if "accept-offer" in WORKFLOW_APPLICATION.allowed_actions(a, user):
            action = (_("Accept the place"), reverse("bookings:offer_accept", args=[a.pk]))
        matters.append(
            Matter(
                kind="application",
                kind_label=_("Application for a place"),
                title=a.institution.name,
                details=f"{a.child.name} · {a.get_age_group_display()} · {a.get_service_type_display()}",
                status=a.status,
                status_label=a.get_status_display(),
                step=a.step,
                timeline=_booking_timeline(a.timeline),
                url=f"{me}#application-{a.pk}",
                started=a.created_at,
                pk=a.pk,
                action=action,
            )
        )
    for v in mine.visits:
        when = f"{day_text(v.slot.starts_at)} {time_text(v.slot.starts_at)}"
        matters.append(
            Matter(
                kind="visit",
                kind_label=_("Visit"),
                title=v.slot.institution.name,
                details=f"{when} · {v.child.name}" if v.child_id else when,
                status=v.status,
                status_label=v.get_status_display(),
                step=v.step,
                timeline=_booking_timeline(v.timeline),
                url=f"{me}#visit-{v.pk}",
                started=v.created_at,
                pk=v.pk,
            )
        )
    for e in mine.enrolments:
        matters.append(
            Matter(
                kind="enrolment",
                kind_label=_("Place at an institution"),
                title=e.institution.name,
                details=f"{e.child.name} · {e.class_group.name} · {e.get_service_type_display()}",
                status=e.status,
                status_label=e.get_status_display(),
                step=e.step,
                timeline=_booking_timeline(e.timeline),
                url=f"{me}#enrolment-{e.pk}",
                started=e.created_at,
                pk=e.pk,
            )
        )
    return matters


def _complaint_matters(user, today: date) -> list[Matter]:
    track = reverse("feedback:track")
    matters = []
    for c in feedback_selectors.complaints_of(user):
        timeline = [
            (e.at, e.get_kind_display() + (f" · {e.department}" if e.department_id else ""), "")
            for e in c.public_events
        ]
        matters.append(
            Matter(
                kind="complaint",
                kind_label=_("Report of a problem"),
                title=c.subject_name,
                details=f"{c.tracking_number} · {c.get_category_display()}",
                status=c.status,
                status_label=c.get_status_display(),
                step=feedback_progress.complaint_step(c, today=today),
                timeline=timeline,
                # 马上查 asks for the query code sent by SMS: the report's page is never shown on a
                # session alone (feedback.views_public).
                url=f"{track}?{urlencode({'number': c.tracking_number})}",
                started=c.received_at,
                pk=c.pk,
                extra={"tracking_number": c.tracking_number},
            )
        )
    return matters


def _far() -> date:
    return date.max


@role_required(*FAMILIES)
def mine(request):
    today = timezone.localdate()
    matters = _booking_matters(request.user) + _complaint_matters(request.user, today)
    # Newest first within each group; the family's turn first, soonest deadline first; then what others
    # are doing for them, soonest first; then what is finished.
    matters.sort(key=lambda m: m.started, reverse=True)
    yours = sorted(
        (m for m in matters if m.step.yours and not m.step.finished), key=lambda m: m.step.due or _far()
    )
    waiting = sorted(
        (m for m in matters if not m.step.yours and not m.step.finished),
        key=lambda m: m.step.due or _far(),
    )
    finished = [m for m in matters if m.step.finished]
    return render(
        request,
        "workspace/mine.html",
        {"yours": yours, "waiting": waiting, "finished": finished, "any": bool(matters)},
    )
