"""Money is Decimal end to end (never a float), in 元 with two places, rounded once, at the line.

The rule, stated once and shown in every explanation: an operating-subsidy line is
rate per year × months ÷ 12, rounded half up to the fen (0.01 元); an entitlement's amount is the sum of
its rounded lines, never rounded again.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, Sum

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
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


def _to_fen(value, expression, connection) -> Decimal:
    if value is None:  # a sum over no rows is no money, not an unknown
        return ZERO
    if isinstance(value, float):  # SQLite's raw REAL, when its converter has not run first
        value = Decimal(repr(value))
    return Decimal(value).quantize(FEN, rounding=ROUNDING)


class MoneySum(Sum):
    """A sum of money in the database, read back as a Decimal to the fen (0.00 over no rows).

    PostgreSQL sums `numeric` exactly. SQLite keeps decimals as REAL and sums them in floating point, and
    Django hands an aggregate back unrounded (102400.5, or 0.30000000000000004): rounding the sum to the
    fen gives the exact amount, since a double's error on sums below 10^12 元 is far below half a fen.
    Every sum of money in the subsidies goes through this, so both databases show the same figures."""

    def __init__(self, expression, **extra):
        extra.setdefault("output_field", DecimalField(max_digits=16, decimal_places=2))
        super().__init__(expression, **extra)

    @property
    def convert_value(self):
        return _to_fen
