"""The growth chart of a record: the child's points over the WHO 2006 curves (−3, −2, 0, +2, +3 SD), as
plain JSON for static/js/growth-chart.js (ECharts). Pages include `health/includes/growth_chart.html`
with `growth_section(record)` as `growth` in the context."""


def growth_section(record) -> dict:
    """Everything the record page's growth section shows (filled in by the growth work)."""
    return {"measurements": list(record.measurements.all()), "chart": None}
