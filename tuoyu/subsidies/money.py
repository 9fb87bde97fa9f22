"""Money is Decimal end to end (never a float), in 元 with two places, rounded once, at the line.

The rule, stated once and shown in every explanation: an operating-subsidy line is
rate per year × months ÷ 12, rounded half up to the fen (0.01 元); an entitlement's amount is the sum of
its rounded lines, never rounded again.
"""

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ROUNDING = ROUND_HALF_UP
MONTHS_IN_YEAR = 12


def money(value: Decimal | int | str) -> Decimal:
    """A Decimal in 元 rounded to the fen. Refuses a float: a float has already lost the fen."""
    if isinstance(value, float):
        raise TypeError("money is never a float; pass a Decimal, an int or a string")
    return Decimal(value).quantize(FEN, rounding=ROUNDING)


def pro_rated(rate_per_year: Decimal, months: int) -> Decimal:
    """rate × months ÷ 12, rounded once to the fen (half up)."""
    if isinstance(rate_per_year, float):
        raise TypeError("money is never a float")
    return money(rate_per_year * months / MONTHS_IN_YEAR)
