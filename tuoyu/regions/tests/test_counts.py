"""regions.population: the unit's population in the year period.end falls in."""

from datetime import date

import pytest

from tuoyu.core.counts import Period, count
from tuoyu.regions.models import Population, Unit
from tuoyu.regions.selectors import population_total

pytestmark = pytest.mark.django_db


def test_population_of_a_unit_and_of_the_district_for_the_year_of_the_period_end(kaizhou, hanfeng):
    year = Population.objects.filter(unit=hanfeng).order_by("-year").values_list("year", flat=True).first()
    # A period ending in `year` counts that year's figure, wherever it starts.
    period = Period(date(year - 1, 7, 1), date(year, 3, 31))
    assert count("regions.population", unit=hanfeng, period=period) == population_total(hanfeng, year) > 0
    assert count("regions.population", unit=kaizhou, period=period) == population_total(kaizhou, year) > 0
    assert count("regions.population", unit=None, period=period) == population_total(kaizhou, year)
    # No figure for the year: 0, never None.
    assert count("regions.population", unit=hanfeng, period=Period.year(1990)) == 0


def test_a_unit_with_its_own_figure_is_not_summed_from_below(kaizhou):
    unit = Unit.objects.create(code="TEST-1", name="测试街道", level="street", parent=kaizhou)
    Population.objects.create(unit=unit, year=2030, total=1234, illustrative=True)
    assert count("regions.population", unit=unit, period=Period.year(2030)) == 1234
