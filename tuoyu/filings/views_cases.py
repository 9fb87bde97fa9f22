"""一事一议 coordination cases: the health commission opens one for a blocked filing; the departments
taking part add opinions; the commission records the resolution."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.accounts.capabilities import HEALTH_COMMISSION
from tuoyu.accounts.models import Role
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors
from tuoyu.core.workdays import deadline_status
from tuoyu.regions.models import Department

from . import services
from .forms import CaseForm
from .models import Filing
from .selectors import access_case_for_user, cases_for_user
from .workflow import WORKFLOW_CASE, case_is_open

CASE_ROLES = (*HEALTH_COMMISSION, Role.DEPARTMENT_OFFICER)


class OpinionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Opinion"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("Resolution"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


@role_required(*CASE_ROLES)
def case_list(request):
    rows = list(cases_for_user(request.user))
    for case in rows:
        case.deadline_info = deadline_status(due=case.deadline)
        case.is_open = case_is_open(case)
    return render(request, "filings/cases.html", {"rows": rows})


@role_required(*HEALTH_COMMISSION)
def case_open(request, pk: int):
    filing = get_object_or_404(Filing, pk=pk)
    form = CaseForm(request.POST or None)
    departments = Department.objects.filter(is_health_commission=False).order_by("code")
    form.fields["departments"].choices = [(str(d.pk), d.name) for d in departments]
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                filing=filing,
                by=request.user,
                title=form.cleaned_data["title"],
                domain=form.cleaned_data["domain"],
                description=form.cleaned_data["description"],
                departments=departments.filter(pk__in=form.cleaned_data["departments"]),
                deadline=form.cleaned_data["deadline"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The coordination case is open. The departments taking part can see it now.")
            )
            return redirect("filings:case_detail", pk=case.pk)
    return render(request, "filings/case_open.html", {"form": form, "filing": filing})


@role_required(*CASE_ROLES)
def case_detail(request, pk: int):
    case = access_case_for_user(request.user, pk)
    opinion_form = OpinionForm(request.POST if request.POST.get("action") == "opinion" else None)
    resolve_form = ResolveForm(request.POST if request.POST.get("action") == "resolve" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "resolve" and resolve_form.is_valid():
                services.case_resolve(
                    case=case, by=request.user, resolution=resolve_form.cleaned_data["resolution"]
                )
                messages.success(request, _("Resolution recorded."))
                return redirect("filings:case_detail", pk=case.pk)
            if request.POST.get("action") == "opinion" and opinion_form.is_valid():
                services.case_add_opinion(case=case, by=request.user, text=opinion_form.cleaned_data["text"])
                messages.success(request, _("Opinion added."))
                return redirect("filings:case_detail", pk=case.pk)
        except ValidationError as exc:
            (resolve_form if request.POST.get("action") == "resolve" else opinion_form).add_error(
                None, exc.messages
            )
    return render(
        request,
        "filings/case_detail.html",
        {
            "case": case,
            "opinions": case.opinions.select_related("department", "author"),
            "opinion_form": opinion_form,
            "resolve_form": resolve_form,
            "deadline": deadline_status(due=case.deadline),
            "is_open": case_is_open(case),
            "actions": WORKFLOW_CASE.allowed_actions(case, request.user),
            "events": case.events.select_related("by"),
        },
    )
