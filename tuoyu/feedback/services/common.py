"""The write primitives every complaint service shares: the row lock, the event row, the status change
through the one workflow, the guard and the checks of text and photos; and the limits the forms show."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

from tuoyu.accounts.models import User
from tuoyu.core.files import IMAGE_KINDS, strip_image_metadata, validate_upload
from tuoyu.core.statemachine import transition
from tuoyu.regions.models import Department

from ..models import (
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    ComplaintStatus,
)
from ..workflow import WORKFLOW_COMPLAINT, can_handle

S = ComplaintStatus


MAX_PHOTOS = 6
MAX_DESCRIPTION = 2000
# A report's own words: the 4,000 characters Open311 GeoReport v2 allows, on the web form too.
MAX_REPORT_DESCRIPTION = 4000
REOPEN_WITHIN_DAYS = 15  # calendar days after the answer: rate, and reopen once when not satisfied
CLOSE_UNRATED_AFTER_DAYS = 15
QUERY_CODE_DIGITS = 8


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _event(
    complaint: Complaint,
    kind: str,
    *,
    by: User | None = None,
    note: str = "",
    public: bool = True,
    from_status: str = "",
    to_status: str = "",
    department: Department | None = None,
) -> None:
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        by=by,
        note=note,
        public=public,
        from_status=from_status,
        to_status=to_status,
        department=department,
    )


def _move(
    locked: Complaint,
    to_status: str,
    kind: str,
    *,
    by: User | None,
    note: str = "",
    department: Department | None = None,
    public: bool = True,
    changes: dict | None = None,
) -> Complaint:
    """The status change through the one workflow, on a row the caller has locked (it checked its guards
    under that lock). The feedback message is checked first so that the reporter reads the same words."""
    if not WORKFLOW_COMPLAINT.can(locked.status, to_status):
        raise _refused(locked)
    return transition(
        WORKFLOW_COMPLAINT,
        locked,
        to_status,
        by=by,
        note=note,
        changes=changes,
        event={"kind": kind, "department": department, "public": public},
        locked=True,
    )


def _refused(locked: Complaint) -> ValidationError:
    return ValidationError(
        _("This report is %(status)s; that cannot be done now.")
        % {"status": ComplaintStatus(locked.status).label},
        code="transition",
    )


def _guard_handler(user: User, complaint: Complaint) -> None:
    if not can_handle(user, complaint):
        raise PermissionDenied


def _text(value: str, field: str, *, limit: int = MAX_DESCRIPTION, message: str | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message or _("Please write something here.")}, code="required")
    if len(value) > limit:
        raise ValidationError(
            {field: _("Please keep this under %(limit)s characters.") % {"limit": limit}}, code="max_length"
        )
    return value


def _clean_photos(photos: Sequence[File], already: int = 0) -> list:
    if len(photos) + already > MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("At most %(max)s photos per report.") % {"max": MAX_PHOTOS}}, code="too_many"
        )
    clean = []
    for photo in photos:
        try:
            kind = validate_upload(photo, allowed=IMAGE_KINDS)
            clean.append((kind, strip_image_metadata(photo)))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}, code=exc.code) from exc
    return clean


def _store_photos(complaint: Complaint, clean: list, *, by_reporter: bool = True) -> None:
    for kind, content in clean:
        photo = ComplaintPhoto(
            complaint=complaint, file_kind=kind, size=content.size, added_by_reporter=by_reporter
        )
        photo.file.save(content.name, content, save=False)
        photo.save()
