"""The dashboard's charts as plain JSON for static/js/subsidies-chart.js (ECharts): bars of what was
proposed, approved and paid, by kind and by street or town, with the budget as a line across.

Every text the chart shows (titles, series and category names) is translated here, so the script only
places text, never composes it. Amounts go as strings (Decimal, never a float in Python); the script reads
them as numbers to draw. The tables beside the charts carry every number (screen readers, no script,
Excel users)."""

from django.utils.translation import gettext as _

from .selectors.summary import Dashboard


def _series(rows) -> list[dict]:
    return [
        {"key": "proposed", "name": _("Proposed"), "values": [str(a.proposed) for _n, a in rows]},
        {"key": "approved", "name": _("Approved"), "values": [str(a.approved) for _n, a in rows]},
        {"key": "paid", "name": _("Paid"), "values": [str(a.paid) for _n, a in rows]},
    ]


def _chart(key: str, title: str, rows: list, budget=None) -> dict:
    data = {
        "title": title,
        "yName": _("Yuan"),
        "categories": [name for name, _a in rows],
        "series": _series(rows),
    }
    if budget is not None:
        data["budget"] = {"name": _("Budget"), "value": str(budget)}
    return {
        "id": f"subsidies-{key}",
        "json_id": f"subsidies-{key}-data",
        "key": key,
        "title": title,
        "data": data,
    }


def dashboard_charts(found: Dashboard) -> list[dict]:
    """By kind (with the year's budget for the total) and by street or town; none when nothing is there."""
    charts = []
    kinds = [(str(label), amounts) for _kind, label, amounts in found.kind_rows]
    kinds.append((_("Total"), found.total))
    if any(a.proposed or a.approved or a.paid for _n, a in kinds) or found.budget is not None:
        charts.append(_chart("kinds", _("By kind"), kinds, budget=found.budget_amount))
    units = [(u.name, u.total) for u in found.units]
    if units:
        charts.append(_chart("units", _("By street or town"), units))
    return charts
