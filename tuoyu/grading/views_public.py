"""The public pages of grading: every published grade with its date and dimension totals, and the
demonstration units. Both answer in a fixed number of queries whatever the rows."""

from django.shortcuts import render

from tuoyu.core.access import public
from tuoyu.core.http import query_without_page
from tuoyu.institutions.workflow import is_public

from .forms import PublicFilterForm
from .models import DemonstrationLevel
from .selectors import attach_dimension_totals, band_label, public_assessments, public_demonstration_units
from .services import NO_GRADE

PER_PAGE = 30


def _page(request) -> int:
    try:
        return max(1, min(10_000, int(request.GET.get("page", 1))))
    except ValueError:
        return 1


@public
def grades(request):
    form = PublicFilterForm(request.GET or None)
    page = _page(request)
    qs = public_assessments(**form.filters())
    rows = list(qs[(page - 1) * PER_PAGE : page * PER_PAGE + 1])
    has_next = len(rows) > PER_PAGE
    rows = attach_dimension_totals(rows[:PER_PAGE])
    for row in rows:
        row.band_label = band_label(row)
        row.linked = is_public(row.institution)
    return render(
        request,
        "grading/public.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "has_next": has_next,
            "query": query_without_page(request),
            "no_grade": NO_GRADE,
        },
    )


@public
def demonstration_units(request):
    level = request.GET.get("level", "")
    if level not in DemonstrationLevel.values:
        level = ""
    page = _page(request)
    rows = list(public_demonstration_units(level=level)[(page - 1) * PER_PAGE : page * PER_PAGE + 1])
    for row in rows:
        row.linked = is_public(row.institution)
    return render(
        request,
        "grading/demonstration_units.html",
        {
            "rows": rows[:PER_PAGE],
            "has_next": len(rows) > PER_PAGE,
            "page": page,
            "level": level,
            "levels": DemonstrationLevel.choices,
        },
    )
