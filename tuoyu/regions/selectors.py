"""Reads about the configured area."""

from django.conf import settings
from django.db.models import QuerySet

from tuoyu.core.geo import Bounds

from .models import Population, Unit


def area_unit() -> Unit | None:
    """The root unit this deployment serves (settings.TUOYU_AREA_CODE)."""
    return Unit.objects.filter(code=settings.TUOYU_AREA_CODE).first()


def area_bounds() -> Bounds | None:
    unit = area_unit()
    return unit.bounds if unit else None


def grassroots_units(area: Unit | None = None) -> QuerySet[Unit]:
    """街道/镇/乡 under the area, streets first: the choices of the public search's unit filter."""
    area = area or area_unit()
    qs = Unit.objects.filter(level__in=[Unit.Level.STREET, Unit.Level.TOWN, Unit.Level.TOWNSHIP])
    if area is not None:
        qs = qs.filter(path__startswith=area.path)
    return qs.order_by("sort_order", "code")


def descendants(unit: Unit, *, include_self: bool = True) -> QuerySet[Unit]:
    qs = Unit.objects.filter(path__startswith=unit.path)
    return qs if include_self else qs.exclude(pk=unit.pk)


def population_total(unit: Unit, year: int) -> int:
    """A unit's population: its own figure, or else the sum of its descendants' figures for the year."""
    own = Population.objects.filter(unit=unit, year=year).values_list("total", flat=True).first()
    if own is not None:
        return own
    from django.db.models import Sum

    return (
        Population.objects.filter(unit__path__startswith=unit.path, year=year)
        .exclude(unit=unit)
        .aggregate(total=Sum("total"))["total"]
        or 0
    )


def latest_population_year() -> int | None:
    return Population.objects.order_by("-year").values_list("year", flat=True).first()
