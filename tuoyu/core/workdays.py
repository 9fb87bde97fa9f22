"""Working days on the official Chinese calendar, for every deadline the platform counts.

Filing reviews, rectification orders and complaint replies are due in working days (工作日), and the
official calendar moves them: statutory holidays close offices on weekdays, and adjusted working days
(调休) open them on weekends. Three sources decide a date, first match wins:

1. a ``CalendarDay`` row, which the system administrator edits in the admin. It corrects the package
   and adds a year the package does not know yet (the State Council publishes next year's holidays
   each November, a package release follows later, and deadlines set in December already reach it);
2. chinesecalendar, for the years it knows;
3. Monday to Friday, with a warning in the log, so that a deadline is late by a holiday at worst
   rather than a page failing with NotImplementedError.

Nothing is cached across calls: each call reads the rows it needs in one query, so an administrator's
edit counts from the next request in every process.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import chinese_calendar
from django.utils import timezone

from .models import CalendarDay

__all__ = ["DeadlineStatus", "add_workdays", "deadline_status", "is_workday", "workdays_between"]

logger = logging.getLogger("tuoyu.workdays")

# The official calendar runs on Beijing time whatever timezone a user has activated.
SHANGHAI = ZoneInfo("Asia/Shanghai")

_ONE_DAY = timedelta(days=1)

# Seven calendar days hold five working days; the slack covers the longest official break so far
# (nine days, Spring Festival 2026) plus its weekends, so that one read almost always suffices.
_SLACK_DAYS = 21

# Years this process has already warned about: one line per year prompts an administrator, one line
# per date would bury the log. A race between threads can at worst log a year twice.
_warned_years: set[int] = set()


class DeadlineStatus(NamedTuple):
    """What a deadline looks like today: "3 working days left" or "2 working days overdue"."""

    days_left: int  # working days from today to the due date; negative once overdue
    overdue: bool  # today is after the due date


def is_workday(day: date) -> bool:
    """Whether offices are open on ``day`` by the official calendar (one query)."""
    _require_date(day, "day")
    calendar = _Calendar()
    calendar.load(day, day)
    return calendar.is_workday(day)


def add_workdays(start: date, days: int) -> date:
    """The date ``days`` working days after ``start``: the due date of something received on ``start``.

    The start day itself is not counted, as a deadline runs from the day after receipt: a filing
    submitted on a Friday with 5 working days is due the next Friday when no holiday intervenes.
    ``days == 0`` returns ``start`` unchanged. One query, two if the answer lands beyond the years
    the first read covered.
    """
    _require_date(start, "start")
    if days < 0:
        # A negative deadline is a bug upstream, not a date to guess at.
        raise ValueError(f"days must be 0 or more, not {days}")
    if days == 0:
        return start
    calendar = _Calendar()
    calendar.load(start + _ONE_DAY, start + timedelta(days=days * 7 // 5 + _SLACK_DAYS))
    day, remaining = start, days
    while remaining:
        day += _ONE_DAY
        if calendar.is_workday(day):
            remaining -= 1
    return day


def workdays_between(start: date, end: date) -> int:
    """The working days after ``start`` up to and including ``end``; negative when ``end`` is earlier.

    Counted so that ``workdays_between(start, add_workdays(start, n)) == n``. Backwards it counts the
    same way, from ``start`` towards ``end``: the working days from ``end`` (included) up to ``start``
    (excluded), negated. So a deadline due on a working day reads negative from the first day after it
    ("due Friday" is 1 working day overdue on Saturday and Monday, 2 on Tuesday), and a negative count
    always means overdue. One query.
    """
    _require_date(start, "start")
    _require_date(end, "end")
    if end == start:
        return 0
    if end > start:
        sign, first, last = 1, start + _ONE_DAY, end
    else:
        sign, first, last = -1, end, start - _ONE_DAY
    calendar = _Calendar()
    calendar.load(first, last)
    return sign * sum(1 for day in _dates(first, last) if calendar.is_workday(day))


def beijing_today() -> date:
    """Today's date in Beijing time: deadlines fall due at midnight in China, whatever the server's or the
    user's timezone. Every 'today' a deadline is measured from comes from here."""
    return timezone.localdate(timezone=SHANGHAI)


def deadline_status(*, due: date, today: date | None = None) -> DeadlineStatus:
    """How far ``today`` is from ``due`` in working days, for the "N working days left/overdue" labels.

    ``today`` defaults to the date in Beijing time: a deadline falls due at midnight in China, not in
    the server's or the user's timezone.
    """
    _require_date(due, "due")
    if today is None:
        today = beijing_today()
    _require_date(today, "today")
    return DeadlineStatus(days_left=workdays_between(today, due), overdue=today > due)


def deadline_statuses(dues, *, today: date | None = None) -> dict[date, DeadlineStatus]:
    """``deadline_status`` for many due dates with one read of the holiday table, for list pages that
    must issue a fixed number of queries whatever their rows. Maps each due date to its status."""
    dues = set(dues)
    if today is None:
        today = beijing_today()
    _require_date(today, "today")
    for due in dues:
        _require_date(due, "due")
    if not dues:
        return {}
    calendar = _Calendar()
    calendar.load(min([*dues, today]), max([*dues, today]))
    statuses = {}
    for due in dues:
        # Counted as workdays_between counts (see there): forwards the days after today up to and
        # including due; backwards from due up to the day before today, negated.
        if due >= today:
            days = sum(1 for day in _dates(today + _ONE_DAY, due) if calendar.is_workday(day))
        else:
            days = -sum(1 for day in _dates(due, today - _ONE_DAY) if calendar.is_workday(day))
        statuses[due] = DeadlineStatus(days_left=days, overdue=today > due)
    return statuses


class _Calendar:
    """The working-day facts for one call, built per call and thrown away.

    It reads the administrator's rows for whole years, a few dozen rows each, rather than only the
    dates asked about: whether the table has any row for a year decides whether falling back to
    Monday to Friday deserves a warning, and whole years make a later read for the same year needless.
    """

    def __init__(self) -> None:
        self._overrides: dict[date, bool] = {}
        self._loaded_years: set[int] = set()
        self._years_in_table: set[int] = set()

    def load(self, first: date, last: date) -> None:
        """Read the rows of every year from ``first`` to ``last`` not read yet, in one query."""
        missing = [year for year in range(first.year, last.year + 1) if year not in self._loaded_years]
        if not missing:
            return
        low, high = missing[0], missing[-1]
        rows = CalendarDay.objects.filter(date__gte=date(low, 1, 1), date__lte=date(high, 12, 31))
        for day, workday in rows.values_list("date", "is_workday"):
            self._overrides[day] = workday
            self._years_in_table.add(day.year)
        self._loaded_years.update(range(low, high + 1))

    def is_workday(self, day: date) -> bool:
        if day.year not in self._loaded_years:
            self.load(day, day)
        override = self._overrides.get(day)
        if override is not None:
            return override
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            # The package raises for every year outside its data (before 2004, and after the last
            # year of its release). Only the table can know that year's holidays now.
            if day.year not in self._years_in_table:
                _warn_unknown_year(day.year)
            return day.weekday() < 5


def _warn_unknown_year(year: int) -> None:
    if year in _warned_years:
        return
    _warned_years.add(year)
    logger.warning(
        "chinesecalendar %s has no data for %s and the holiday table has no row in %s either: "
        "counting Monday to Friday as working days. Add %s's official holidays and adjusted working "
        "days in the admin, or upgrade chinesecalendar.",
        chinese_calendar.__version__,
        year,
        year,
        year,
    )


def _require_date(value: object, name: str) -> None:
    # A datetime is a date subclass, but which calendar day it means depends on a timezone: the
    # caller converts it (timezone.localdate(value, timezone=SHANGHAI)) rather than this module guess.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")


def _dates(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY
