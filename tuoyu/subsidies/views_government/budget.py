"""The district's subsidy budget per year (/subsidies/budget/): the commission sets it; the dashboard shows
it against what was approved and paid. Views parse, authorise and render; services.budget writes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors
from tuoyu.core.workdays import beijing_today

from ..forms.budget import BudgetForm
from ..models import Budget
from ..services.budget import budget_set


@role_required(*capabilities.SUBSIDY_MANAGERS)
def budget(request):
    status = 200
    if request.method == "POST":
        form = BudgetForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = budget_set(
                    year=data["year"], amount=data["amount"], note=data["note"], by=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The budget for %(year)s is set: %(amount)s yuan.")
                    % {"year": saved.year, "amount": saved.amount},
                )
                return redirect("subsidies:budget")
        status = 400
    else:
        form = BudgetForm(initial={"year": beijing_today().year})
    return render(
        request,
        "subsidies/budget.html",
        {"form": form, "budgets": Budget.objects.select_related("updated_by").order_by("-year")},
        status=status,
    )
