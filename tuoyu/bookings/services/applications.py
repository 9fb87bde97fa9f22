"""Applications for a place: submitted, accepted or waitlisted, declined, offered and taken, cancelled, expired."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.capabilities import is_family
from tuoyu.accounts.models import User
from tuoyu.institutions.models import (
    AGE_GROUP_MONTHS,
    SERVICE_TYPE_FIELDS,
    AgeGroup,
    ClassGroup,
    Institution,
    InstitutionStatus,
    ServiceType,
)
from tuoyu.institutions.services import guard_member

from ..models import Application, ApplicationStatus, Child, Enrolment, EnrolmentStatus, months_between
from ..workflow import ACCEPTABLE, HOLDS_PLACE, OPEN, record_application
from .common import (
    _already_attends,
    _create_or_refuse,
    _duplicate,
    _guard_family,
    _move,
    _notify,
    _once_per_key,
)
from .enrolments import _end_enrolment, _enrol
from .places import _lock_group, fits_age_group, free_places, offer_next, waitlist_position

MAX_START_AHEAD_DAYS = 366


NO_PLACE = "no_place"


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


def _lock_application(pk: int) -> Application:
    plain = Application.objects.only("institution_id", "age_group").get(pk=pk)
    _lock_group(plain.institution_id, plain.age_group)
    # of=("self",): lock the application only, not the institution and user rows it joins.
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("institution", "child", "family")
        .get(pk=pk)
    )


@dataclass(frozen=True)
class AcceptResult:
    application: Application
    accepted: bool
    message: str = ""


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


@transaction.atomic
def application_cancel(*, application: Application, by: User) -> Application:
    """The family withdraws; a place they held (an offer or an enrolment) goes to the next family."""
    locked = _lock_application(application.pk)
    if locked.family_id != by.pk:
        raise PermissionDenied
    freed = locked.status in HOLDS_PLACE
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
