"""What comes next for a report a family made, in plain words, and when to expect it (我的办件).

The dates are the complaint workflow's own deadlines (acknowledge, answer, and the days within which
the reporter may reopen an answered case); core.progress gives the card's shape, as for bookings.
"""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.core.progress import NextStep, day_text

from . import workflow
from .models import ComplaintStatus
from .services import REOPEN_WITHIN_DAYS


def complaint_step(complaint, *, today: date | None = None) -> NextStep:
    """The next step of a report the family made while signed in, for 我的办件."""
    if today is None:
        today = timezone.localdate()
    S = ComplaintStatus
    if workflow.awaits_acknowledgement(complaint) and complaint.acknowledge_due_on:
        due = complaint.acknowledge_due_on
        if due < today:
            return NextStep(
                _("The department is late to take it up; the health commission has been told."),
                due=due,
                late=True,
            )
        return NextStep(
            _("A department takes it up by %(day)s.") % {"day": day_text(due)},
            due=due,
        )
    if complaint.status in workflow.OPEN and complaint.answer_due_on:
        due = complaint.answer_due_on
        if due < today:
            return NextStep(_("The answer is late; the health commission has been told."), due=due, late=True)
        return NextStep(_("You get an answer by %(day)s.") % {"day": day_text(due)}, due=due)
    if complaint.status == S.ANSWERED and complaint.answered_at:
        due = timezone.localdate(complaint.answered_at) + timedelta(days=REOPEN_WITHIN_DAYS)
        return NextStep(
            _("Read the answer and say whether you are satisfied, by %(day)s.") % {"day": day_text(due)},
            due=due,
            yours=True,
        )
    if complaint.status == S.MERGED and complaint.merged_into_id:
        return NextStep(
            _("Handled together with report %(number)s.") % {"number": complaint.merged_into.tracking_number},
            finished=True,
        )
    if complaint.status == S.CLOSED:
        return NextStep(_("Closed. Nothing more to do."), finished=True)
    return NextStep(_("Received. It is being passed to a department."))
