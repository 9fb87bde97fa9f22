"""The institution's pages of the filing workflow: an operator registers, writes and submits the
application, uploads materials, files a change or deregistration, and sends the semester report; the
application's own page (detail, materials, receipt, versions) is also where a reviewer lands from the
queue. Views parse, authorise and render; every write is a service in services.py."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.accounts.capabilities import FILING_REVIEWERS, can_review_filings
from tuoyu.core.access import public, role_required
from tuoyu.core.files import content_disposition, serve_private
from tuoyu.core.forms import add_service_errors
from tuoyu.institutions.forms import map_picker_settings
from tuoyu.institutions.models import Institution
from tuoyu.institutions.selectors import institutions_of

from . import services
from .data import (
    INSTITUTION_FIELDS,
    MAX_ROWS,
    ClassFormSet,
    FeeFormSet,
    InstitutionSection,
    StaffSection,
    describe,
)
from .forms import DeregistrationForm, MaterialForm, OperatorRegistrationForm
from .models import FilingKind, FilingMaterial, FilingStatus, MaterialKind
from .reports import (
    MAX_NOTE,
    recent_semesters,
    reportable_institutions,
    semester_label,
    semester_report_submit,
)
from .requirements import materials_needed
from .selectors import access_filing_for_user, filings_for_user
from .workflow import (
    WORKFLOW,
    check_deadline_of,
    deadline_of,
    has_receipt,
    is_editable,
    is_returned,
    may_edit,
)

(OPERATOR,) = capabilities.OPERATORS  # the one role that files for an institution
REVIEWERS = tuple(FILING_REVIEWERS)
BOOLEAN_FIELDS = {
    "is_puhui",
    "offers_full_day",
    "offers_half_day",
    "offers_hourly",
    "offers_temporary",
    "serves_meals",
}
CLASS_KEYS = ["name", "age_group", "capacity", "enrolled"]
FEE_KEYS = ["service_type", "age_group", "amount", "period", "price_type"]
STAFF_KEYS = ["total", "caregivers", "certified_caregivers", "health_staff"]


def _rows(post, prefix: str, keys: list[str]) -> list[dict]:
    try:
        total = min(int(post.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_ROWS)
    except ValueError:
        total = 0
    rows = []
    for index in range(total):
        row = {key: post.get(f"{prefix}-{index}-{key}", "").strip() for key in keys}
        if post.get(f"{prefix}-{index}-DELETE") or not any(row.values()):
            continue
        rows.append(row)
    return rows


def data_from_post(post) -> dict:
    """The raw values of the filing form, exactly as typed, for the draft."""
    institution = {}
    for name in INSTITUTION_FIELDS:
        value = post.get(f"inst-{name}", "")
        institution[name] = (
            "on" if name in BOOLEAN_FIELDS and value else ("" if name in BOOLEAN_FIELDS else value.strip())
        )
    return {
        "institution": institution,
        "classes": _rows(post, "classes", CLASS_KEYS),
        "fees": _rows(post, "fees", FEE_KEYS),
        "staff": {key: post.get(f"staff-{key}", "").strip() for key in STAFF_KEYS},
    }


def _sections(data: dict, *, extra_class: bool = False, extra_fee: bool = False):
    inst = InstitutionSection(
        initial={
            k: (v == "on") if k in BOOLEAN_FIELDS else v for k, v in (data.get("institution") or {}).items()
        },
        prefix="inst",
    )
    class_rows = list(data.get("classes") or []) + ([{}] if extra_class else [])
    fee_rows = list(data.get("fees") or []) + ([{}] if extra_fee else [])
    classes = ClassFormSet(initial=class_rows, prefix="classes")
    fees = FeeFormSet(initial=fee_rows, prefix="fees")
    staff = StaffSection(initial=data.get("staff") or {}, prefix="staff")
    return inst, classes, fees, staff


# --- operators -------------------------------------------------------------------------------


@public
def register(request):
    """An institution's operator opens an account and starts the filing (网上提交)."""
    form = OperatorRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, filing = services.operator_register(
                uscc=form.cleaned_data["uscc"],
                registration_body=form.cleaned_data["registration_body"],
                name=form.cleaned_data["name"],
                legal_representative=form.cleaned_data["legal_representative"],
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Your account is ready. Your user name is the credit code %(code)s.")
                % {"code": user.username},
            )
            return redirect("filings:edit", pk=filing.pk)
    return render(request, "filings/register.html", {"form": form})


@role_required(OPERATOR)
def my_filings(request):
    filings = list(filings_for_user(request.user).order_by("-created_at"))
    for filing in filings:
        filing.editable = is_editable(filing)
    institutions = institutions_of(request.user).select_related("unit")
    return render(request, "filings/my_filings.html", {"filings": filings, "institutions": institutions})


@role_required(OPERATOR)
def edit(request, pk: int):
    filing = access_filing_for_user(request.user, pk)
    if not may_edit(filing, request.user):
        return redirect("filings:detail", pk=filing.pk)
    if filing.kind == FilingKind.DEREGISTRATION:
        return redirect("filings:detail", pk=filing.pk)
    missing: list[str] = []
    extra_class = extra_fee = False
    if request.method == "POST":
        action = request.POST.get("action", "save")
        data = data_from_post(request.POST)
        services.filing_save_draft(
            filing=filing, by=request.user, data=data, pledge=bool(request.POST.get("pledge"))
        )
        filing.refresh_from_db()
        if action == "add_class":
            extra_class = True
        elif action == "add_fee":
            extra_fee = True
        elif action == "submit":
            try:
                services.filing_submit(filing=filing, by=request.user)
            except ValidationError as exc:
                missing = exc.messages
            else:
                messages.success(
                    request, _("Submitted. The health commission decides within 5 working days.")
                )
                return redirect("filings:detail", pk=filing.pk)
        else:
            messages.success(request, _("Draft saved. You can come back and finish it later."))
            return redirect("filings:edit", pk=filing.pk)
    inst, classes, fees, staff = _sections(filing.data, extra_class=extra_class, extra_fee=extra_fee)
    return render(
        request,
        "filings/edit.html",
        {
            "filing": filing,
            "inst": inst,
            "classes": classes,
            "fees": fees,
            "staff": staff,
            "missing": missing,
            "comments": filing.comments.filter(version=filing.version) if is_returned(filing) else [],
            "map": map_picker_settings(),
            "materials": services.current_materials(filing),
        },
    )


@role_required(OPERATOR)
def materials(request, pk: int):
    filing = access_filing_for_user(request.user, pk)
    editable = may_edit(filing, request.user)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not editable:
            messages.error(request, _("This application can no longer be changed."))
            return redirect("filings:detail", pk=filing.pk)
        if form.is_valid():
            try:
                services.filing_add_material(
                    filing=filing,
                    by=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    lease_start=form.cleaned_data["lease_start"],
                    lease_end=form.cleaned_data["lease_end"],
                    hygiene_passed=form.cleaned_data["hygiene_passed"] or None,
                )
            except ValidationError as exc:
                add_service_errors(form, exc, default_field="file")
            else:
                messages.success(request, _("Uploaded."))
                return redirect("filings:materials", pk=filing.pk)
    current = services.current_materials(filing)
    checklist = [(kind, MaterialKind(kind).label, current.get(kind)) for kind in MaterialKind.values]
    return render(
        request,
        "filings/materials.html",
        {
            "filing": filing,
            "needed": materials_needed(filing, materials=current),
            "form": form,
            "checklist": checklist,
            "editable": editable,
            "comments": filing.comments.filter(version=filing.version),
        },
    )


@role_required(OPERATOR)
@require_POST
def material_remove(request, pk: int, material_pk: int):
    filing = access_filing_for_user(request.user, pk)
    material = get_object_or_404(FilingMaterial, pk=material_pk, filing=filing)
    try:
        services.filing_remove_material(material=material, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("filings:materials", pk=filing.pk)


@role_required(OPERATOR, *REVIEWERS)
@xframe_options_sameorigin  # the review page shows materials in a frame of its own
def material_file(request, pk: int, material_pk: int):
    """Materials are served only after this access check, never from a public URL."""
    filing = access_filing_for_user(request.user, pk)
    material = get_object_or_404(FilingMaterial, pk=material_pk, filing=filing)
    return serve_private(material.file, download_name=material.original_name, inline=True)


@role_required(OPERATOR, *REVIEWERS)
def detail(request, pk: int):
    filing = access_filing_for_user(request.user, pk)
    events = filing.events.select_related("by")
    comments = filing.comments.select_related("by")
    today = timezone.localdate()
    return render(
        request,
        "filings/detail.html",
        {
            "filing": filing,
            "events": events,
            "comments": comments,
            "materials": filing.materials.filter(superseded=False),
            # The same deadlines as the API's detail (workflow.deadline_of / check_deadline_of).
            "deadline": deadline_of(filing, today),
            "check_deadline": check_deadline_of(filing, today),
            "actions": WORKFLOW.allowed_actions(filing, request.user),
            "editable": may_edit(filing, request.user),
            "has_receipt": has_receipt(filing),
            "is_reviewer": can_review_filings(request.user),
            "is_owner": filing.applicant_id == request.user.pk,
        },
    )


@role_required(OPERATOR)
@require_POST
def withdraw(request, pk: int):
    filing = access_filing_for_user(request.user, pk)
    try:
        services.filing_withdraw(filing=filing, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The application was withdrawn."))
    return redirect("filings:mine")


def _member_institution(user, pk: int) -> Institution:
    return get_object_or_404(institutions_of(user), pk=pk)


@role_required(OPERATOR)
@require_POST
def start_change(request, institution_pk: int):
    institution = _member_institution(request.user, institution_pk)
    try:
        filing = services.filing_start_change(institution=institution, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("filings:mine")
    return redirect("filings:edit", pk=filing.pk)


@role_required(OPERATOR)
def start_deregistration(request, institution_pk: int):
    institution = _member_institution(request.user, institution_pk)
    form = DeregistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            filing = services.filing_start_deregistration(
                institution=institution,
                by=request.user,
                reason=form.cleaned_data["reason"],
                last_day=form.cleaned_data["last_day"],
            )
            filing = services.filing_submit(filing=filing, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The deregistration was submitted to the health commission."))
            return redirect("filings:detail", pk=filing.pk)
    return render(request, "filings/deregister.html", {"form": form, "institution": institution})


@role_required(OPERATOR, *REVIEWERS)
def receipt(request, pk: int):
    from .receipt import receipt_pdf

    filing = access_filing_for_user(request.user, pk)
    if not has_receipt(filing):
        messages.error(request, _("A receipt exists only for an approved filing."))
        return redirect("filings:detail", pk=filing.pk)
    pdf = receipt_pdf(filing=filing, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        _("Filing receipt %(number)s.pdf") % {"number": filing.filing_number}, inline=True
    )
    return response


@role_required(OPERATOR, *REVIEWERS)
def version(request, pk: int, version: int):
    """The application exactly as it was submitted as version N: the history is kept, not overwritten."""
    filing = access_filing_for_user(request.user, pk)
    event = filing.events.filter(version=version, to_status=FilingStatus.SUBMITTED).order_by("-at").first()
    if event is None:
        raise Http404
    return render(
        request,
        "filings/version.html",
        {
            "filing": filing,
            "event": event,
            "described": describe(event.snapshot),
            "comments": filing.comments.filter(version=version),
        },
    )


# --- semester reports ------------------------------------------------------------------------


class SemesterReportForm(forms.Form):
    institution = forms.TypedChoiceField(label=gettext_lazy("Kindergarten"), coerce=int)
    semester = forms.ChoiceField(label=gettext_lazy("Semester"))
    class_count = forms.IntegerField(label=gettext_lazy("Nursery classes (托班)"), min_value=0)
    children = forms.IntegerField(label=gettext_lazy("Children in nursery classes"), min_value=0)
    staff = forms.IntegerField(
        label=gettext_lazy("Staff of the nursery classes"),
        min_value=0,
        help_text=gettext_lazy("Teachers, caregivers and health staff working with the nursery classes."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, institutions, semesters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [(i.pk, i.name) for i in institutions]
        self.fields["semester"].choices = [(s, semester_label(s)) for s in semesters]


@role_required(OPERATOR)
def report_new(request):
    institutions = list(reportable_institutions(request.user))
    if not institutions:
        return render(request, "filings/report_new.html", {"form": None})
    form = SemesterReportForm(request.POST or None, institutions=institutions, semesters=recent_semesters())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        institution = next(i for i in institutions if i.pk == data["institution"])
        try:
            semester_report_submit(
                institution=institution,
                by=request.user,
                semester=data["semester"],
                class_count=data["class_count"],
                children=data["children"],
                staff=data["staff"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Report sent. The education office and the health commission can see it now.")
            )
            return redirect("filings:reports")
    return render(request, "filings/report_new.html", {"form": form})
