"""Places of an age group: free places, the waitlist in the institution's order, and offering freed places to the next families."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.capabilities import is_family
from tuoyu.accounts.models import User
from tuoyu.institutions.models import AGE_GROUP_MONTHS, AgeGroup, ClassGroup, Institution
from tuoyu.institutions.services import guard_member

from ..models import Application, ApplicationStatus, BookingPolicy, Child, WaitlistRule, months_between
from .common import _move, _notify


def policy_for(institution: Institution) -> BookingPolicy:
    return BookingPolicy.objects.filter(institution=institution).first() or BookingPolicy(
        institution=institution
    )


def waitlist(institution: Institution, age_group: str):
    """The waitlist in the order the institution's rule gives, ties to whoever applied first."""
    rule = policy_for(institution).waitlist_rule
    qs = Application.objects.filter(
        institution=institution, age_group=age_group, status=ApplicationStatus.WAITLISTED
    )
    first = {
        WaitlistRule.MULTI_CHILD_FIRST: [F("child__is_second_or_later").desc()],
        WaitlistRule.WORK_NEARBY_FIRST: [F("parents_work_nearby").desc()],
    }.get(rule, [])
    return qs.select_related("child", "family").order_by(*first, "created_at", "id")


def waitlist_position(application: Application) -> int | None:
    if application.status != ApplicationStatus.WAITLISTED:
        return None
    ids = list(waitlist(application.institution, application.age_group).values_list("id", flat=True))
    return ids.index(application.pk) + 1 if application.pk in ids else None


def waitlist_positions(applications) -> dict[int, int]:
    """Positions of many waitlisted applications in two queries, however many there are: the family's
    page lists all of theirs at once. Same order as `waitlist`."""
    waiting = [a for a in applications if a.status == ApplicationStatus.WAITLISTED]
    if not waiting:
        return {}
    keys = {(a.institution_id, a.age_group) for a in waiting}
    rules = dict(
        BookingPolicy.objects.filter(institution_id__in={k[0] for k in keys}).values_list(
            "institution_id", "waitlist_rule"
        )
    )
    matches = Q()
    for institution_id, age_group in keys:
        matches |= Q(institution_id=institution_id, age_group=age_group)
    rows = Application.objects.filter(matches, status=ApplicationStatus.WAITLISTED).values_list(
        "pk", "institution_id", "age_group", "created_at", "parents_work_nearby", "child__is_second_or_later"
    )
    groups: dict[tuple[int, str], list] = {}
    for pk, institution_id, age_group, created_at, nearby, second in rows:
        rule = rules.get(institution_id, WaitlistRule.FIRST_COME)
        first = {WaitlistRule.MULTI_CHILD_FIRST: not second, WaitlistRule.WORK_NEARBY_FIRST: not nearby}.get(
            rule, False
        )
        groups.setdefault((institution_id, age_group), []).append((first, created_at, pk))
    positions = {}
    for members in groups.values():
        for index, (_first, _created, pk) in enumerate(sorted(members), start=1):
            positions[pk] = index
    return {a.pk: positions.get(a.pk) for a in waiting}


def free_places(institution: Institution, age_group: str, *, exclude_offer: Application | None = None) -> int:
    """Places nobody holds: capacity − enrolled − places held by outstanding offers."""
    totals = ClassGroup.objects.filter(institution=institution, age_group=age_group).aggregate(
        capacity=Sum("capacity"), enrolled=Sum("enrolled")
    )
    offers = Application.objects.filter(
        institution=institution, age_group=age_group, status=ApplicationStatus.OFFERED
    )
    if exclude_offer is not None:
        offers = offers.exclude(pk=exclude_offer.pk)
    return (totals["capacity"] or 0) - (totals["enrolled"] or 0) - offers.count()


def _lock_group(institution_id: int, age_group: str) -> list[ClassGroup]:
    """Every write that moves places locks the age group's classes first, in id order, so two such writes
    never wait on each other in opposite orders (no deadlock), and then the application or enrolment."""
    return list(
        ClassGroup.objects.select_for_update()
        .filter(institution_id=institution_id, age_group=age_group)
        .order_by("id")
    )


def fits_age_group(child: Child, age_group: str, on: date) -> bool:
    low, high = AGE_GROUP_MONTHS[AgeGroup(age_group)]
    return low <= months_between(child.birth_date, on) < high


def first_eligible_month(child: Child, age_group: str, after: date) -> date | None:
    """The first month start on or after `after` when the child is old enough for the group."""
    low, high = AGE_GROUP_MONTHS[AgeGroup(age_group)]
    day = date(after.year, after.month, 1)
    for _step in range(48):
        if day >= after.replace(day=1) and low <= months_between(child.birth_date, day) < high:
            return day
        day = date(day.year + (day.month // 12), day.month % 12 + 1, 1)
    return None


@transaction.atomic
def offer_next(*, institution: Institution, age_group: str, by: User | None = None) -> list[Application]:
    """Offer free places to the next families on the waitlist, each with a reply deadline.
    `by` is None only for the expiry job; a person must act for the institution."""
    if by is not None and not is_family(by):
        guard_member(institution, by)
    _lock_group(institution.pk, age_group)
    offered = []
    hours = policy_for(institution).offer_hours
    for candidate in waitlist(institution, age_group):
        if free_places(institution, age_group) <= 0:
            break
        locked = Application.objects.select_for_update().get(pk=candidate.pk)
        if locked.status != ApplicationStatus.WAITLISTED:
            continue
        _move(
            locked, ApplicationStatus.OFFERED, by=by, offer_expires_at=timezone.now() + timedelta(hours=hours)
        )
        _notify(
            candidate.family,
            _(
                "A place is free at %(name)s for %(child)s. Please reply before %(deadline)s or it passes to the next family."
            )
            % {
                "name": institution.name,
                "child": candidate.child.name,
                "deadline": timezone.localtime(locked.offer_expires_at).strftime("%Y-%m-%d %H:%M"),
            },
        )
        offered.append(locked)
    return offered
