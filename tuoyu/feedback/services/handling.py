"""What the handlers do with a case: take it up, pass it on, answer, merge a duplicate, note, place it on
the map; and the institution's one reply."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import User
from tuoyu.core.workdays import SHANGHAI
from tuoyu.regions.models import Department

from ..models import (
    Complaint,
    ComplaintStatus,
    EventKind,
    Finding,
)
from ..selectors import complaints_for_institution_user, complaints_for_user
from ..workflow import ACCEPTS_INFORMATION, awaits_acknowledgement
from .common import _event, _guard_handler, _lock, _move, _refused, _text
from .geography import unit_for_point
from .notifications import _officers, _tell, _tell_reporter

S = ComplaintStatus


def complaint_acknowledge(*, complaint: Complaint, by: User) -> Complaint:
    with transaction.atomic():
        locked = _lock(complaint)
        _guard_handler(by, locked)
        # The table's ANSWERED -> IN_PROGRESS is the reporter reopening it (complaint_rate), not a handler.
        if not awaits_acknowledgement(locked):
            raise _refused(locked)
        _move(
            locked,
            S.IN_PROGRESS,
            EventKind.ACKNOWLEDGED,
            by=by,
            department=locked.department,
            changes={"acknowledged_at": timezone.now()},
        )
    return locked


def complaint_reassign(*, complaint: Complaint, by: User, department: Department, reason: str) -> Complaint:
    """Pass the case to the department that is really responsible; the reason goes on the public timeline.
    The deadlines keep running from receipt: the reporter should not wait longer for our routing."""
    reason = _text(reason, "reason", limit=500, message=_("Please give the reason for passing it on."))
    with transaction.atomic():
        locked = _lock(complaint)
        _guard_handler(by, locked)
        if department.pk == locked.department_id:
            raise ValidationError({"department": _("The case is already with this department.")}, code="same")
        _move(
            locked,
            S.ASSIGNED,
            EventKind.REASSIGNED,
            by=by,
            note=reason,
            department=department,
            changes={"department": department, "acknowledged_at": None},
        )
    transaction.on_commit(
        lambda: _tell(
            _officers(department),
            _("Report %(number)s was passed to your department: %(reason)s")
            % {"number": locked.tracking_number, "reason": reason},
        )
    )
    return locked


def complaint_answer(*, complaint: Complaint, by: User, finding: str, answer: str) -> Complaint:
    answer = _text(answer, "answer", message=_("Please write the answer the reporter will read."))
    if finding not in Finding.values:
        raise ValidationError(
            {"finding": _("Please record whether the report was substantiated.")}, code="finding"
        )
    with transaction.atomic():
        locked = _lock(complaint)
        _guard_handler(by, locked)
        now = timezone.now()
        _move(
            locked,
            S.ANSWERED,
            EventKind.ANSWERED,
            by=by,
            note=answer,
            department=locked.department,
            changes={
                "answer": answer,
                "finding": finding,
                "answered_at": now,
                "acknowledged_at": locked.acknowledged_at or now,
                "answered_on_time": timezone.localdate(now, timezone=SHANGHAI) <= locked.answer_due_on,
                "satisfied": None,
            },
        )
        duplicates = list(locked.duplicates.all())

    def send():
        text = _(
            "Report %(number)s has been answered. Look it up with your query code to read the answer and rate it."
        )
        for case in [locked, *duplicates]:
            _tell_reporter(case, text % {"number": case.tracking_number})

    transaction.on_commit(send)
    return locked


def complaint_merge(*, complaint: Complaint, into: Complaint, by: User, note: str = "") -> Complaint:
    """Handle a duplicate together with the case it repeats; its reporter then follows that case."""
    if complaint.pk == into.pk:
        raise ValidationError({"into": _("A report cannot be merged into itself.")}, code="self")
    with transaction.atomic():
        # Both rows, in id order, so two handlers merging a pair both ways cannot deadlock.
        rows = {
            c.pk: c
            for c in Complaint.objects.select_for_update()
            .filter(pk__in=[complaint.pk, into.pk])
            .order_by("pk")
        }
        locked, target = rows[complaint.pk], rows[into.pk]
        _guard_handler(by, locked)
        if target.status not in ACCEPTS_INFORMATION:
            raise ValidationError(
                {
                    "into": _("Report %(number)s is no longer being handled; choose another.")
                    % {"number": target.tracking_number}
                },
                code="target_closed",
            )
        _move(
            locked,
            S.MERGED,
            EventKind.MERGED,
            by=by,
            note=note.strip(),
            department=target.department,
            changes={"merged_into": target, "closed_at": timezone.now()},
        )
        _event(target, EventKind.DUPLICATE_ADDED, by=by, public=True)
    return locked


def complaint_note(*, complaint: Complaint, by: User, text: str) -> None:
    text = _text(text, "text", limit=2000)
    if not complaints_for_user(by).filter(pk=complaint.pk).exists():
        raise PermissionDenied
    _event(complaint, EventKind.NOTE, by=by, note=text, public=False)


def complaint_place(*, complaint: Complaint, lat: float, lng: float, by: User) -> Complaint:
    """Put a report about a place off the register on the map: one filed by address only (a hotline
    call), or one whose point was wrong. The point decides the street or town; the department stays."""
    with transaction.atomic():
        locked = _lock(complaint)
        _guard_handler(by, locked)
        if locked.institution_id is not None:
            raise ValidationError(
                {"lat": _("This report is about an institution of the register; its place is known.")},
                code="institution",
            )
        if locked.status not in ACCEPTS_INFORMATION:
            raise _refused(locked)
        unit = unit_for_point(lat, lng)
        locked.lat, locked.lng, locked.unit = lat, lng, unit
        locked.save()
        _event(
            locked,
            EventKind.PLACED,
            by=by,
            note=f"{unit.name} ({lat:.5f}, {lng:.5f})",
            public=False,
        )
    return locked


def complaint_institution_reply(*, complaint: Complaint, by: User, text: str) -> Complaint:
    text = _text(text, "text", limit=2000, message=_("Please write your reply."))
    with transaction.atomic():
        locked = _lock(complaint)
        if not complaints_for_institution_user(by).filter(pk=locked.pk).exists():
            raise PermissionDenied
        if locked.institution_replied_at is not None:
            raise ValidationError(
                {"text": _("Your institution has already replied to this report.")}, code="replied"
            )
        if locked.status not in ACCEPTS_INFORMATION:
            raise ValidationError({"text": _("This report is closed.")}, code="closed")
        locked.institution_reply, locked.institution_replied_at = text, timezone.now()
        locked.save()
        _event(locked, EventKind.INSTITUTION_REPLIED, by=by, note=text)
    return locked
