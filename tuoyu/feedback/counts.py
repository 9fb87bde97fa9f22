"""What 投诉举报 counts for the indicators (core.counts), by unit and the units below it.

Both are flows over the whole period, read with the queries of the public statistics (stats.py): a
duplicate merged into another report is counted once, through the report it joined.
"""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from tuoyu.core.counts import Period, count_source
from tuoyu.regions.selectors import area_unit

from . import stats


def _until(period: Period):
    return period.end + timedelta(days=1)  # stats' ranges leave out their end; a period includes it


@count_source("feedback.complaints_received", _("Complaints and reports received"))
def complaints_received(*, unit, period: Period) -> int:
    """Complaints and reports received during the period about institutions and places of the unit."""
    return stats.in_unit(stats.counted(period.start, _until(period)), unit or area_unit()).count()


@count_source("feedback.complaints_closed", _("Complaints and reports closed"))
def complaints_closed(*, unit, period: Period) -> int:
    """Complaints and reports closed during the period (rated, or not rated in time), of the unit."""
    return stats.in_unit(stats.closed(period.start, _until(period)), unit or area_unit()).count()
