"""Enrolments: taking a place for an application, ending one, recording one made without the site."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import User
from tuoyu.core import events
from tuoyu.core.audit import update_audited
from tuoyu.core.statemachine import transition
from tuoyu.institutions.models import (
    AGE_GROUP_MONTHS,
    SERVICE_TYPE_FIELDS,
    AgeGroup,
    ClassGroup,
    Institution,
    ServiceType,
)
from tuoyu.institutions.services import guard_member, institution_refresh_totals

from ..models import Application, Child, Enrolment, EnrolmentStatus, months_between
from ..workflow import WORKFLOW_ENROLMENT
from .common import _already_attends, _create_or_refuse
from .places import _lock_group, free_places, offer_next


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
    enrolment = _create_or_refuse(
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
    events.publish("bookings.enrolled", enrolment=enrolment, by=by)
    return True


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
    events.publish("bookings.enrolled", enrolment=enrolment, by=by)
    return enrolment
