"""Indicator 8's sources: enrolled children and complete records by unit, as they stood on the period's end."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tuoyu.core.counts import Period, count, sources
from tuoyu.health.models import HealthRecord, Measurement
from tuoyu.institutions.models import InstitutionMembership
from tuoyu.institutions.services import ClassSpec
from tuoyu.regions.models import Unit

pytestmark = pytest.mark.django_db


def record_of(enrolment) -> HealthRecord:
    return HealthRecord.objects.get(child_id=enrolment.child_id)


def fill(record, *, by, day, measured=True, vaccination="complete", flags=()):
    """Make a record complete as of `day` (unless `measured` is False): entry check, certificate check and a
    measurement, all dated `day`. Written directly: the summary reads rows, not how they came."""
    HealthRecord.objects.filter(pk=record.pk).update(
        entry_check_on=day,
        entry_check_result="normal",
        vaccination_checked_on=day,
        vaccination_status=vaccination,
        missing_doses="MMR 2" if vaccination == "missing" else "",
    )
    if measured:
        Measurement.objects.create(
            record=record,
            measured_on=day,
            age_days=540,
            weight_kg="10.5",
            length_cm="80.0",
            flags=list(flags),
            by=by,
        )


def test_both_sources_are_registered():
    assert {"health.complete_records", "health.enrolled_children"} <= set(sources())


def test_enrolled_children_and_complete_records_by_unit_and_period(
    health_institution, make_institution, enrol, health_staff, operator
):
    today = timezone.localdate()
    baihe = make_institution(
        unit=Unit.objects.get(name="白鹤街道"),
        classes=[ClassSpec(name="托小一班", age_group="toddler", capacity=15, enrolled=0)],
    )
    here = [enrol(health_institution) for _ in range(3)]
    InstitutionMembership.objects.create(institution=baihe, user=operator)
    there = [enrol(baihe) for _ in range(2)]
    fill(record_of(here[0]), by=health_staff, day=today)
    fill(record_of(here[1]), by=health_staff, day=today, measured=False)  # no growth yet
    fill(record_of(there[0]), by=health_staff, day=today, vaccination="missing")
    hanfeng = Unit.objects.get(name="汉丰街道")
    period = Period(date(today.year - 1, 1, 1), today)
    assert count("health.enrolled_children", unit=None, period=period) == 5
    assert count("health.complete_records", unit=None, period=period) == 2
    assert count("health.enrolled_children", unit=hanfeng, period=period) == 3
    assert count("health.complete_records", unit=hanfeng, period=period) == 1
    # Yesterday nobody was enrolled yet, and a year 2000 knows nothing.
    yesterday = Period(period.start, today - timedelta(days=1))
    assert count("health.enrolled_children", unit=None, period=yesterday) == 0
    assert count("health.complete_records", unit=None, period=Period.year(2000)) == 0


def test_a_record_counts_as_complete_from_the_day_of_its_last_part(health_institution, enrol, health_staff):
    today = timezone.localdate()
    enrolment = enrol(health_institution)
    record = record_of(enrolment)
    fill(record, by=health_staff, day=today, measured=False)
    Measurement.objects.create(
        record=record,
        measured_on=today + timedelta(days=2),
        age_days=545,
        weight_kg="10.6",
        length_cm="80.4",
        by=health_staff,
    )
    before = Period(today, today + timedelta(days=1))
    after = Period(today, today + timedelta(days=2))
    assert count("health.enrolled_children", unit=None, period=before) == 1
    assert count("health.complete_records", unit=None, period=before) == 0
    assert count("health.complete_records", unit=None, period=after) == 1


def test_an_ended_enrolment_no_longer_counts(health_institution, enrol, health_staff):
    today = timezone.localdate()
    enrolment = enrol(health_institution)
    fill(record_of(enrolment), by=health_staff, day=today)
    type(enrolment).objects.filter(pk=enrolment.pk).update(status="ended", end_date=today)
    assert count("health.complete_records", unit=None, period=Period(today, today)) == 1
    later = Period(today, today + timedelta(days=1))
    assert count("health.enrolled_children", unit=None, period=later) == 0
    assert count("health.complete_records", unit=None, period=later) == 0
