"""Supervision's count sources: for the district, for one street or town, and for a period that leaves
the rows out."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from tuoyu.core.counts import Period, count
from tuoyu.inspections.models import Finding, FindingStatus, InspectionStatus, Severity, Suspension

from .test_publication import make_result

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
DECEMBER_LATE = Period(date(2026, 12, 20), date(2026, 12, 31))


def _at(day: date):
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


@pytest.fixture
def units(hanfeng):
    from tuoyu.regions.models import Unit

    other = Unit.objects.filter(level__in=["street", "town"]).exclude(pk=hanfeng.pk).order_by("code").first()
    return hanfeng, other


@pytest.fixture
def rows(plan, make_institution, units, reviewer):
    """In 汉丰街道: an inspection submitted on 2 November with two findings: one put right on 20 November,
    one open with a deadline of 16 November (overdue by the month's end); the institution suspended from
    25 November. Elsewhere: one cancelled inspection, never counted."""
    hanfeng, other = units
    here = make_institution(unit=hanfeng)
    inspection = make_result(plan, here, submitted_at=_at(date(2026, 11, 2)))
    Finding.objects.filter(inspection=inspection).delete()
    rectified = Finding.objects.create(
        inspection=inspection,
        description="灭火器过期",
        severity=Severity.MINOR,
        status=FindingStatus.RECTIFIED,
        deadline=date(2026, 11, 16),
        rectified_at=_at(date(2026, 11, 20)),
    )
    Finding.objects.filter(pk=rectified.pk).update(created_at=_at(date(2026, 11, 2)))
    still_open = Finding.objects.create(
        inspection=inspection,
        description="疏散通道堵塞",
        severity=Severity.SERIOUS,
        status=FindingStatus.OPEN,
        deadline=date(2026, 11, 16),
    )
    Finding.objects.filter(pk=still_open.pk).update(created_at=_at(date(2026, 11, 2)))
    Suspension.objects.create(
        institution=here,
        finding=still_open,
        reason="停业整顿",
        starts_on=date(2026, 11, 25),
        ordered_by=reviewer,
    )
    make_result(
        plan,
        make_institution(unit=other),
        status=InspectionStatus.CANCELLED,
        submitted_at=_at(date(2026, 11, 3)),
    )
    return here


def test_counts_for_the_district(rows):
    assert count("inspections.inspected", unit=None, period=NOVEMBER) == 1
    assert count("inspections.findings_open", unit=None, period=NOVEMBER) == 1  # the other was put right
    assert count("inspections.findings_overdue", unit=None, period=NOVEMBER) == 1
    assert count("inspections.suspended_institutions", unit=None, period=NOVEMBER) == 1


def test_counts_for_one_unit_and_another(rows, units):
    hanfeng, other = units
    for name in (
        "inspections.inspected",
        "inspections.findings_open",
        "inspections.findings_overdue",
        "inspections.suspended_institutions",
    ):
        assert count(name, unit=hanfeng, period=NOVEMBER) == 1, name
        assert count(name, unit=other, period=NOVEMBER) == 0, name


def test_a_period_that_leaves_the_rows_out(rows):
    # Before anything happened: nothing inspected, nothing open, nobody suspended.
    for name in (
        "inspections.inspected",
        "inspections.findings_open",
        "inspections.findings_overdue",
        "inspections.suspended_institutions",
    ):
        assert count(name, unit=None, period=OCTOBER) == 0, name
    # Mid-November both findings were open and neither overdue yet; the suspension had not begun.
    mid = Period(date(2026, 11, 1), date(2026, 11, 15))
    assert count("inspections.findings_open", unit=None, period=mid) == 2
    assert count("inspections.findings_overdue", unit=None, period=mid) == 0
    assert count("inspections.suspended_institutions", unit=None, period=mid) == 0
    # Late December: no inspection submitted then (a flow), the stocks still stand.
    assert count("inspections.inspected", unit=None, period=DECEMBER_LATE) == 0
    assert count("inspections.findings_open", unit=None, period=DECEMBER_LATE) == 1


def test_a_lifted_suspension_no_longer_counts(rows):
    Suspension.objects.update(lifted_at=_at(date(2026, 12, 1)))
    assert count("inspections.suspended_institutions", unit=None, period=NOVEMBER) == 1
    assert count("inspections.suspended_institutions", unit=None, period=DECEMBER_LATE) == 0
