"""The growth chart of a record: the child's points over the WHO 2006 curves (−3, −2, 0, +2, +3 SD), as
plain JSON for static/js/growth-chart.js (ECharts). Pages include `health/includes/growth_chart.html`
with `growth_section(record, user=request.user)` as `growth` in the context.

Every text the chart shows (titles, axis names, line names) is translated here, so the script only
places text, never composes it. The table of measurements in the same section carries every number of
the chart (screen readers, no script, Excel users)."""

import math

from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities

from . import growth
from .growth import Flag

FLAG_LABELS = dict(Flag.choices)


def _months(age_days: int) -> float:
    return round(age_days / growth.DAYS_PER_MONTH, 2)


def _line_name(sd: int) -> str:
    if sd == 0:
        return _("Median")
    # U+2212 minus, as the WHO charts print it
    return _("%(sd)s SD") % {"sd": f"+{sd}" if sd > 0 else f"\u2212{-sd}"}


def _lines(curves: dict) -> list[dict]:
    return [{"sd": sd, "name": _line_name(sd), "points": points} for sd, points in curves.items()]


def _chart(indicator: str, title: str, x_name: str, y_name: str, curves: dict, points: list) -> dict:
    return {
        "id": f"growth-{indicator}",
        "json_id": f"growth-{indicator}-data",
        "indicator": indicator,
        "title": title,
        "data": {
            "title": title,
            "xName": x_name,
            "yName": y_name,
            "lines": _lines(curves),
            "child": {"name": _("This child"), "points": points},
        },
    }


def growth_charts(sex: str, measurements: list) -> list[dict]:
    """Weight-for-age, length/height-for-age and weight-for-length (or -height from 24 months) by the
    child's sex, with the child's points. Lengths are plotted as the standard compares them (a standing
    child under 2 gets +0.7 cm, a lying child from 2 −0.7 cm), so a point sits where its z-score says."""
    if not measurements:
        return []
    oldest = max(m.age_days for m in measurements)
    months = min(growth.MAX_MONTHS, max(36, math.ceil(oldest / growth.DAYS_PER_MONTH)))
    kept = [m for m in measurements if m.age_days <= months * growth.DAYS_PER_MONTH]
    by_position = [
        (m, float(growth.standard_length(m.length_cm, lying=m.lying, age_days=m.age_days))) for m in kept
    ]
    months_label = _("Age (months)")
    charts = [
        _chart(
            "wfa",
            _("Weight-for-age"),
            months_label,
            _("Weight (kg)"),
            growth.curves(sex, "wfa", months),
            [[_months(m.age_days), float(m.weight_kg)] for m in kept],
        ),
        _chart(
            "lhfa",
            _("Length/height-for-age"),
            months_label,
            _("Length or height (cm)"),
            growth.curves(sex, "lhfa", months),
            [[_months(m.age_days), length] for m, length in by_position],
        ),
    ]
    # One weight-for-length chart: the standard of the child's latest measurement (the tables differ).
    latest = max(measurements, key=lambda m: (m.measured_on, m.pk))
    indicator = "wfh" if latest.age_days >= growth.HEIGHT_FROM_DAYS else "wfl"
    _table, low, high = growth.LENGTH_TABLES[indicator]
    same = [
        (m, length)
        for m, length in by_position
        if (m.age_days >= growth.HEIGHT_FROM_DAYS) == (indicator == "wfh") and low <= length <= high
    ]
    if same:
        lengths = [length for _m, length in same]
        # The curves around the child's points, not the whole 45–110 cm: a toddler's points would sit in a
        # narrow strip of a phone-wide chart.
        span = (max(low, math.floor(min(lengths)) - 10), min(high, math.ceil(max(lengths)) + 10))
        charts.append(
            _chart(
                indicator,
                _("Weight-for-height") if indicator == "wfh" else _("Weight-for-length"),
                _("Height (cm)") if indicator == "wfh" else _("Length (cm)"),
                _("Weight (kg)"),
                growth.curves(sex, indicator, cm_range=span),
                [[round(length, 1), float(m.weight_kg)] for m, length in same],
            )
        )
    return charts


def _flag_items(values: list) -> list[dict]:
    return [{"value": value, "label": FLAG_LABELS.get(value, value)} for value in values or []]


def growth_section(record, *, user=None) -> dict:
    """Everything the record page's growth section shows: the measurements (the record's prefetched
    `measurements` when the caller prefetched them, else one query), the charts' JSON, the latest flags,
    and whether `user` may record a new measurement (the keeping institution's health staff: the page has
    already found the record through `records_for`, which gives health staff only their institution's)."""
    measurements = sorted(record.measurements.all(), key=lambda m: (m.measured_on, m.pk))
    for m in measurements:
        m.age_months = int(m.age_days / growth.DAYS_PER_MONTH)
        m.flag_items = _flag_items(m.flags)
    latest = measurements[-1] if measurements else None
    return {
        "record": record,
        "measurements": measurements,
        "latest": latest,
        "latest_flags": latest.flag_items if latest else [],
        "charts": growth_charts(record.child.sex, measurements),
        "can_record": user is not None and capabilities.keeps_health_records(user),
    }
