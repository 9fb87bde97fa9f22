"""The WHO 2006 z-scores against the WHO's own published tables (weight-for-age and length-for-age, boys
and girls, 0, 12 and 24 months, at the median and ±2 SD), the growth flags at their cut-offs, and the
limits of the biologically plausible. Pure: no database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tuoyu.health import growth
from tuoyu.health.growth import Flag

BIRTH = date(2024, 1, 1)
HALF_STEP = Decimal("0.05")  # the published tables are rounded to 0.1 kg or cm


def on_month(months: int) -> date:
    """The day of `months` completed months, as the WHO tables count them (30.4375 days a month)."""
    return BIRTH + timedelta(days=round(months * 30.4375))


# (sex, months, median, −2 SD, +2 SD): WHO Child Growth Standards, weight-for-age (kg), 0–5 years.
WEIGHT_FOR_AGE = [
    ("M", 0, "3.3", "2.5", "4.4"),
    ("M", 12, "9.6", "7.7", "12.0"),
    ("M", 24, "12.2", "9.7", "15.3"),
    ("F", 0, "3.2", "2.4", "4.2"),
    ("F", 12, "8.9", "7.0", "11.5"),
    ("F", 24, "11.5", "9.0", "14.8"),
]
# Length-for-age (cm), the length table (lying) 0–2 years, so 24 months is its last row. (The height table
# for 2–5 years starts at 24 months 0.7 cm lower: boys 87.1, girls 85.7 at the median.)
LENGTH_FOR_AGE = [
    ("M", 0, "49.9", "46.1", "53.7"),
    ("M", 12, "75.7", "71.0", "80.5"),
    ("M", 24, "87.8", "81.7", "93.9"),
    ("F", 0, "49.1", "45.4", "52.9"),
    ("F", 12, "74.0", "68.9", "79.2"),
    ("F", 24, "86.4", "80.0", "92.9"),
]


def _z(kind: str, sex: str, months: int, value: Decimal) -> Decimal:
    if kind == "waz":
        return growth.zscores(sex, BIRTH, on_month(months), value, None, True, None)["waz"]
    return growth.zscores(sex, BIRTH, on_month(months), None, value, True, None)["laz"]


def _assert_published(kind, sex, months, published: str, expected_z: int) -> None:
    """A published value is the true one rounded to 0.1: the true value lies within ±0.05 of it, so the
    z-scores of published − 0.05 and published + 0.05 bracket the expected z (±0.01 for our own rounding
    of z to 2 places). This is tighter than a fixed tolerance in SD, which would be too loose for
    length (1 cm ≈ 0.3 SD) and too tight for a newborn's weight (0.05 kg ≈ 0.1 SD)."""
    value = Decimal(published)
    low = _z(kind, sex, months, value - HALF_STEP)
    high = _z(kind, sex, months, value + HALF_STEP)
    assert low - Decimal("0.01") <= expected_z <= high + Decimal("0.01"), (
        kind,
        sex,
        months,
        published,
        low,
        high,
    )


@pytest.mark.parametrize("sex,months,median,minus2,plus2", WEIGHT_FOR_AGE)
def test_weight_for_age_matches_the_who_table(sex, months, median, minus2, plus2):
    _assert_published("waz", sex, months, median, 0)
    _assert_published("waz", sex, months, minus2, -2)
    _assert_published("waz", sex, months, plus2, 2)


@pytest.mark.parametrize("sex,months,median,minus2,plus2", LENGTH_FOR_AGE)
def test_length_for_age_matches_the_who_table(sex, months, median, minus2, plus2):
    _assert_published("laz", sex, months, median, 0)
    _assert_published("laz", sex, months, minus2, -2)
    _assert_published("laz", sex, months, plus2, 2)


def _assert_rounds_to(at: dict, median: str, minus2: str, plus2: str) -> None:
    """The chart's points (2 places) are within half a published step of the table (plus their own
    rounding: 0.005)."""
    for sd, published in ((0, median), (-2, minus2), (2, plus2)):
        assert abs(Decimal(str(at[sd])) - Decimal(published)) <= Decimal("0.055"), (sd, at[sd], published)


@pytest.mark.parametrize("sex,months,median,minus2,plus2", WEIGHT_FOR_AGE)
def test_the_weight_curves_round_to_the_who_table(sex, months, median, minus2, plus2):
    lines = growth.curves(sex, "wfa", months=months)
    at = {sd: points[months][1] for sd, points in lines.items()}
    _assert_rounds_to(at, median, minus2, plus2)


@pytest.mark.parametrize("sex,months,median,minus2,plus2", LENGTH_FOR_AGE)
def test_the_length_curves_round_to_the_who_table(sex, months, median, minus2, plus2):
    lines = growth.curves(sex, "lhfa", months=months)
    at = {sd: points[months][1] for sd, points in lines.items()}
    _assert_rounds_to(at, median, minus2, plus2)


def test_a_standing_child_under_two_is_compared_as_if_lying():
    lying = growth.zscores("M", BIRTH, on_month(12), None, Decimal("75.0"), True, None)["laz"]
    standing = growth.zscores("M", BIRTH, on_month(12), None, Decimal("74.3"), False, None)["laz"]
    assert lying == standing


def test_a_child_of_two_measured_lying_is_compared_with_the_height_table():
    # 25 months: the height table. Lying 88.0 cm is standing 87.3 cm.
    lying = growth.zscores("F", BIRTH, on_month(25), None, Decimal("88.0"), True, None)["laz"]
    standing = growth.zscores("F", BIRTH, on_month(25), None, Decimal("87.3"), False, None)["laz"]
    assert lying == standing


def test_a_boy_of_12_months_at_7_6_kg_is_underweight():
    z = growth.zscores("M", BIRTH, on_month(12), Decimal("7.6"), Decimal("75.7"), True, None)
    assert z["waz"] < -2
    assert Flag.UNDERWEIGHT in growth.flags_for(z)


def test_all_five_z_scores_are_given_with_two_places():
    z = growth.zscores("F", BIRTH, on_month(18), Decimal("10.2"), Decimal("80.7"), True, Decimal("46.2"))
    assert set(z) == {"waz", "laz", "wlz", "baz", "hcz"}
    assert all(isinstance(v, Decimal) and v.as_tuple().exponent == -2 for v in z.values())
    assert all(abs(v) < 1 for v in z.values())  # a child on the medians


def test_the_day_of_birth_has_z_scores():
    z = growth.zscores("M", BIRTH, BIRTH, Decimal("3.3"), Decimal("49.9"), True, Decimal("34.5"))
    assert z["waz"] is not None and z["laz"] is not None and z["hcz"] is not None


def test_weight_for_length_outside_the_standard_is_empty_not_refused():
    # 44 cm is below the weight-for-length table (45–110 cm): no WLZ, the rest is computed.
    z = growth.zscores("F", BIRTH, BIRTH + timedelta(days=3), Decimal("2.2"), Decimal("44.0"), True, None)
    assert z["wlz"] is None and z["waz"] is not None


def test_an_impossible_measurement_names_its_field():
    with pytest.raises(growth.OutOfRange) as caught:
        growth.zscores("M", BIRTH, on_month(18), Decimal("0.5"), Decimal("250"), True, None)
    assert set(caught.value.fields) == {"weight_kg", "length_cm"}


def test_a_weight_of_70_kg_at_18_months_is_implausible():
    z = growth.zscores("M", BIRTH, on_month(18), Decimal("70"), Decimal("82"), True, None)
    assert "waz" in growth.implausible(z)


def _z_set(**values):
    return {key: Decimal(str(value)) for key, value in values.items()}


@pytest.mark.parametrize(
    "z,flags",
    [
        (_z_set(waz="-2.00"), []),
        (_z_set(waz="-2.01"), [Flag.UNDERWEIGHT]),
        (_z_set(laz="-2.00"), []),
        (_z_set(laz="-2.01"), [Flag.STUNTED]),
        (_z_set(wlz="-2.00"), []),
        (_z_set(wlz="-2.01"), [Flag.WASTED]),
        (_z_set(wlz="2.00"), []),
        (_z_set(wlz="2.01"), [Flag.OVERWEIGHT]),
        (_z_set(wlz="3.00"), [Flag.OVERWEIGHT]),
        (_z_set(wlz="3.01"), [Flag.OBESE]),
        (_z_set(waz="-2.5", laz="-2.5", wlz="-2.5"), [Flag.UNDERWEIGHT, Flag.STUNTED, Flag.WASTED]),
        ({"waz": None, "laz": None, "wlz": None}, []),
    ],
)
def test_flags_are_strictly_beyond_the_who_cut_offs(z, flags):
    assert growth.flags_for(z) == [f.value for f in flags]


@pytest.mark.parametrize(
    "key,low,high",
    [("waz", "-6", "5"), ("laz", "-6", "6"), ("wlz", "-5", "5"), ("baz", "-5", "5"), ("hcz", "-5", "5")],
)
def test_the_plausible_limits_are_the_who_flags_at_their_boundaries(key, low, high):
    low, high = Decimal(low), Decimal(high)
    assert growth.implausible({key: low}) == []
    assert growth.implausible({key: high}) == []
    assert growth.implausible({key: low - Decimal("0.01")}) == [key]
    assert growth.implausible({key: high + Decimal("0.01")}) == [key]


def test_curves_have_five_lines_from_birth_to_the_months_asked():
    lines = growth.curves("F", "lhfa", months=36)
    assert sorted(lines) == [-3, -2, 0, 2, 3]
    assert [x for x, _ in lines[0]] == list(range(37))
    # Each line above the one below it, at every month.
    for month in range(37):
        values = [lines[sd][month][1] for sd in (-3, -2, 0, 2, 3)]
        assert values == sorted(values)


def test_weight_for_length_curves_are_by_centimetre():
    lines = growth.curves("M", "wfl", cm_range=(60, 70))
    assert [x for x, _ in lines[0]] == list(range(60, 71))
    with pytest.raises(ValueError):
        growth.curves("M", "nonsense")
