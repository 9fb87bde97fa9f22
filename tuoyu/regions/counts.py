"""What the district's configuration counts for the indicators (core.counts)."""

from django.utils.translation import gettext_lazy as _

from tuoyu.core.counts import Period, count_source

from .selectors import area_unit, population_total


@count_source("regions.population", _("Resident population"))
def population(*, unit, period: Period) -> int:
    """The unit's population in the year period.end falls in (its own figure, else its units' sum); 0
    when that year has no figure, so a ratio over it shows as missing rather than wrong."""
    unit = unit or area_unit()
    return population_total(unit, period.end.year) if unit is not None else 0
