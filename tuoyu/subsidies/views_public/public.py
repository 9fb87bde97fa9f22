"""The public list of subsidies paid (/subsidies/public/, 公开): for each year, the institutions that
received money, by kind, with their street or town and the amount. Read from the ledger's totals, never
an entitlement's lines: no child appears, not even as a number."""

from decimal import Decimal

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from tuoyu.core.access import public

from ..selectors.summary import paid_years, public_rows

YEAR_MIN = 2020
YEAR_MAX = 2100


class PublicYearForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        required=False,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": str(YEAR_MIN), "max": str(YEAR_MAX)}),
    )


@public
@require_safe
def public_page(request):
    form = PublicYearForm(request.GET)
    valid = form.is_valid()
    available = paid_years()
    year = form.cleaned_data.get("year") if valid else None
    if year is None and available:
        year = available[0]
    rows = public_rows(year) if (valid and year is not None) else []
    total = sum((row["amount"] for row in rows), start=Decimal("0.00"))
    return render(
        request,
        "subsidies/public.html",
        {"form": form, "year": year, "years": available, "rows": rows, "total": total},
        status=200 if valid else 400,
    )
