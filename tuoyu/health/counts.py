"""Count sources for the indicators: indicator 8, 电子健康档案建设管理率 = children with a complete
record ÷ enrolled children (core.counts), i.e. `health.complete_records` ÷ `health.enrolled_children`.

Both are stocks as they stood on the period's end, for the institutions of the unit and below (None: the
district, as bookings counts it): the children attending that day by their enrolments' dates, each once;
a record complete that day by `rules.is_complete` with only the checks and measurements dated on or before
it. They are read by `selectors.summary.totals`, the same reading as the officials' summary page, its Excel
and the API, so the indicator and the table agree."""

from django.utils.translation import gettext_lazy as _

from tuoyu.core.counts import Period, count_source
from tuoyu.regions.selectors import area_unit

from .selectors.summary import totals


@count_source("health.enrolled_children", _("Enrolled children (health records)"))
def enrolled_children(*, unit, period: Period) -> int:
    """Children attending an institution of the unit on the period's end, each once: the rate's base."""
    return totals(unit or area_unit(), period.end).enrolled


@count_source("health.complete_records", _("Enrolled children with a complete health record"))
def complete_records(*, unit, period: Period) -> int:
    """Of those children, the ones whose record was complete that day (entry check with its result,
    vaccination certificate checked, at least one growth measurement)."""
    return totals(unit or area_unit(), period.end).complete
