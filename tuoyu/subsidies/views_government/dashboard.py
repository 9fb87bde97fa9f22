"""The subsidies dashboard (/subsidies/, every official): a year's budget and what was proposed, approved
and paid, per kind and per street or town, with the share of the budget used; ECharts bars with the
tables as their accessible fallback, and the same figures in Excel (/subsidies/export.xlsx).

Amounts only, never a child. Every figure comes from `selectors.summary.dashboard`, aggregated in the
database: a fixed number of queries whatever the entitlements."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.excel import xlsx_response
from tuoyu.core.workdays import beijing_today

from ..charts import dashboard_charts
from ..selectors.summary import KIND_LABELS, KINDS, Dashboard, dashboard, years

YEAR_MIN = 2020
YEAR_MAX = 2100


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        required=False,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": str(YEAR_MIN), "max": str(YEAR_MAX)}),
    )


def chosen_year(request) -> tuple[YearForm, int]:
    """The year asked for, or this year (a bad year is shown on the form, and this year's figures)."""
    form = YearForm(request.GET)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    return form, year or beijing_today().year


@role_required(*capabilities.SUBSIDY_VIEWERS)
@require_safe
def dashboard_page(request):
    form, year = chosen_year(request)
    found = dashboard(year)
    return render(
        request,
        "subsidies/dashboard.html",
        {
            "form": form,
            "found": found,
            "years": years(),
            "charts": dashboard_charts(found),
            "manages": capabilities.can_manage_subsidies(request.user),
            "query": f"year={year}",
        },
        status=200 if form.is_valid() else 400,
    )


def headers() -> list[str]:
    columns = [_("Street or town")]
    for kind in KINDS:
        label = str(KIND_LABELS[kind])
        columns += [
            _("%(kind)s: proposed") % {"kind": label},
            _("%(kind)s: approved") % {"kind": label},
            _("%(kind)s: paid") % {"kind": label},
        ]
    return [*columns, _("Proposed"), _("Approved"), _("Paid")]


def _row(name: str, by_kind: dict, total) -> list:
    row = [name]
    for kind in KINDS:
        amounts = by_kind[kind]
        row += [amounts.proposed, amounts.approved, amounts.paid]
    return [*row, total.proposed, total.approved, total.paid]


def rows(found: Dashboard) -> list[list]:
    data = [_row(unit.name, unit.by_kind, unit.total) for unit in found.units]
    data.append(_row(_("The district"), found.by_kind, found.total))
    return data


@role_required(*capabilities.SUBSIDY_VIEWERS)
@require_safe
def dashboard_xlsx(request):
    _form, year = chosen_year(request)
    found = dashboard(year)
    budget = found.budget_amount
    if budget is None:
        note = _("%(year)s: no budget set. Amounts in yuan; periods count in the year they start.") % {
            "year": year
        }
    else:
        note = _(
            "%(year)s: budget %(budget)s yuan; approved %(approved)s (%(share)s%%), paid %(paid)s. Amounts in "
            "yuan; periods count in the year they start."
        ) % {
            "year": year,
            "budget": budget,
            "approved": found.total.approved,
            "share": found.approved_share,
            "paid": found.total.paid,
        }
    return xlsx_response(
        filename=f"subsidies-{year}.xlsx",
        sheet=_("Subsidies"),
        headers=headers(),
        rows=rows(found),
        note=note,
    )
