"""What every service's "next step" looks like, for the family's 我的办件 (issue 11).

Each service says, for each of a family's matters, who acts next, by when, and whether it is the
family's turn (bookings.progress, feedback.progress); the workspace shows them as one kind of card. The
shape and the way a day is written live here so the services agree without importing each other.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import pgettext


@dataclass(frozen=True)
class NextStep:
    """One matter's next step: `text` in plain words with its date written in, `due` the same date for
    sorting and data attributes, `yours` when the family must act, `late` when the date has passed."""

    text: str
    due: date | None = None
    yours: bool = False
    late: bool = False
    finished: bool = False


def day_text(value: date | datetime) -> str:
    """A day as a family says it: "12月3日 星期四" (the weekday helps more than the year)."""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return date_format(value, pgettext("a day in a sentence", "l, F j"))


def time_text(value: datetime) -> str:
    return date_format(timezone.localtime(value), "H:i")
