"""The booking count sources: by unit and the units below it, children enrolled as they stood on
period.end, applications received over the period."""

import uuid
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from tuoyu.bookings.models import Application, Enrolment, EnrolmentStatus
from tuoyu.bookings.tests.conftest import months_ago
from tuoyu.core.counts import Period, count
from tuoyu.institutions.models import ClassGroup
from tuoyu.regions.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(make_institution, hanfeng):
    return {
        "hanfeng": make_institution(unit=hanfeng),
        "baihe": make_institution(unit=Unit.objects.get(name="白鹤街道")),
    }


def _child(make_family, toddler_child):
    return toddler_child(make_family(), name=f"孩子{uuid.uuid4().hex[:4]}")


def _enrol(institution, child, operator, *, start: date, end: date | None = None) -> Enrolment:
    return Enrolment.objects.create(
        child=child,
        institution=institution,
        class_group=ClassGroup.objects.filter(institution=institution).first(),
        service_type="full_day",
        start_date=start,
        end_date=end,
        status=EnrolmentStatus.ENDED if end else EnrolmentStatus.ACTIVE,
        recorded_by=operator,
    )


def test_enrolled_children_are_those_attending_on_the_period_end(
    places, make_family, toddler_child, operator, kaizhou, hanfeng
):
    today = timezone.localdate()
    year = Period(date(today.year, 1, 1), today)
    _enrol(places["hanfeng"], _child(make_family, toddler_child), operator, start=today - timedelta(days=30))
    _enrol(places["baihe"], _child(make_family, toddler_child), operator, start=today - timedelta(days=30))
    # Left yesterday: not attending today, but attending a month ago.
    _enrol(
        places["hanfeng"],
        _child(make_family, toddler_child),
        operator,
        start=today - timedelta(days=60),
        end=today - timedelta(days=1),
    )
    # Starts next week: not yet attending.
    _enrol(places["hanfeng"], _child(make_family, toddler_child), operator, start=today + timedelta(days=7))
    assert count("bookings.enrolled_children", unit=hanfeng, period=year) == 1
    assert (
        count("bookings.enrolled_children", unit=kaizhou, period=year) == 2
    )  # the district covers its streets
    assert count("bookings.enrolled_children", unit=None, period=year) == 2
    a_month_ago = today - timedelta(days=20)
    assert count("bookings.enrolled_children", unit=hanfeng, period=Period(a_month_ago, a_month_ago)) == 2


def test_applications_received_are_those_made_during_the_period(
    places, make_family, toddler_child, kaizhou, hanfeng
):
    def apply(institution, made_on: date, status="submitted"):
        family = make_family()
        application = Application.objects.create(
            family=family,
            child=toddler_child(family),
            institution=institution,
            age_group="toddler",
            service_type="full_day",
            start_date=months_ago(-1),
            status=status,
            idempotency_key=uuid.uuid4().hex,
        )
        made = timezone.make_aware(datetime.combine(made_on, datetime.min.time()) + timedelta(hours=10))
        Application.objects.filter(pk=application.pk).update(created_at=made)

    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    apply(places["hanfeng"], date(2026, 3, 1))
    apply(places["hanfeng"], date(2026, 3, 31), status="declined")  # counted whatever became of it
    apply(places["baihe"], date(2026, 3, 15), status="cancelled")
    apply(places["hanfeng"], date(2026, 2, 28))  # before the period
    apply(places["hanfeng"], date(2026, 4, 1))  # after it
    assert count("bookings.applications_received", unit=hanfeng, period=march) == 2
    assert count("bookings.applications_received", unit=kaizhou, period=march) == 3
    assert count("bookings.applications_received", unit=None, period=march) == 3
    assert count("bookings.applications_received", unit=hanfeng, period=Period.year(2026)) == 4
