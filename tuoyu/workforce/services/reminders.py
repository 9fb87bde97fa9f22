"""The daily reminder of what is about to stop counting: certificates and health checks of active staff
that expire within 30 days are told to the institution's people through the outbox, once at 30 days
before and once at 7 (an item first seen within 7 days gets only the 7-day reminder). Each item and
threshold reminded is an `ExpiryReminder` row, so a second run the same day, or the next day, sends nothing
again; a renewed certificate (a new expiry) is reminded anew when its own time comes.

One message per institution per run lists its items (names, what, last valid day; never an ID number).
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tuoyu.core.notifications import notify_person
from tuoyu.core.workdays import beijing_today
from tuoyu.institutions.models import InstitutionMembership

from ..models import ExpiryReminder, StaffMember
from ..selectors.compliance import EXPIRY_WINDOW_DAYS, staffing_of

THRESHOLDS = (7, EXPIRY_WINDOW_DAYS)  # days before the expiry, nearest first


def _threshold(days_left: int) -> int | None:
    for threshold in THRESHOLDS:
        if days_left <= threshold:
            return threshold
    return None


def _item(expiry) -> str:
    return f"certificate-{expiry.certificate_id}" if expiry.certificate_id else "health_check"


def expiry_reminders_send(*, on=None) -> int:
    """Remind every institution of what expires within 30 days and was not reminded at this threshold yet;
    how many items were reminded. One transaction: the messages and the rows that remember them."""
    on = on or beijing_today()
    institution_ids = list(
        StaffMember.objects.filter(started_on__lte=on)
        .exclude(ended_on__lt=on)
        .order_by()
        .values_list("institution_id", flat=True)
        .distinct()
    )
    staffing = staffing_of(institution_ids, on=on)
    due = []
    for institution_id, found in staffing.items():
        for expiry in found.expiring:
            threshold = _threshold((expiry.expires_on - on).days)
            if threshold is not None:
                due.append((institution_id, expiry, threshold))
    if not due:
        return 0
    sent = {
        (row.staff_id, row.item, row.expires_on, row.days_before)
        for row in ExpiryReminder.objects.filter(staff_id__in={e.staff_id for _i, e, _t in due})
    }
    todo = [
        (institution_id, expiry, threshold)
        for institution_id, expiry, threshold in due
        if (expiry.staff_id, _item(expiry), expiry.expires_on, threshold) not in sent
    ]
    if not todo:
        return 0
    members: dict[int, list] = {}
    for membership in InstitutionMembership.objects.filter(
        institution_id__in={i for i, _e, _t in todo}, user__is_active=True
    ).select_related("user"):
        members.setdefault(membership.institution_id, []).append(membership.user)
    by_institution: dict[int, list] = {}
    for institution_id, expiry, threshold in todo:
        by_institution.setdefault(institution_id, []).append((expiry, threshold))
    try:
        with transaction.atomic():
            ExpiryReminder.objects.bulk_create(
                ExpiryReminder(
                    staff_id=expiry.staff_id,
                    item=_item(expiry),
                    expires_on=expiry.expires_on,
                    days_before=threshold,
                )
                for _i, expiry, threshold in todo
            )
            for institution_id, items in by_institution.items():
                lines = "；".join(
                    _("%(name)s %(what)s valid until %(date)s")
                    % {"name": e.name, "what": e.what, "date": e.expires_on.isoformat()}
                    for e, _t in items
                )
                body = _(
                    "Expiring within %(days)s days: %(items)s. Renew them in time: an expired certificate or "
                    "health check stops counting the next day."
                ) % {"days": max(t for _e, t in items), "items": lines}
                for person in members.get(institution_id, []):
                    notify_person(person, subject=_("Staff certificates expiring"), body=body)
    except IntegrityError:  # another run reminded the same items meanwhile: it has told them
        return 0
    return len(todo)
