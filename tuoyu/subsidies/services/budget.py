"""The district's subsidy budget per year (all kinds together), set by the commission."""

from decimal import Decimal, InvalidOperation

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Budget

YEAR_MIN = 2020
YEAR_MAX = 2100
AMOUNT_MAX = Decimal("999999999999.99")  # what the column holds (14 digits, 2 places)


def budget_validate(*, year, amount) -> tuple[int, Decimal]:
    """The year (2020–2100) and the amount (a Decimal in 元 above zero, at most two places), or a
    ValidationError naming each bad field; a float is refused, it has already lost the fen."""
    errors = {}
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        errors["year"] = _("Give a year from %(low)s to %(high)s.") % {"low": YEAR_MIN, "high": YEAR_MAX}
    if isinstance(amount, float):
        raise TypeError("money is never a float; pass a Decimal, an int or a string")
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        value = None
    if value is None or not value.is_finite() or value <= 0 or value > AMOUNT_MAX:
        errors["amount"] = _("Give an amount above zero, in yuan.")
    elif value.as_tuple().exponent < -2:
        errors["amount"] = _("Give the amount to the fen at most (two decimal places).")
    if errors:
        raise ValidationError(errors)
    return year, value.quantize(Decimal("0.01"))


def budget_set(*, year: int, amount, by, note: str = "") -> Budget:
    """Set the year's budget (a new row or the year's row changed); audited with who set it."""
    year, value = budget_validate(year=year, amount=amount)
    note = (note or "").strip()[:200]
    with set_actor(by), transaction.atomic():
        budget, _created = Budget.objects.select_for_update().update_or_create(
            year=year, defaults={"amount": value, "note": note, "updated_by": by}
        )
    return budget
