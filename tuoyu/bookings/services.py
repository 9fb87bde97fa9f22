"""Every write of 入托网上约. Each is one transaction: rows are locked in a fixed order (application,
then the age group's classes by id, then the institution), guards are checked under the lock, an event
row is written, and messages leave only after commit.

"Assume every operation runs concurrently with itself": acceptances racing for the last places each
lock the same class rows, so exactly as many succeed as there are places; the database's
enrolled <= capacity check is the last guard. Submissions for one child queue on the child's row (taken
before the classes), so two tabs cannot both open an application; application_open_once is the last
guard there.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.capabilities import is_family
from tuoyu.accounts.models import User
from tuoyu.core.audit import update_audited
from tuoyu.core.crypto import blind_index
from tuoyu.core.notifications import notify_person
from tuoyu.core.statemachine import transition
from tuoyu.core.validators import normalize_resident_id
from tuoyu.institutions.models import (
    AGE_GROUP_MONTHS,
    SERVICE_TYPE_FIELDS,
    AgeGroup,
    ClassGroup,
    Institution,
    InstitutionStatus,
    ServiceType,
)
from tuoyu.institutions.services import guard_member, institution_refresh_totals

from .models import (
    Application,
    ApplicationStatus,
    BookingPolicy,
    Child,
    Enrolment,
    EnrolmentStatus,
    Visit,
    VisitSlot,
    VisitStatus,
    WaitlistRule,
    months_between,
)
from .workflow import (
    ACCEPTABLE,
    OPEN,
    WORKFLOW_APPLICATION,
    WORKFLOW_ENROLMENT,
    WORKFLOW_VISIT,
    record_application,
    record_visit,
)

MAX_CHILD_MONTHS = 72  # a record for a child under 3 now, or one enrolled until the year they turn 6
MAX_START_AHEAD_DAYS = 366

NO_PLACE = "no_place"


# --- helpers -------------------------------------------------------------------------------------


def _notify(user: User | None, text: str) -> None:
    if user is not None:
        notify_person(user, subject=_("Childcare booking"), body=text)


def _guard_family(child: Child, family: User) -> None:
    if child.family_id != family.pk:
        raise PermissionDenied


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


def _lock_application(pk: int) -> Application:
    plain = Application.objects.only("institution_id", "age_group").get(pk=pk)
    _lock_group(plain.institution_id, plain.age_group)
    # of=("self",): lock the application only, not the institution and user rows it joins.
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("institution", "child", "family")
        .get(pk=pk)
    )


def _move(application: Application, to_status: str, *, by: User | None, note: str = "", **changes) -> None:
    """Move an application the caller has locked (classes first, then the application: the lock order
    above), so the guards it checked still hold when the status changes."""
    transition(WORKFLOW_APPLICATION, application, to_status, by=by, note=note, changes=changes, locked=True)


def _once_per_key(model, *, family: User, idempotency_key: str, create):
    """`create()` once per family and idempotency key: a retried request (a double click, a client's
    retry) answers the first record. When the same key wins a race a moment ahead (the unique
    family+key constraint refuses the insert), its record is the answer too."""
    replay = model.objects.filter(family=family, idempotency_key=idempotency_key)
    existing = replay.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        existing = replay.first()
        if existing is None:
            raise
        return existing


def _create_or_refuse(model, *, conflict, refusal: ValidationError, **fields):
    """Insert a row in a savepoint, so a refused insert leaves this transaction (and the caller's)
    usable. The database's constraint is the last guard behind a check made under lock; when it refuses
    because `conflict` now exists (a row written in the same instant, or without the service), the
    person gets `refusal`, the same answer the check would have given, instead of a 500."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        if conflict.exists():
            raise refusal from None
        raise


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


# --- children ------------------------------------------------------------------------------------


@transaction.atomic
def child_add(
    *,
    family: User,
    name: str,
    sex: str,
    birth_date: date,
    id_number: str = "",
    is_second_or_later: bool = False,
) -> Child:
    if not is_family(family):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if not name.strip():
        errors["name"] = [_("Give the child's name.")]
    if sex not in Child.Sex.values:
        errors["sex"] = [_("Choose girl or boy.")]
    if birth_date > today:
        errors["birth_date"] = [_("The date of birth cannot be in the future.")]
    elif months_between(birth_date, today) > MAX_CHILD_MONTHS:
        errors["birth_date"] = [_("Check the date of birth: the child would be over 6 years old.")]
    index = ""
    if id_number.strip():
        try:
            id_number = normalize_resident_id(id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            from stdnum.cn import ric

            if ric.get_birth_date(id_number) != birth_date and "birth_date" not in errors:
                errors["id_number"] = [
                    _("The date of birth in the ID number differs from the date of birth given.")
                ]
            index = blind_index(id_number)
            if Child.objects.filter(id_number_index=index).exists():
                errors["id_number"] = [_("A child with this ID number is already registered.")]
    if errors:
        raise ValidationError(errors)
    return Child.objects.create(
        family=family,
        name=name.strip(),
        sex=sex,
        birth_date=birth_date,
        id_number=id_number,
        id_number_index=index,
        is_second_or_later=is_second_or_later,
    )


# --- visits --------------------------------------------------------------------------------------


@transaction.atomic
def visit_slot_create(
    *,
    institution: Institution,
    by: User,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    note: str = "",
) -> VisitSlot:
    guard_member(institution, by)
    errors = {}
    if starts_at <= timezone.now():
        errors["starts_at"] = [_("A visit time must be in the future.")]
    if ends_at <= starts_at:
        errors["ends_at"] = [_("The visit must end after it starts.")]
    if capacity < 1:
        errors["capacity"] = [_("At least one family must fit.")]
    if errors:
        raise ValidationError(errors)
    return VisitSlot.objects.create(
        institution=institution, starts_at=starts_at, ends_at=ends_at, capacity=capacity, note=note
    )


def visit_book(*, slot: VisitSlot, family: User, idempotency_key: str, child: Child | None = None) -> Visit:
    """Book one seat of a visit slot. A retried request with the same key returns the same visit."""
    return _once_per_key(
        Visit,
        family=family,
        idempotency_key=idempotency_key,
        create=lambda: _visit_book(slot=slot, family=family, idempotency_key=idempotency_key, child=child),
    )


def _visit_book(*, slot, family, idempotency_key, child) -> Visit:
    if not is_family(family):
        raise PermissionDenied
    if child is not None:
        _guard_family(child, family)
    locked = VisitSlot.objects.select_for_update(of=("self",)).select_related("institution").get(pk=slot.pk)
    if locked.institution.status != InstitutionStatus.FILED:
        raise ValidationError(_("This institution is not taking bookings."), code="institution")
    if locked.starts_at <= timezone.now():
        raise ValidationError(_("This visit time has passed. Please choose a later one."), code="past")
    if Visit.objects.filter(slot=locked, family=family, status=VisitStatus.BOOKED).exists():
        raise ValidationError(_("You have already booked this visit time."), code="duplicate")
    if locked.booked >= locked.capacity:
        raise ValidationError(_("This visit time is full. Please choose another."), code="full")
    locked.booked = F("booked") + 1
    locked.save(update_fields=["booked"])
    visit = Visit.objects.create(slot=locked, family=family, child=child, idempotency_key=idempotency_key)
    record_visit(obj=visit, from_status="", to_status=VisitStatus.BOOKED, by=family)
    _notify(
        family,
        _("Visit booked: %(name)s, %(time)s.")
        % {
            "name": locked.institution.name,
            "time": timezone.localtime(locked.starts_at).strftime("%Y-%m-%d %H:%M"),
        },
    )
    return visit


@transaction.atomic
def visit_cancel(*, visit: Visit, by: User) -> Visit:
    locked = (
        Visit.objects.select_for_update(of=("self",)).select_related("slot__institution").get(pk=visit.pk)
    )
    if locked.family_id != by.pk:
        guard_member(locked.slot.institution, by)
    # Refused (code "transition") before the slot is touched: only a booked visit holds a seat.
    transition(WORKFLOW_VISIT, locked, VisitStatus.CANCELLED, by=by, locked=True)
    slot = VisitSlot.objects.select_for_update().get(pk=locked.slot_id)
    slot.booked = F("booked") - 1
    slot.save(update_fields=["booked"])
    if by.pk != locked.family_id:
        _notify(
            locked.family,
            _("The institution cancelled your visit to %(name)s.") % {"name": slot.institution.name},
        )
    return locked


@transaction.atomic
def visit_record(*, visit: Visit, by: User, attended: bool) -> Visit:
    """The institution records whether the family came; a real visit lets the family review later."""
    locked = (
        Visit.objects.select_for_update(of=("self",)).select_related("slot__institution").get(pk=visit.pk)
    )
    guard_member(locked.slot.institution, by)
    to_status = VisitStatus.ATTENDED if attended else VisitStatus.NO_SHOW
    return transition(WORKFLOW_VISIT, locked, to_status, by=by, locked=True)


# --- applications ---------------------------------------------------------------------------------


def application_submit(
    *,
    family: User,
    child: Child,
    institution: Institution,
    age_group: str,
    service_type: str,
    start_date: date,
    idempotency_key: str,
    notes: str = "",
    parents_work_nearby: bool = False,
) -> Application:
    """Apply for a place. With no free place in the age group it goes on the waitlist at once.

    A retried request with the same key answers the first application. A second application for the
    same child at the same institution while one is open (another tab, another key) is refused with
    code "duplicate_application", also when both arrive at once.
    """
    # The same key used for another child in the same instant (the child locks differ) also answers
    # the first application.
    return _once_per_key(
        Application,
        family=family,
        idempotency_key=idempotency_key,
        create=lambda: _application_submit(
            family=family,
            child=child,
            institution=institution,
            age_group=age_group,
            service_type=service_type,
            start_date=start_date,
            idempotency_key=idempotency_key,
            notes=notes,
            parents_work_nearby=parents_work_nearby,
        ),
    )


def _duplicate(child: Child) -> ValidationError:
    return ValidationError(
        _("%(name)s already has an application at this institution.") % {"name": child.name},
        code="duplicate_application",
    )


def _already_attends(child: Child) -> ValidationError:
    return ValidationError(
        _("%(name)s already attends this institution.") % {"name": child.name}, code="already_enrolled"
    )


def _application_submit(
    *,
    family,
    child,
    institution,
    age_group,
    service_type,
    start_date,
    idempotency_key,
    notes,
    parents_work_nearby,
):
    if not is_family(family):
        raise PermissionDenied
    _guard_family(child, family)
    # Every submission for this child waits here for the one before it to commit (two tabs, a double
    # click), so the checks below see its application. Taken before the classes; nothing else locks a
    # child, so the lock order stays free of deadlocks. no_key: rows that only refer to the child (an
    # enrolment, a visit) are still written meanwhile.
    child = Child.objects.select_for_update(no_key=True).get(pk=child.pk)
    replay = Application.objects.filter(family=family, idempotency_key=idempotency_key).first()
    if replay is not None:
        return replay  # the same key won while this request waited: its answer is this one's too
    errors: dict[str, list[ValidationError]] = {}
    today = timezone.localdate()
    institution = Institution.objects.get(pk=institution.pk)
    if institution.status != InstitutionStatus.FILED:
        raise ValidationError(_("This institution is not taking applications."), code="institution")
    if (
        age_group not in AgeGroup.values
        or not ClassGroup.objects.filter(institution=institution, age_group=age_group).exists()
    ):
        errors["age_group"] = [_("This institution has no class for that age group.")]
    if service_type not in ServiceType.values or not getattr(
        institution, SERVICE_TYPE_FIELDS[ServiceType(service_type)], False
    ):
        errors["service_type"] = [_("This institution does not offer that service.")]
    if start_date < today:
        errors["start_date"] = [_("The start date cannot be in the past.")]
    elif start_date > today + timedelta(days=MAX_START_AHEAD_DAYS):
        errors["start_date"] = [_("Apply at most a year before the start date.")]
    if (
        "age_group" not in errors
        and "start_date" not in errors
        and not fits_age_group(child, age_group, start_date)
    ):
        low, high = AGE_GROUP_MONTHS[AgeGroup(age_group)]
        months = months_between(child.birth_date, start_date)
        errors["age_group"] = [
            _(
                "On %(date)s %(name)s will be %(months)s months old; the %(group)s takes children of %(low)s–%(high)s months."
            )
            % {
                "date": start_date.isoformat(),
                "name": child.name,
                "months": months,
                "group": AgeGroup(age_group).label,
                "low": low,
                "high": high,
            }
        ]
    if Application.objects.filter(child=child, institution=institution, status__in=OPEN).exists():
        errors["child"] = [_duplicate(child)]
    elif Enrolment.objects.filter(
        child=child, institution=institution, status=EnrolmentStatus.ACTIVE
    ).exists():
        errors["child"] = [_already_attends(child)]
    if errors:
        raise ValidationError(errors)
    # Lock the age group's classes so a free place seen here is not also handed out elsewhere.
    _lock_group(institution.pk, age_group)
    status = (
        ApplicationStatus.SUBMITTED
        if free_places(institution, age_group) > 0
        else ApplicationStatus.WAITLISTED
    )
    # application_open_once, the last guard: an open application got past the child lock (a row
    # written without this service). The family gets the same answer as from the check above.
    application = _create_or_refuse(
        Application,
        conflict=Application.objects.filter(child=child, institution=institution, status__in=OPEN),
        refusal=ValidationError({"child": [_duplicate(child)]}),
        family=family,
        child=child,
        institution=institution,
        age_group=age_group,
        service_type=service_type,
        start_date=start_date,
        notes=notes.strip(),
        parents_work_nearby=parents_work_nearby,
        status=status,
        idempotency_key=idempotency_key,
    )
    record_application(obj=application, from_status="", to_status=status, by=family)
    if status == ApplicationStatus.WAITLISTED:
        text = _(
            "Application received: %(name)s has no free place now; %(child)s is number %(n)s on the waitlist."
        ) % {
            "name": institution.name,
            "child": child.name,
            "n": waitlist_position(application),
        }
    else:
        text = _("Application received: %(name)s will answer soon.") % {"name": institution.name}
    _notify(family, text)
    return application


@dataclass(frozen=True)
class AcceptResult:
    application: Application
    accepted: bool
    message: str = ""


def _enrol(application: Application, *, by: User, exclude_offer: bool) -> bool:
    """Take a place for the application under lock; False when there is none left."""
    classes = _lock_group(application.institution_id, application.age_group)
    if (
        free_places(
            application.institution,
            application.age_group,
            exclude_offer=application if exclude_offer else None,
        )
        <= 0
    ):
        return False
    target = next((c for c in classes if c.enrolled < c.capacity), None)
    if target is None:
        return False
    # Another application for a child who already has the place here (one from before
    # application_open_once, or one left open beside the enrolment) must not meet enrolment_once_active
    # as a 500: the institution reads why, and can decline it.
    attends = Enrolment.objects.filter(
        child_id=application.child_id,
        institution_id=application.institution_id,
        status=EnrolmentStatus.ACTIVE,
    )
    if attends.exists():
        raise _already_attends(application.child)
    update_audited(ClassGroup, pk=target.pk, actor=by, enrolled=F("enrolled") + 1)
    # enrolment_once_active, the last guard: enrolled through another application in the same instant.
    _create_or_refuse(
        Enrolment,
        conflict=attends,
        refusal=_already_attends(application.child),
        child=application.child,
        institution=application.institution,
        class_group=target,
        service_type=application.service_type,
        start_date=max(application.start_date, timezone.localdate()),
        application=application,
        recorded_by=by,
    )
    institution_refresh_totals(institution=application.institution, by=by)
    return True


def _placed_message(application: Application) -> str:
    return _("%(child)s has a place at %(name)s from %(date)s.") % {
        "child": application.child.name,
        "name": application.institution.name,
        "date": application.start_date.isoformat(),
    }


@transaction.atomic
def application_accept(*, application: Application, by: User) -> AcceptResult:
    """The institution accepts: an enrolment is made and the vacancy drops, or, with no place left, the
    application joins the waitlist in its order and the answer says so."""
    locked = _lock_application(application.pk)
    guard_member(locked.institution, by)
    if locked.status not in ACCEPTABLE:
        raise ValidationError(_("Only a waiting application can be accepted."), code="status")
    if locked.status == ApplicationStatus.WAITLISTED and waitlist_position(locked) != 1:
        # The published rule decides who is next; the institution cannot skip families ahead.
        raise ValidationError(
            _("Families ahead on the waitlist come first: offer the next place instead."), code="order"
        )
    if not _enrol(locked, by=by, exclude_offer=False):
        if locked.status != ApplicationStatus.WAITLISTED:
            _move(locked, ApplicationStatus.WAITLISTED, by=by, note=_("No place left"))
        return AcceptResult(
            locked, False, _("No place left in this age group. The application is on the waitlist.")
        )
    _move(locked, ApplicationStatus.ENROLLED, by=by)
    _notify(locked.family, _placed_message(locked))
    return AcceptResult(locked, True)


@transaction.atomic
def application_decline(*, application: Application, by: User, reason: str) -> Application:
    locked = _lock_application(application.pk)
    guard_member(locked.institution, by)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the family a reason.")]})
    held_offer = locked.status == ApplicationStatus.OFFERED
    _move(locked, ApplicationStatus.DECLINED, by=by, note=reason.strip(), decline_reason=reason.strip())
    _notify(
        locked.family,
        _("%(name)s declined the application: %(reason)s")
        % {"name": locked.institution.name, "reason": reason.strip()},
    )
    if held_offer:
        offer_next(institution=locked.institution, age_group=locked.age_group, by=by)
    return locked


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


@transaction.atomic
def offer_accept(*, application: Application, family: User) -> Application:
    locked = _lock_application(application.pk)
    if locked.family_id != family.pk:
        raise PermissionDenied
    if locked.status != ApplicationStatus.OFFERED:
        raise ValidationError(_("There is no offer to accept."), code="status")
    if locked.offer_expires_at and locked.offer_expires_at < timezone.now():
        raise ValidationError(_("The offer has expired and passed to the next family."), code="expired")
    if not _enrol(locked, by=family, exclude_offer=True):
        raise ValidationError(_("No place left in this age group."), code="no_place")
    _move(locked, ApplicationStatus.ENROLLED, by=family)
    _notify(locked.family, _placed_message(locked))
    return locked


def _end_enrolment(enrolment: Enrolment, *, by: User, end_date: date, note: str) -> None:
    """End an enrolment the caller has locked (after its age group's classes). The event row records who
    ended it and why; a refused change (already ended) leaves the class count as it was."""
    transition(
        WORKFLOW_ENROLMENT,
        enrolment,
        EnrolmentStatus.ENDED,
        by=by,
        note=note,
        changes={"end_date": max(end_date, enrolment.start_date)},
        locked=True,
    )
    update_audited(ClassGroup, pk=enrolment.class_group_id, actor=by, enrolled=F("enrolled") - 1)
    institution_refresh_totals(institution=enrolment.institution, by=by)


@transaction.atomic
def application_cancel(*, application: Application, by: User) -> Application:
    """The family withdraws; a place they held (an offer or an enrolment) goes to the next family."""
    locked = _lock_application(application.pk)
    if locked.family_id != by.pk:
        raise PermissionDenied
    freed = locked.status in (ApplicationStatus.OFFERED, ApplicationStatus.ENROLLED)
    if locked.status == ApplicationStatus.ENROLLED:
        enrolment = (
            Enrolment.objects.select_for_update()
            .filter(application=locked, status=EnrolmentStatus.ACTIVE)
            .first()
        )
        if enrolment is not None:
            _end_enrolment(
                enrolment,
                by=by,
                end_date=timezone.localdate(),
                note=_("The family gave up the place."),
            )
    _move(locked, ApplicationStatus.CANCELLED, by=by)
    if freed:
        offer_next(institution=locked.institution, age_group=locked.age_group, by=by)
    return locked


@transaction.atomic
def enrolment_end(*, enrolment: Enrolment, by: User, end_date: date, reason: str = "") -> Enrolment:
    """A child leaves; the place frees and the waitlist moves. `reason` (optional) is kept on the
    enrolment's history beside who ended it."""
    plain = Enrolment.objects.select_related("class_group").get(pk=enrolment.pk)
    _lock_group(plain.institution_id, plain.class_group.age_group)
    locked = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("institution", "class_group")
        .get(pk=enrolment.pk)
    )
    guard_member(locked.institution, by)
    _end_enrolment(locked, by=by, end_date=end_date, note=reason.strip() or _("Ended by the institution."))
    offer_next(institution=locked.institution, age_group=locked.class_group.age_group, by=by)
    return locked


@transaction.atomic
def enrolment_record(
    *,
    institution: Institution,
    by: User,
    class_group: ClassGroup,
    child_name: str,
    sex: str,
    birth_date: date,
    service_type: str,
    start_date: date,
) -> Enrolment:
    """A child enrolled without the site (walked in, by phone): the institution records it here."""
    guard_member(institution, by)
    if class_group.institution_id != institution.pk:
        raise PermissionDenied
    errors = {}
    if not child_name.strip():
        errors["child_name"] = [_("Give the child's name.")]
    if sex not in Child.Sex.values:
        errors["sex"] = [_("Choose girl or boy.")]
    if birth_date > timezone.localdate():
        errors["birth_date"] = [_("The date of birth cannot be in the future.")]
    if service_type not in ServiceType.values or not getattr(
        institution, SERVICE_TYPE_FIELDS[ServiceType(service_type)], False
    ):
        errors["service_type"] = [_("This institution does not offer that service.")]
    low, high = AGE_GROUP_MONTHS[AgeGroup(class_group.age_group)]
    months = months_between(birth_date, start_date)
    if "birth_date" not in errors and not low <= months < high:
        errors["birth_date"] = [
            _(
                "On %(date)s the child will be %(months)s months old; this class takes children of %(low)s–%(high)s months."
            )
            % {"date": start_date.isoformat(), "months": months, "low": low, "high": high}
        ]
    if errors:
        raise ValidationError(errors)
    classes = _lock_group(institution.pk, class_group.age_group)
    target = next(c for c in classes if c.pk == class_group.pk)
    if target.enrolled >= target.capacity or free_places(institution, class_group.age_group) <= 0:
        raise ValidationError(_("No place left in this class."), code="no_place")
    child = Child.objects.create(family=None, name=child_name.strip(), sex=sex, birth_date=birth_date)
    update_audited(ClassGroup, pk=target.pk, actor=by, enrolled=F("enrolled") + 1)
    enrolment = Enrolment.objects.create(
        child=child,
        institution=institution,
        class_group=target,
        service_type=service_type,
        start_date=start_date,
        recorded_by=by,
    )
    institution_refresh_totals(institution=institution, by=by)
    return enrolment


def expire_offers(*, now: datetime | None = None) -> int:
    """Offers past their deadline expire and pass on. Run by manage.py expire_offers (cron)."""
    now = now or timezone.now()
    expired = 0
    for pk in Application.objects.filter(
        status=ApplicationStatus.OFFERED, offer_expires_at__lt=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            locked = _lock_application(pk)
            if locked.status != ApplicationStatus.OFFERED or locked.offer_expires_at >= now:
                continue
            _move(locked, ApplicationStatus.EXPIRED, by=None, note=_("No reply before the deadline"))
            _notify(
                locked.family,
                _("The offered place at %(name)s expired without a reply.")
                % {"name": locked.institution.name},
            )
            offer_next(institution=locked.institution, age_group=locked.age_group)
            expired += 1
    return expired
