"""Indicator 9's sources: certified and certifiable staff by unit, as they stood on the period's end."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tuoyu.core.counts import Period, count
from tuoyu.regions.models import Unit
from tuoyu.workforce.models import Certificate

pytestmark = pytest.mark.django_db


def test_certified_and_certifiable_staff_by_unit_and_period(
    workforce_rules, make_institution, make_staff, hanfeng
):
    today = timezone.localdate()
    here = make_institution()
    there = make_institution(unit=Unit.objects.get(name="白鹤街道"))
    make_staff(here, certificates=["baoyushi-4"])
    expired = make_staff(here, certificates=["baoyushi-4"])
    Certificate.objects.filter(staff=expired).update(expires_on=today - timedelta(days=1))
    make_staff(here, post="cook")
    make_staff(there, certificates=["yuyingyuan-5"])
    make_staff(there, started_on=today - timedelta(days=10))  # a new hire, no certificate yet
    period = Period(date(today.year - 1, 1, 1), today)
    assert count("workforce.certified_staff", unit=None, period=period) == 2
    assert count("workforce.certifiable_staff", unit=None, period=period) == 4
    assert count("workforce.certified_staff", unit=hanfeng, period=period) == 1
    assert count("workforce.certifiable_staff", unit=hanfeng, period=period) == 2
    # Twenty days ago the new hire had not started and the expired certificate was valid.
    earlier = Period(period.start, today - timedelta(days=20))
    assert count("workforce.certified_staff", unit=None, period=earlier) == 3
    assert count("workforce.certifiable_staff", unit=None, period=earlier) == 3
    assert count("workforce.certifiable_staff", unit=None, period=Period.year(2000)) == 0


def test_a_deregistered_institution_no_longer_counts(workforce_rules, make_institution, make_staff):
    today = timezone.localdate()
    gone = make_institution()
    make_staff(gone, certificates=["baoyushi-4"])
    type(gone).objects.filter(pk=gone.pk).update(deregistered_on=today - timedelta(days=1))
    assert count("workforce.certifiable_staff", unit=None, period=Period(today, today)) == 0
    assert (
        count(
            "workforce.certifiable_staff",
            unit=None,
            period=Period(today - timedelta(days=2), today - timedelta(days=2)),
        )
        == 1
    )
