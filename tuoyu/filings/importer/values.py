"""Reading one cell: text, a choice, yes/no, a coordinate, a count, a credit code. A cell that cannot be
read raises CellError with the message the official sees next to the row."""

import math
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tuoyu.core.validators import normalize_uscc

from .columns import BOOLEAN_VALUES, CHOICES_SHOWN


def cell_text(value: Any) -> str:
    """A cell as text: numbers typed into text columns (a phone number, a code) come back as digits."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


class CellError(Exception):
    def __init__(self, message: str):
        self.message = message


def parse_choice(value: Any, mapping: dict[str, str], key: str) -> str:
    text = cell_text(value)
    if not text:
        raise CellError(_("Fill in this cell."))
    found = mapping.get(text) or mapping.get(text.replace(" ", ""))
    if found is None:
        values = {choice.lower(): choice for choice in set(mapping.values())}
        found = values.get(text.lower())
    if found is None:
        raise CellError(
            _("%(value)s is not one of the allowed values: %(choices)s.")
            % {"value": text, "choices": "、".join(CHOICES_SHOWN[key])}
        )
    return found


def parse_boolean(value: Any) -> bool:
    text = cell_text(value)
    if not text:
        raise CellError(_("Fill in this cell."))
    if text.lower() not in BOOLEAN_VALUES:
        raise CellError(
            _("%(value)s is not one of the allowed values: %(choices)s.")
            % {"value": text, "choices": "、".join(CHOICES_SHOWN["is_puhui"])}
        )
    return BOOLEAN_VALUES[text.lower()]


def parse_coordinate(value: Any, *, low: float, high: float, example: str) -> float:
    if cell_text(value) == "":
        raise CellError(_("Fill in this cell."))
    try:
        number = float(value) if isinstance(value, int | float) else float(cell_text(value).rstrip("°"))
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        raise CellError(_("Enter a number in degrees, such as %(example)s.") % {"example": example})
    return number


def parse_count(value: Any) -> int:
    text = cell_text(value)
    if text == "":
        return 0
    try:
        number = float(value) if isinstance(value, int | float) else float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < 0 or not number.is_integer():
        raise CellError(_("Enter a whole number, 0 or more."))
    return int(number)


def parse_uscc(value: Any) -> str:
    if isinstance(value, float) and value >= 1e15:
        # An 18-digit code typed into a number cell has lost its last digits to Excel's 15-digit precision.
        raise CellError(
            _(
                "Excel has stored this code as a number and rounded it. Format the column as text and type the code again."
            )
        )
    text = cell_text(value)
    if not text:
        raise CellError(_("Fill in this cell."))
    try:
        return normalize_uscc(text.upper())
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from exc
