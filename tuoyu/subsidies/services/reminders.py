"""The daily reminder that rent-free years on state-owned premises end soon (§13): for every profile whose
last rent-free day is within the rule set's `rent_free_reminder_days` (and not past), the institution's
people and the commission are told through the outbox, once per end date (a `RentFreeReminder` row each,
so a second run the same day or the next sends nothing again; a new start date is reminded anew).

One message per institution per recipient: the institution's name, the last rent-free day and the days left;
nothing personal."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import User
from tuoyu.core.notifications import notify_person
from tuoyu.core.workdays import beijing_today
from tuoyu.institutions.models import InstitutionMembership

from ..models import RentFreeReminder
from ..selectors.lists import rent_free_list


def rent_free_reminders_send(*, on=None) -> int:
    """Remind of every rent-free end within its reminder days not reminded yet; how many were reminded.
    One transaction: the messages and the rows that remember them."""
    on = on or beijing_today()
    due = [
        row
        for row in rent_free_list(on=on)
        if row.ends_on is not None
        and row.reminder_days is not None
        and 0 <= row.days_left <= row.reminder_days
    ]
    if not due:
        return 0
    sent = set(
        RentFreeReminder.objects.filter(profile_id__in=[row.profile.pk for row in due]).values_list(
            "profile_id", "ends_on"
        )
    )
    todo = [row for row in due if (row.profile.pk, row.ends_on) not in sent]
    if not todo:
        return 0
    members: dict[int, list] = {}
    for membership in InstitutionMembership.objects.filter(
        institution_id__in={row.institution.pk for row in todo},
        user__is_active=True,
        user__role__in=capabilities.SUBSIDY_CLAIMANTS,
    ).select_related("user"):
        members.setdefault(membership.institution_id, []).append(membership.user)
    commission = list(
        User.objects.filter(is_active=True, role__in=capabilities.SUBSIDY_MANAGERS).order_by("pk")
    )
    subject = _("Rent-free years on state-owned premises end soon")
    try:
        with transaction.atomic():
            RentFreeReminder.objects.bulk_create(
                RentFreeReminder(profile=row.profile, ends_on=row.ends_on) for row in todo
            )
            for row in todo:
                body = _(
                    "%(name)s: the rent-free years on state-owned premises end on %(date)s (%(days)s days "
                    "left). Agree the rent from then on with the state-asset office in time."
                ) % {"name": row.institution.name, "date": row.ends_on.isoformat(), "days": row.days_left}
                for person in [*members.get(row.institution.pk, []), *commission]:
                    notify_person(person, subject=subject, body=body)
    except IntegrityError:  # another run reminded the same ends meanwhile: it has told them
        return 0
    return len(todo)
