"""Visit slots an institution publishes and the visits families book."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.capabilities import is_family
from tuoyu.accounts.models import User
from tuoyu.core.statemachine import transition
from tuoyu.institutions.models import Institution, InstitutionStatus
from tuoyu.institutions.services import guard_member

from ..models import Child, Visit, VisitSlot, VisitStatus
from ..workflow import WORKFLOW_VISIT, record_visit
from .common import _guard_family, _notify, _once_per_key


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
    # A double tap sends the same key twice at once: the second request waited on the slot's lock for
    # the first to commit, and answers its visit rather than "already booked" (the page it is shown).
    replay = Visit.objects.filter(family=family, idempotency_key=idempotency_key).first()
    if replay is not None:
        return replay
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
