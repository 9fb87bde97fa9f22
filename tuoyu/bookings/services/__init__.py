"""Every write of 入托网上约, one module per subject: children, visits, applications, enrolments and
places (free places and the waitlist); this package re-exports the public names, so callers keep
importing `tuoyu.bookings.services`.

Each write is one transaction: rows are locked in a fixed order (a child's row for a submission, then the
age group's classes by id, then the application or enrolment, then the institution), guards are checked
under the lock, the status changes through core.statemachine.transition (which writes the event row),
and messages leave only after commit.

"Assume every operation runs concurrently with itself": acceptances racing for the last places each
lock the same class rows, so exactly as many succeed as there are places; the database's
enrolled <= capacity check is the last guard. Submissions for one child queue on the child's row (taken
before the classes), so two tabs cannot both open an application; application_open_once is the last
guard there.
"""

from .applications import (
    MAX_START_AHEAD_DAYS,
    NO_PLACE,
    AcceptResult,
    application_accept,
    application_cancel,
    application_decline,
    application_submit,
    expire_offers,
    offer_accept,
)
from .children import MAX_CHILD_MONTHS, child_add
from .enrolments import enrolment_end, enrolment_record
from .places import (
    first_eligible_month,
    fits_age_group,
    free_places,
    offer_next,
    policy_for,
    waitlist,
    waitlist_position,
    waitlist_positions,
)
from .visits import visit_book, visit_cancel, visit_record, visit_slot_create

__all__ = [
    "MAX_CHILD_MONTHS",
    "MAX_START_AHEAD_DAYS",
    "NO_PLACE",
    "AcceptResult",
    "application_accept",
    "application_cancel",
    "application_decline",
    "application_submit",
    "child_add",
    "enrolment_end",
    "enrolment_record",
    "expire_offers",
    "first_eligible_month",
    "fits_age_group",
    "free_places",
    "offer_accept",
    "offer_next",
    "policy_for",
    "visit_book",
    "visit_cancel",
    "visit_record",
    "visit_slot_create",
    "waitlist",
    "waitlist_position",
    "waitlist_positions",
]
