"""The government's pages of the filing workflow: the health commission's review queue and decision page,
coordination cases (一事一议) with the departments, the import of existing institutions (存量), and the
semester reports the education office and the commission read. Views parse, authorise and render; every
write is a service."""

from itertools import chain
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tuoyu.accounts import capabilities
from tuoyu.accounts.capabilities import FILING_REVIEWERS, HEALTH_COMMISSION
from tuoyu.core.access import role_required
from tuoyu.core.excel import XLSX, xlsx_response
from tuoyu.core.files import clean_original_name, content_disposition
from tuoyu.core.forms import add_service_errors
from tuoyu.core.workdays import deadline_status, deadline_statuses
from tuoyu.regions.models import Department
from tuoyu.regions.selectors import grassroots_units

from . import services
from .data import describe
from .forms import CaseForm, DecisionForm
from .importer import COLUMNS, MAX_ROWS, import_legacy_institutions, legacy_template
from .models import SECTION_LABELS, Filing, FilingMaterial, FilingStatus
from .reports import (
    report_semesters,
    report_totals,
    reportable_institutions,
    reports_filtered,
    reports_for_user,
    sees_all_reports,
    semester_label,
)
from .requirements import materials_needed
from .selectors import access_case_for_user, cases_for_user, change_against_register, review_queue
from .workflow import WORKFLOW, WORKFLOW_CASE, awaits_decision, case_is_open, check_deadline_of, deadline_of

(OPERATOR,) = capabilities.OPERATORS  # the one role that files for an institution
REVIEWERS = tuple(FILING_REVIEWERS)
CASE_ROLES = tuple(capabilities.SUPERVISORS)
SESSION_KEY = "tuoyu_legacy_import_report"
OFFICIALS = tuple(capabilities.SUPERVISORS)

# --- the review ------------------------------------------------------------------------------


@role_required(*REVIEWERS)
def queue(request):
    status = request.GET.get("status", FilingStatus.SUBMITTED)
    if status not in FilingStatus.values:
        status = FilingStatus.SUBMITTED
    today = timezone.localdate()
    rows = list(review_queue(status=status))
    # One read of the holiday table for every row's deadlines, so the queue's queries stay fixed.
    statuses = deadline_statuses(
        [d for filing in rows for d in (filing.due_on, filing.check_due_on) if d], today=today
    )
    for filing in rows:
        filing.deadline = statuses.get(filing.due_on)
        filing.check_deadline = statuses.get(filing.check_due_on)
        filing.overdue_days = -filing.deadline.days_left if filing.deadline and filing.deadline.overdue else 0
    return render(
        request, "filings/queue.html", {"rows": rows, "status": status, "statuses": FilingStatus.choices}
    )


@role_required(*REVIEWERS)
def review(request, pk: int):
    filing = get_object_or_404(
        Filing.objects.select_related("institution", "applicant").prefetch_related(
            Prefetch("materials", queryset=FilingMaterial.objects.filter(superseded=False))
        ),
        pk=pk,
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
        try:
            if decision == "approve":
                services.filing_approve(filing=filing, by=request.user, note=note)
                messages.success(request, _("Approved. The filing number and receipt were issued."))
            elif decision == "return":
                comments = {
                    key[len("comment-") :]: value
                    for key, value in request.POST.items()
                    if key.startswith("comment-")
                }
                services.filing_return(filing=filing, by=request.user, comments=comments, note=note)
                messages.success(request, _("Returned for correction. The applicant was told."))
            else:
                services.filing_find_noncompliant(filing=filing, by=request.user, reasons=note)
                messages.success(request, _("Non-compliance recorded and published."))
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect("filings:queue")
    today = timezone.localdate()
    diff = change_against_register(filing)
    materials = {m.kind: m for m in filing.materials.all()}  # the current ones (prefetched above)
    return render(
        request,
        "filings/review.html",
        {
            "filing": filing,
            "data": filing.data,
            "described": describe(filing.data),
            "diff": diff,
            "needed": materials_needed(filing, diff=diff, materials=materials),
            "form": form,
            "sections": list(SECTION_LABELS.items()),
            "missing": services.filing_missing(filing) if awaits_decision(filing) else [],
            "deadline": deadline_of(filing, today),
            "check_deadline": check_deadline_of(filing, today),
            "actions": WORKFLOW.allowed_actions(filing, request.user),
            "events": filing.events.select_related("by"),
            "comments": filing.comments.select_related("by"),
            "cases": filing.coordination_cases.all(),
        },
    )


# --- coordination cases (一事一议) ---------------------------------------------------------------


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
    statuses = deadline_statuses([case.deadline for case in rows])
    for case in rows:
        case.deadline_info = statuses[case.deadline]
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


# --- existing institutions (存量) import -------------------------------------------------------


class LegacyImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx, up to 5 MB)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


def _for_session(report, filename: str) -> dict:
    return {
        "file": filename,
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "total": report.total,
        "skipped_examples": report.skipped_examples,
        "failed_rows": report.failed_rows,
        "created": [
            {
                "name": institution.name,
                "uscc": institution.uscc,
                "unit": institution.unit.name,
                "capacity": institution.capacity_total,
                "enrolled": institution.enrolled_total,
            }
            for institution in report.created
        ],
        "errors": [list(error) for error in report.errors],
    }


@role_required(*REVIEWERS)
def legacy_import(request):
    form = LegacyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_legacy_institutions(file=upload, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="file")
        else:
            request.session[SESSION_KEY] = _for_session(report, clean_original_name(upload.name or ""))
            if report.errors:
                messages.warning(
                    request,
                    ngettext(
                        "%(created)s institution imported; rows with problems are listed below.",
                        "%(created)s institutions imported; rows with problems are listed below.",
                        len(report.created),
                    )
                    % {"created": len(report.created)},
                )
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(created)s institution imported as an unfiled draft.",
                        "%(created)s institutions imported as unfiled drafts.",
                        len(report.created),
                    )
                    % {"created": len(report.created)},
                )
            return redirect("filings:legacy_import")
    return render(
        request,
        "filings/legacy_import.html",
        {
            "form": form,
            "report": request.session.get(SESSION_KEY),
            "columns": COLUMNS,
            "max_rows": MAX_ROWS,
        },
    )


@role_required(*REVIEWERS)
def legacy_template_download(request):
    response = HttpResponse(legacy_template(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition(
        _("Import template for existing institutions.xlsx"), inline=False
    )
    return response


@role_required(*REVIEWERS)
def legacy_errors(request):
    """The last import's problems as a sheet: row, column, problem, in the order of the file."""
    report = request.session.get(SESSION_KEY)
    if not report:
        messages.info(request, _("There is no import report yet. Import a file first."))
        return redirect("filings:legacy_import")
    return xlsx_response(
        filename=quote(_("Import problems.xlsx")),
        sheet=_("Problems"),
        headers=[_("Row"), _("Column"), _("Problem")],
        rows=([row, column or "—", message] for row, column, message in report["errors"]),
        note=_("File %(file)s, imported %(at)s.") % {"file": report["file"], "at": report["at"]},
    )


# --- semester reports ------------------------------------------------------------------------


def _filters(request, qs):
    """Parse the officials' filters; unknown values are ignored rather than refused."""
    units = list(grassroots_units())
    semester = request.GET.get("semester", "")
    semesters = report_semesters(qs)
    if semester not in semesters:
        semester = ""
    unit_code = request.GET.get("unit", "")
    unit = next((u for u in units if u.code == unit_code), None)
    return semester, unit, semesters, units


@role_required(OPERATOR, *OFFICIALS)
def report_list(request):
    user = request.user
    qs = reports_for_user(user)
    if capabilities.is_operator(user):
        return render(
            request,
            "filings/report_list.html",
            {
                "rows": [(r, semester_label(r.semester)) for r in qs],
                "is_operator": True,
                "can_report": reportable_institutions(user).exists(),
            },
        )
    if not sees_all_reports(user):
        # Another department's officer may use the reports menu but receives nothing: an explained empty
        # page rather than a refusal, since the role itself is allowed here.
        return render(request, "filings/report_list.html", {"rows": [], "not_addressed": True})
    semester, unit, semesters, units = _filters(request, qs)
    qs = reports_filtered(qs, semester=semester, unit=unit)
    return render(
        request,
        "filings/report_list.html",
        {
            "rows": [(r, semester_label(r.semester)) for r in qs],
            "totals": report_totals(qs),
            "semesters": [(s, semester_label(s)) for s in semesters],
            "semester": semester,
            "units": units,
            "unit": unit,
            "query": request.GET.urlencode(),
        },
    )


@role_required(*OFFICIALS)
def report_export(request):
    user = request.user
    if not sees_all_reports(user):
        raise Http404  # other departments receive no reports; there is nothing to download
    qs = reports_for_user(user)
    semester, unit, _semesters, _units = _filters(request, qs)
    qs = reports_filtered(qs, semester=semester, unit=unit)
    totals = report_totals(qs)
    headers = [
        _("Semester"),
        _("Institution"),
        _("Filing number"),
        _("Street or town"),
        _("Nursery classes"),
        _("Children"),
        _("Staff"),
        _("Note"),
        _("Submitted by"),
        _("Submitted at"),
    ]
    rows = (
        [
            semester_label(r.semester),
            r.institution.name,
            r.institution.filing_number,
            r.institution.unit.name,
            r.class_count,
            r.children,
            r.staff,
            r.note,
            str(r.submitted_by),
            r.submitted_at,
        ]
        for r in qs.iterator(chunk_size=500)
    )
    total_row = [
        _("Total"),
        ngettext("%(count)s report", "%(count)s reports", totals["reports"]) % {"count": totals["reports"]},
        "",
        "",
        totals["class_count"],
        totals["children"],
        totals["staff"],
        "",
        "",
        "",
    ]
    scope = " · ".join(
        part for part in (semester_label(semester) if semester else "", unit.name if unit else "") if part
    )
    return xlsx_response(
        filename=quote(_("Semester reports.xlsx")),
        sheet=_("Semester reports"),
        headers=headers,
        rows=chain(rows, [total_row]),
        note=_("Filter: %(scope)s") % {"scope": scope} if scope else "",
    )
