"""The commission's pages of the expert pool (专家库): the list with its filters and Excel, an expert added
or edited, retired (out of the pool, never deleted: draws name them) or brought back. Views parse,
authorise (EXPERT_MANAGERS) and render; every write is a service in services/experts.py. The mobile
number is shown masked everywhere, the Excel file included."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.excel import xlsx_response
from tuoyu.core.forms import add_service_errors
from tuoyu.core.workdays import beijing_today

from ..forms.experts import ExpertFilterForm, ExpertForm
from ..models import Expert
from ..selectors.experts import expert_list, masked_mobile
from ..services import experts as services

MANAGERS = capabilities.EXPERT_MANAGERS
PAGE_SIZE = 50
_FIELDS = tuple(ExpertForm.base_fields)


def _filtered(request):
    form = ExpertFilterForm(request.GET or None)
    filters = form.filters()
    qs = expert_list(
        field=filters.get("field") or "",
        purpose=filters.get("purpose") or "",
        active=filters.get("active") or "",
    )
    return form, qs


@role_required(*MANAGERS)
def experts(request):
    form, qs = _filtered(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for expert in page:
        expert.masked_mobile = masked_mobile(expert)
    return render(
        request,
        "workforce/experts/list.html",
        {"form": form, "page": page, "query": request.GET.urlencode()},
    )


@role_required(*MANAGERS)
def expert_new(request):
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.expert_add(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The expert is in the pool."))
            return redirect("workforce:expert_edit", pk=expert.pk)
    return render(request, "workforce/experts/form.html", {"form": form, "expert": None})


@role_required(*MANAGERS)
def expert_edit(request, pk: int):
    expert = get_object_or_404(Expert.objects.select_related("employer", "user"), pk=pk)
    # The mobile number is never written into the page: blank keeps the one on record.
    initial = {name: getattr(expert, name) for name in _FIELDS if name != "mobile"}
    form = ExpertForm(request.POST or None, initial=initial)
    if expert.mobile:
        form.fields["mobile"].help_text = _("On record: %(mobile)s. Leave blank to keep it.") % {
            "mobile": masked_mobile(expert)
        }
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        if not (changes.get("mobile") or "").strip():
            changes.pop("mobile")
        try:
            services.expert_update(expert=expert, by=request.user, **changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The expert is saved."))
            return redirect("workforce:experts")
    return render(
        request,
        "workforce/experts/form.html",
        {"form": form, "expert": expert, "masked_mobile": masked_mobile(expert)},
    )


@require_POST
@role_required(*MANAGERS)
def expert_retire(request, pk: int):
    expert = get_object_or_404(Expert, pk=pk)
    try:
        services.expert_retire(expert=expert, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The expert has left the pool; past draws still name them."))
    return redirect("workforce:expert_edit", pk=expert.pk)


@require_POST
@role_required(*MANAGERS)
def expert_reinstate(request, pk: int):
    expert = get_object_or_404(Expert, pk=pk)
    try:
        services.expert_reinstate(expert=expert, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The expert is back in the pool."))
    return redirect("workforce:expert_edit", pk=expert.pk)


@role_required(*MANAGERS)
def experts_xlsx(request):
    _form, qs = _filtered(request)
    yes, no = _("Yes"), _("No")
    rows = [
        (
            e.code,
            e.name,
            e.get_field_display(),
            e.title,
            e.unit,
            masked_mobile(e),
            e.employer.name if e.employer_id else "",
            yes if e.user_id else no,
            yes if e.for_inspection else no,
            yes if e.for_grading else no,
            yes if e.for_guidance else no,
            yes if e.active else no,
        )
        for e in qs.iterator(chunk_size=500)
    ]
    return xlsx_response(
        filename=f"experts-{beijing_today():%Y%m%d}.xlsx",
        sheet=_("Expert pool"),
        headers=[
            _("Expert number"),
            _("Name"),
            _("Field"),
            _("Professional title"),
            _("Work unit"),
            _("Mobile number"),
            _("Works at the institution"),
            _("Has an account"),
            _("Available for inspections"),
            _("Available for grading"),
            _("Available for guidance activities"),
            _("In the pool"),
        ],
        rows=rows,
    )
