"""一公开: the public list of inspection results and one result's page. Nothing here needs an account, and
nothing here shows the on-site record (answers, notes, photos, signatures, the inspectors)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import public, role_required
from tuoyu.core.http import query_without_page, safe_next
from tuoyu.regions.models import Department
from tuoyu.regions.selectors import grassroots_units

from ..models import InspectionPlan, Result
from ..selectors import inspections_overseen_by
from ..selectors.public import department_names, public_results, published_result, with_public_facts
from ..services.publication import inspection_publish

RESULTS_PER_PAGE = 20


class ResultFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Street or town"), queryset=None, required=False, empty_label=gettext_lazy("All")
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), queryset=None, required=False, empty_label=gettext_lazy("All")
    )
    result = forms.ChoiceField(
        label=gettext_lazy("Result"), choices=[("", gettext_lazy("All")), *Result.choices], required=False
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=2000, max_value=2100)
    institution = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = grassroots_units()
        # Only the departments that take part in some plan: the others have no results to filter by.
        self.fields["department"].queryset = Department.objects.filter(
            pk__in=InspectionPlan.departments.through.objects.values("department_id")
        ).order_by("code")


def _decorate(rows) -> None:
    for row in rows:
        row.department_list = department_names(row)
        row.result_label = row.get_result_display()


@public
def result_list(request):
    form = ResultFilterForm(request.GET)
    rows, page, has_next = [], 1, False
    if form.is_valid():
        data = form.cleaned_data
        page = data["page"] or 1
        qs = public_results(
            unit=data["unit"],
            department=data["department"].pk if data["department"] else None,
            result=data["result"] or None,
            year=data["year"],
            institution=data["institution"],
        )
        start = (page - 1) * RESULTS_PER_PAGE
        rows = list(with_public_facts(qs)[start : start + RESULTS_PER_PAGE + 1])
        has_next = len(rows) > RESULTS_PER_PAGE
        rows = rows[:RESULTS_PER_PAGE]
        _decorate(rows)
    return render(
        request,
        "inspections/result_list.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "has_next": has_next,
            "querystring": query_without_page(request),
        },
        status=200 if form.is_valid() else 400,
    )


@public
def result_detail(request, pk: int):
    inspection = published_result(pk)
    if inspection is None:
        raise Http404(_("No such published inspection result."))
    _decorate([inspection])
    return render(request, "inspections/result_detail.html", {"row": inspection})


@role_required(*capabilities.INSPECTION_PLANNERS)
@require_POST
def result_publish(request, pk: int):
    """The lead department or the commission publishes a result before its 20 working days are up (a
    button on their pages: a form posting here, with `next` to come back to)."""
    inspection = get_object_or_404(inspections_overseen_by(request.user).select_related("plan"), pk=pk)
    try:
        inspection_publish(inspection=inspection, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The result is published."))
    # Back to the page that asked; else the published result itself (an unpublished one is not public).
    default = reverse("inspections:result", args=[pk]) if inspection.published_at else "/"
    return redirect(safe_next(request, default))
