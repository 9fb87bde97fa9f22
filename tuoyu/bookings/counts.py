"""What 入托网上约 counts for the indicators (core.counts), by unit and the units below it.

Children enrolled is a stock, read on period.end from the enrolments' dates (so a past period reads as
it stood then); applications received a flow over the whole period. Both use the selectors that the
booking statistics read.
"""

from django.utils.translation import gettext_lazy as _

from tuoyu.core.counts import Period, count_source
from tuoyu.regions.selectors import area_unit

from .selectors import applications_received as received_between
from .selectors import enrolments_attending_on, in_unit


@count_source("bookings.enrolled_children", _("Children enrolled"))
def enrolled_children(*, unit, period: Period) -> int:
    """Children attending an institution of the unit on period.end; a child is counted once."""
    attending = in_unit(enrolments_attending_on(period.end), unit or area_unit(), through="institution__")
    return attending.values("child_id").distinct().count()


@count_source("bookings.applications_received", _("Applications for a place received"))
def applications_received(*, unit, period: Period) -> int:
    """Applications made to institutions of the unit during the period, whatever became of them."""
    made = received_between(period.start, period.end)
    return in_unit(made, unit or area_unit(), through="institution__").count()
