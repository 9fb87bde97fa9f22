"""Every (from, to) pair of every status-bearing model of 入托网上约 against its one table: allowed iff the
table says so, refused otherwise with code "transition" and nothing written; and the services that change
a status refuse through the same table."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tuoyu.bookings import services
from tuoyu.bookings.models import (
    Application,
    ApplicationStatus,
    BookingEvent,
    Enrolment,
    EnrolmentStatus,
    Visit,
    VisitSlot,
    VisitStatus,
)
from tuoyu.bookings.tests.conftest import next_week
from tuoyu.bookings.workflow import (
    ENROLMENT_TRANSITIONS,
    TRANSITIONS,
    VISIT_TRANSITIONS,
    WORKFLOW_APPLICATION,
    WORKFLOW_ENROLMENT,
    WORKFLOW_VISIT,
)
from tuoyu.core.statemachine import transition
from tuoyu.institutions.models import ClassGroup

pytestmark = pytest.mark.django_db


def _pairs(choices):
    return [(start, target) for start in choices.values for target in choices.values]


def _check(workflow, table, obj, start, target, by, events):
    """Drive `obj` (in `start`) to `target` through transition(): the table decides."""
    before = events.count()
    if target in table[start]:
        moved = transition(workflow, obj, target, by=by, note="matrix")
        assert moved.status == target
        event = events.last()
        assert (event.from_status, event.to_status, event.by, event.note) == (start, target, by, "matrix")
        assert events.count() == before + 1
    else:
        with pytest.raises(ValidationError) as refused:
            transition(workflow, obj, target, by=by, note="matrix")
        assert refused.value.code == "transition"
        obj.refresh_from_db()
        assert obj.status == start
        assert events.count() == before


@pytest.fixture
def application_in(nursery, make_family, toddler_child):
    def make(status):
        family = make_family()
        child = toddler_child(family)
        return Application.objects.create(
            family=family,
            child=child,
            institution=nursery,
            age_group="toddler",
            service_type="full_day",
            start_date=next_week(),
            status=status,
            idempotency_key=uuid.uuid4().hex,
        )

    return make


@pytest.mark.parametrize(("start", "target"), _pairs(ApplicationStatus))
def test_every_application_transition_is_allowed_or_refused_by_the_one_table(
    application_in, operator, start, target
):
    application = application_in(start)
    events = BookingEvent.objects.filter(application=application)
    _check(WORKFLOW_APPLICATION, TRANSITIONS, application, start, target, operator, events)


@pytest.fixture
def visit_in(nursery, make_family):
    slot = VisitSlot.objects.create(
        institution=nursery,
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=1),
        capacity=5,
    )

    def make(status):
        return Visit.objects.create(
            slot=slot, family=make_family(), status=status, idempotency_key=uuid.uuid4().hex
        )

    return make


@pytest.mark.parametrize(("start", "target"), _pairs(VisitStatus))
def test_every_visit_transition_is_allowed_or_refused_by_the_one_table(visit_in, operator, start, target):
    visit = visit_in(start)
    events = BookingEvent.objects.filter(visit=visit)
    _check(WORKFLOW_VISIT, VISIT_TRANSITIONS, visit, start, target, operator, events)


@pytest.fixture
def enrolment_in(nursery, make_family, toddler_child, operator):
    def make(status):
        child = toddler_child(make_family())
        return Enrolment.objects.create(
            child=child,
            institution=nursery,
            class_group=ClassGroup.objects.get(institution=nursery, age_group="toddler"),
            service_type="full_day",
            start_date=timezone.localdate(),
            end_date=timezone.localdate() if status == EnrolmentStatus.ENDED else None,
            status=status,
            recorded_by=operator,
        )

    return make


@pytest.mark.parametrize(("start", "target"), _pairs(EnrolmentStatus))
def test_every_enrolment_transition_is_allowed_or_refused_by_the_one_table(
    enrolment_in, operator, start, target
):
    enrolment = enrolment_in(start)
    events = BookingEvent.objects.filter(enrolment=enrolment)
    _check(WORKFLOW_ENROLMENT, ENROLMENT_TRANSITIONS, enrolment, start, target, operator, events)


# --- the services refuse through the same table ----------------------------------------------------


@pytest.mark.parametrize("start", [VisitStatus.CANCELLED, VisitStatus.ATTENDED, VisitStatus.NO_SHOW])
def test_a_visit_no_longer_booked_cannot_be_cancelled_or_recorded_and_its_seat_stays(
    visit_in, operator, start
):
    visit = visit_in(start)
    slot_booked = visit.slot.booked
    for act in (
        lambda: services.visit_cancel(visit=visit, by=operator),
        lambda: services.visit_record(visit=visit, by=operator, attended=True),
    ):
        with pytest.raises(ValidationError) as refused:
            act()
        assert refused.value.code == "transition"
    visit.refresh_from_db()
    assert visit.status == start and not visit.events.exists()
    assert VisitSlot.objects.get(pk=visit.slot_id).booked == slot_booked


def test_ending_an_enrolment_records_who_and_why_and_a_second_end_is_refused(enrolment_in, operator):
    enrolment = enrolment_in(EnrolmentStatus.ACTIVE)
    group = enrolment.class_group
    enrolled = ClassGroup.objects.get(pk=group.pk).enrolled
    services.enrolment_end(enrolment=enrolment, by=operator, end_date=timezone.localdate(), reason="搬家")
    event = enrolment.events.get()
    assert (event.from_status, event.to_status, event.by, event.note) == ("active", "ended", operator, "搬家")
    assert ClassGroup.objects.get(pk=group.pk).enrolled == enrolled - 1
    with pytest.raises(ValidationError) as refused:
        services.enrolment_end(enrolment=enrolment, by=operator, end_date=timezone.localdate())
    assert refused.value.code == "transition"
    assert enrolment.events.count() == 1
    assert ClassGroup.objects.get(pk=group.pk).enrolled == enrolled - 1


def test_a_family_giving_up_its_place_ends_the_enrolment_on_its_history(
    nursery, make_family, toddler_child, operator
):
    family = make_family()
    application = services.application_submit(
        family=family,
        child=toddler_child(family),
        institution=nursery,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key=uuid.uuid4().hex,
    )
    services.application_accept(application=application, by=operator)
    services.application_cancel(application=application, by=family)
    enrolment = Enrolment.objects.get(application=application)
    assert enrolment.status == EnrolmentStatus.ENDED
    event = enrolment.events.get()
    assert (event.to_status, event.by) == ("ended", family) and event.note


def test_the_actions_offered_follow_the_table_and_the_person(application_in, operator, visit_in):
    submitted = application_in(ApplicationStatus.SUBMITTED)
    family = submitted.family
    assert WORKFLOW_APPLICATION.allowed_actions(submitted, operator) == ["accept", "decline"]
    assert WORKFLOW_APPLICATION.allowed_actions(submitted, family) == ["cancel"]
    offered = application_in(ApplicationStatus.OFFERED)
    offered.offer_expires_at = timezone.now() + timedelta(hours=1)
    # The institution does not take an offered place for the family: it may only decline.
    assert WORKFLOW_APPLICATION.allowed_actions(offered, operator) == ["decline"]
    assert WORKFLOW_APPLICATION.allowed_actions(offered, offered.family) == ["accept-offer", "cancel"]
    offered.offer_expires_at = timezone.now() - timedelta(minutes=1)
    assert WORKFLOW_APPLICATION.allowed_actions(offered, offered.family) == ["cancel"]
    assert WORKFLOW_APPLICATION.allowed_actions(application_in(ApplicationStatus.DECLINED), family) == []
    visit = visit_in(VisitStatus.BOOKED)  # tomorrow's visit: not yet to be recorded
    assert WORKFLOW_VISIT.allowed_actions(visit, operator) == ["cancel"]
    assert WORKFLOW_VISIT.allowed_actions(visit, visit.family) == ["cancel"]
    assert WORKFLOW_VISIT.allowed_actions(visit, family) == []


def test_the_institution_and_the_family_read_who_ended_an_enrolment_and_why(
    client, enrolment_in, operator, make_family
):
    from django.urls import reverse

    enrolment = enrolment_in(EnrolmentStatus.ACTIVE)
    family = make_family()
    enrolment.child.family = family
    enrolment.child.save(update_fields=["family"])
    client.force_login(operator)
    manage = reverse("bookings:manage", args=[enrolment.institution_id])
    assert f'action="{reverse("bookings:enrolment_end", args=[enrolment.pk])}"' in client.get(manage).text
    response = client.post(
        reverse("bookings:enrolment_end", args=[enrolment.pk]),
        {"end_date": timezone.localdate().isoformat(), "reason": "全家搬到外地"},
    )
    assert response.status_code == 302
    page = client.get(manage).text
    assert "全家搬到外地" in page and str(operator) in page
    assert f'action="{reverse("bookings:enrolment_end", args=[enrolment.pk])}"' not in page
    client.force_login(family)
    assert "全家搬到外地" in client.get(reverse("bookings:me")).text
