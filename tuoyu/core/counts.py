"""Counts by unit and period, registered by name, so the indicators read them without knowing the app.

Every capability that can count something an indicator may need (enrolled children, filed slots,
complaints received, population …) offers it as a *count source* in its app's `counts.py`:

    from tuoyu.core.counts import Period, count_source

    @count_source("bookings.enrolled_children", _("Children enrolled"))
    def enrolled_children(*, unit, period: Period) -> int:
        ...

One signature for all: keyword `unit` (a `regions.Unit`; the count covers the unit and every unit
below it; None means the whole configured district) and keyword `period` (a `Period`, both ends
included; a stock such as "slots" is counted as it stood on `period.end`, a flow such as
"complaints received" over the whole period). The result is an int or a Decimal, never None.

`core` imports no app: the sources are found by `autodiscover()` (called from CoreConfig.ready), which
imports every installed app's `counts` module, the way Django finds `admin` modules.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self):
        if self.start > self.end:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))


@dataclass(frozen=True)
class CountSource:
    name: str  # "<app>.<what>", stable: indicators refer to it by this name
    label: str
    function: Callable[..., int | Decimal]

    def __call__(self, *, unit=None, period: Period) -> int | Decimal:
        value = self.function(unit=unit, period=period)
        if value is None:  # a source that finds nothing counts 0; None would poison every ratio
            raise TypeError(f"count source {self.name} returned None")
        return value


_SOURCES: dict[str, CountSource] = {}


def count_source(name: str, label) -> Callable[[Callable], Callable]:
    """Register `function(*, unit, period)` under `name` (unique across the project)."""

    def register(function: Callable) -> Callable:
        if name in _SOURCES and _SOURCES[name].function is not function:
            raise ValueError(f"count source {name!r} is registered twice")
        _SOURCES[name] = CountSource(name=name, label=label, function=function)
        return function

    return register


def sources() -> dict[str, CountSource]:
    return dict(sorted(_SOURCES.items()))


def count(name: str, *, unit=None, period: Period) -> int | Decimal:
    try:
        source = _SOURCES[name]
    except KeyError:
        raise LookupError(f"no count source {name!r}; known: {', '.join(sorted(_SOURCES))}") from None
    return source(unit=unit, period=period)


def autodiscover() -> None:
    autodiscover_modules("counts")
