"""What the reporter does with the tracking number and query code: add information, rate the answer and
reopen the case once."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.core.workdays import add_workdays

from ..models import (
    Complaint,
    ComplaintStatus,
    EventKind,
)
from ..selectors import today
from ..workflow import ACCEPTS_INFORMATION
from .common import REOPEN_WITHIN_DAYS, _clean_photos, _event, _lock, _move, _store_photos, _text
from .notifications import _officers, _tell
from .routing import routing_rule

S = ComplaintStatus


def complaint_add_information(*, complaint: Complaint, text: str, photos: Sequence[File] = ()) -> Complaint:
    text = _text(text, "text", message=_("Please write what you want to add."))
    with transaction.atomic():
        locked = _lock(complaint)
        if locked.status not in ACCEPTS_INFORMATION:
            raise ValidationError({"text": _("This report is closed; please file a new one.")}, code="closed")
        clean = _clean_photos(photos, already=locked.photos.count())
        _event(locked, EventKind.INFO_ADDED, note=text)
        _store_photos(locked, clean)
        locked.save(update_fields=["updated_at"])
    transaction.on_commit(
        lambda: _tell(
            _officers(locked.department),
            _("The reporter added information to %(number)s.") % {"number": locked.tracking_number},
        )
    )
    return locked


def can_reopen(complaint: Complaint, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        complaint.status == S.ANSWERED
        and complaint.reopen_count == 0
        and complaint.answered_at is not None
        and now <= complaint.answered_at + timedelta(days=REOPEN_WITHIN_DAYS)
    )


def complaint_rate(
    *, complaint: Complaint, satisfied: bool, comment: str = "", reopen: bool = False
) -> Complaint:
    """The reporter rates the answer: satisfied closes it; not satisfied closes it or, once within 15
    days, reopens it for another answer with a fresh deadline."""
    comment = (comment or "").strip()[:1000]
    if reopen and satisfied:
        raise ValidationError(
            {"reopen": _("A case is reopened only when you are not satisfied.")}, code="reopen"
        )
    with transaction.atomic():
        locked = _lock(complaint)
        if locked.status != S.ANSWERED:
            raise ValidationError(_("Only an answered report can be rated."), code="transition")
        if reopen and not can_reopen(locked):
            raise ValidationError(
                {
                    "reopen": _("A report can be reopened once, within %(days)s days of the answer.")
                    % {"days": REOPEN_WITHIN_DAYS}
                },
                code="reopen",
            )
        _event(locked, EventKind.RATED, note=_("Satisfied") if satisfied else _("Not satisfied"))
        rating = {"satisfied": satisfied, "rating_comment": comment}
        if reopen:
            rule = routing_rule(locked.category)
            _move(
                locked,
                S.IN_PROGRESS,
                EventKind.REOPENED,
                by=None,
                note=comment,
                department=locked.department,
                changes={
                    **rating,
                    "reopen_count": locked.reopen_count + 1,
                    "answer_due_on": add_workdays(today(), rule.answer_days if rule else 15),
                    "escalated_at": None,
                },
            )
        else:
            _move(
                locked, S.CLOSED, EventKind.CLOSED, by=None, changes={**rating, "closed_at": timezone.now()}
            )
    if reopen:
        transaction.on_commit(
            lambda: _tell(
                _officers(locked.department),
                _("Report %(number)s was reopened by the reporter, who is not satisfied.")
                % {"number": locked.tracking_number},
            )
        )
    return locked
