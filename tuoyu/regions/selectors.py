"""Reads about the configured area."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet

from tuoyu.core.geo import Bounds

from . import names
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


@dataclass
class NamedUnits:
    """What units a typed text names, and what is left of it once their names are taken out."""

    units: list[Unit] = field(default_factory=list)  # the most specific ones: no ancestor of another
    rest: list[str] = field(default_factory=list)  # the other pieces, normalised (xx路12号, youeryuan)
    area: Unit | None = None


MIN_LATIN_ALIAS = 3  # shorter pinyin (an, he …) would match inside anything
MIN_CJK_ALIAS = 2


def units_named_in(text: str) -> NamedUnits:
    """The units a family names in an address or a place as they write it: 重庆市开州区汉丰街道xx路,
    温泉镇, 温泉, hanfeng, Hàn fēng, Wenquan Town, Hanfeng Subdistrict. One query over the unit table
    (a district's few dozen rows), whatever the text; longer names are taken out first, so 汉丰街道
    wins over 汉丰 and a house number stays in the rest."""
    text = names.normalize(text)
    result = NamedUnits()
    if not text:
        return result
    units = list(Unit.objects.order_by("depth", "sort_order", "code"))
    result.area = next((u for u in units if u.code == settings.TUOYU_AREA_CODE), None)
    aliases: dict[str, list[Unit]] = {}
    for unit in units:
        cjk = {unit.name, unit.short_name}
        for alias in [*(a for a in cjk if len(a) >= MIN_CJK_ALIAS), *unit.search_key.split()]:
            if names.has_cjk(alias) or len(alias) >= MIN_LATIN_ALIAS:
                aliases.setdefault(alias, []).append(unit)
    found: list[Unit] = []
    for alias in sorted(aliases, key=len, reverse=True):
        if alias in text:
            text = text.replace(alias, " ")
            found.extend(u for u in aliases[alias] if u not in found)
    result.units = [
        u for u in found if not any(o.path.startswith(u.path) and o.path != u.path for o in found)
    ]
    result.rest = text.split()
    return result


def place_unit(text: str) -> Unit | None:
    """The street or town (with a centre, inside the area) a typed place names, or None."""
    named = units_named_in(text)
    area_path = named.area.path if named.area else "/"
    candidates = [u for u in named.units if u.center_lat is not None and u.path.startswith(area_path)]
    if not candidates and not named.units:
        # A fragment of a name (one character, 九龙 of 九龙山镇): the units whose name holds it.
        plain = names.normalize(text)
        candidates = [
            u
            for u in Unit.objects.filter(name__icontains=plain, center_lat__isnull=False).order_by(
                "depth", "sort_order"
            )
            if u.path.startswith(area_path)
        ]
    return candidates[0] if candidates else None
