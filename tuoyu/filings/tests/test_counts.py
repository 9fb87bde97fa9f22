"""The semester reports' count sources: each kindergarten once, with its latest report in the period."""

from datetime import date

import pytest

from tuoyu.core import counts
from tuoyu.core.counts import Period
from tuoyu.filings.counts import semesters_overlapping
from tuoyu.filings.models import SemesterReport
from tuoyu.institutions.services import ClassSpec
from tuoyu.regions.models import Unit

pytestmark = pytest.mark.django_db
YEAR_2025 = Period.year(2025)


@pytest.fixture
def reports(make_institution, operator, kaizhou):
    """Two kindergartens in 汉丰街道 (one reported spring and autumn 2025), one elsewhere (spring 2025),
    and a report from 2024 that no 2025 count may read."""
    hanfeng = Unit.objects.get(name="汉丰街道")
    elsewhere = Unit.objects.filter(parent=kaizhou).exclude(pk=hanfeng.pk).order_by("code").first()

    def kindergarten(unit):
        classes = [ClassSpec(name="托班一班", age_group="preschool", capacity=20, enrolled=18)]
        return make_institution(type="kindergarten", unit=unit, classes=classes)

    first, second, third = kindergarten(hanfeng), kindergarten(hanfeng), kindergarten(elsewhere)
    rows = [
        (first, "2024-autumn", 1, 10, 2),
        (first, "2025-spring", 2, 25, 4),
        (first, "2025-autumn", 3, 40, 6),  # the latest of `first` in 2025
        (second, "2025-spring", 1, 15, 3),
        (third, "2025-spring", 2, 30, 5),
    ]
    for institution, semester, class_count, children, staff in rows:
        SemesterReport.objects.create(
            institution=institution,
            semester=semester,
            class_count=class_count,
            children=children,
            staff=staff,
            submitted_by=operator,
        )
    return hanfeng


def test_a_year_overlaps_the_autumn_before_it_and_its_own_two_semesters():
    assert semesters_overlapping(YEAR_2025) == ["2024-autumn", "2025-spring", "2025-autumn"]
    assert semesters_overlapping(Period(date(2025, 3, 1), date(2025, 6, 30))) == ["2025-spring"]


def test_children_count_each_kindergartens_latest_report(reports):
    assert counts.count("filings.kindergarten_nursery_children", period=YEAR_2025) == 40 + 15 + 30
    assert counts.count("filings.kindergarten_nursery_children", unit=reports, period=YEAR_2025) == 40 + 15
    spring = Period(date(2025, 3, 1), date(2025, 6, 30))
    assert counts.count("filings.kindergarten_nursery_children", period=spring) == 25 + 15 + 30


def test_classes_count_each_kindergartens_latest_report(reports):
    assert counts.count("filings.kindergarten_nursery_classes", period=YEAR_2025) == 3 + 1 + 2
    assert counts.count("filings.kindergarten_nursery_classes", unit=reports, period=YEAR_2025) == 3 + 1


def test_staff_count_each_kindergartens_latest_report(reports):
    assert counts.count("filings.kindergarten_nursery_staff", period=YEAR_2025) == 6 + 3 + 5


def test_kindergartens_reporting_counts_each_once(reports):
    assert counts.count("filings.kindergartens_reporting", period=YEAR_2025) == 3
    assert counts.count("filings.kindergartens_reporting", unit=reports, period=YEAR_2025) == 2
    assert counts.count("filings.kindergartens_reporting", period=Period.year(2023)) == 0
