"""What the kindergartens' semester reports count for the indicators (core.counts), by unit and the units
below it: the children, nursery classes (托班) and staff they report.

A report is a stock for its semester. For a period, each kindergarten counts once, with its latest report
for a semester that overlaps the period (a year reads its autumn report, or its spring one when autumn is
missing), and the totals are reports.report_totals over those reports, the same sums the officials'
report list shows. The reports carry no slot numbers, so slots are the register's
(institutions.filed_slots), not counted here; filed institutions are the register's too.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tuoyu.core.counts import Period, count_source
from tuoyu.regions.selectors import area_unit

from .models import SemesterReport
from .reports import report_totals, reports_filtered, semester_of


def _semester_key(semester: str) -> tuple[int, int]:
    year, season = semester.split("-")
    return int(year), 1 if season == "autumn" else 0


def semesters_overlapping(period: Period) -> list[str]:
    """Every semester with at least one day in the period, oldest first."""
    first, last = _semester_key(semester_of(period.start)), _semester_key(semester_of(period.end))
    result, (year, autumn) = [], first
    while (year, autumn) <= last:
        result.append(f"{year}-{'autumn' if autumn else 'spring'}")
        year, autumn = (year + 1, 0) if autumn else (year, 1)
    return result


def latest_reports(*, unit, period: Period) -> QuerySet[SemesterReport]:
    """Each kindergarten's latest report for a semester overlapping the period."""
    unit = unit or area_unit()  # None: the whole district this deployment serves
    semesters = semesters_overlapping(period)
    rows = reports_filtered(SemesterReport.objects.filter(semester__in=semesters), unit=unit)
    latest: dict[int, tuple[tuple[int, int], int]] = {}
    for pk, institution_id, semester in rows.values_list("pk", "institution_id", "semester"):
        key = _semester_key(semester)
        if institution_id not in latest or key > latest[institution_id][0]:
            latest[institution_id] = (key, pk)
    return SemesterReport.objects.filter(pk__in=[pk for _key, pk in latest.values()])


@count_source("filings.kindergarten_nursery_children", _("Children in kindergartens' nursery classes (托班)"))
def kindergarten_nursery_children(*, unit, period: Period) -> int:
    return report_totals(latest_reports(unit=unit, period=period))["children"]


@count_source("filings.kindergarten_nursery_classes", _("Kindergartens' nursery classes (托班)"))
def kindergarten_nursery_classes(*, unit, period: Period) -> int:
    return report_totals(latest_reports(unit=unit, period=period))["class_count"]


@count_source("filings.kindergarten_nursery_staff", _("Staff of kindergartens' nursery classes (托班)"))
def kindergarten_nursery_staff(*, unit, period: Period) -> int:
    return report_totals(latest_reports(unit=unit, period=period))["staff"]


@count_source("filings.kindergartens_reporting", _("Kindergartens reporting nursery classes (托班)"))
def kindergartens_reporting(*, unit, period: Period) -> int:
    return report_totals(latest_reports(unit=unit, period=period))["reports"]
