"""The government's pages of findings and rectification: the oversight list of inspections, the list of
findings not yet put right (with its Excel export), a finding's page with its timeline and evidence, and
the decisions on it (the drawn inspector's; the commission's suspension). Views parse, authorise through
the selectors and render; every write is a service.

Who sees what is the selectors' rule: the commission everything, a department officer its plans', a
street or town officer its unit's, an inspector what they were drawn for."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.excel import xlsx_response
from tuoyu.core.files import EXTENSIONS, serve_private
from tuoyu.core.forms import add_service_errors
from tuoyu.core.http import query_without_page
from tuoyu.core.workdays import beijing_today, deadline_status, deadline_statuses

from .. import services
from ..forms.rectification import (
    FindingFilterForm,
    InspectionFilterForm,
    NoteForm,
    ReinspectionRecordForm,
    SuspendForm,
)
from ..models import Finding, FindingStatus, Inspection, Suspension
from ..selectors import drawn_for, findings_of_member, findings_overseen_by, inspections_overseen_by
from ..selectors.suspensions import suspensions_of
from ..services.rectification import (
    awaits_evidence,
    findings_overdue_q,
    may_decide,
    may_record_reinspection,
)
from ..services.suspensions import may_suspend
from ..workflow import FINDING_OPEN, FINDING_WORKFLOW

VIEWERS = capabilities.INSPECTION_VIEWERS
PAGE_SIZE = 50


# --- the oversight list of inspections --------------------------------------------------------------


@role_required(*VIEWERS)
def oversight(request):
    form = InspectionFilterForm(request.GET)
    filters = form.filters()
    qs = (
        Inspection.objects.filter(pk__in=inspections_overseen_by(request.user).values("pk"))
        .select_related("institution__unit", "plan__lead_department")
        .annotate(
            open_findings=Count("findings", filter=Q(findings__status__in=FINDING_OPEN)),
            all_findings=Count("findings"),
        )
        .order_by("-id")
    )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("result"):
        qs = qs.filter(result=filters["result"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # The on-site record is the drawn inspectors' and the commission's (selectors.may_open_record).
    if capabilities.is_health_commission(request.user):
        record_ids = {inspection.pk for inspection in page}
    else:
        record_ids = set(
            drawn_for(request.user).filter(pk__in=[i.pk for i in page]).values_list("pk", flat=True)
        )
    for inspection in page:
        inspection.may_open_record = inspection.pk in record_ids
    return render(
        request,
        "inspections/finding_oversight.html",
        {"form": form, "page": page, "query": query_without_page(request)},
    )


# --- the findings list and its export ---------------------------------------------------------------


def _findings(user, filters: dict, on):
    qs = findings_overseen_by(user).select_related(
        "inspection__institution__unit", "inspection__plan__lead_department", "item"
    )
    status = filters.get("status")
    if status == "all":
        pass
    elif status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=FINDING_OPEN)
    if filters.get("severity"):
        qs = qs.filter(severity=filters["severity"])
    if filters.get("unit"):
        qs = qs.filter(inspection__institution__unit__path__startswith=filters["unit"].path)
    if filters.get("deadline") == "overdue":
        qs = qs.filter(findings_overdue_q(on))
    elif filters.get("deadline") == "running":
        qs = qs.filter(status__in=FINDING_OPEN, deadline__gte=on).exclude(status=FindingStatus.OVERDUE)
    if filters.get("inspection"):
        qs = qs.filter(inspection_id=filters["inspection"])
    return qs.order_by("deadline", "id")


@role_required(*VIEWERS)
def findings(request):
    form = FindingFilterForm(request.GET)
    on = beijing_today()
    page = Paginator(_findings(request.user, form.filters(), on), PAGE_SIZE).get_page(request.GET.get("page"))
    # One read of the holiday table for every row's "N working days left / overdue".
    statuses = deadline_statuses([finding.deadline for finding in page], today=on)
    for finding in page:
        finding.deadline_status = statuses[finding.deadline] if finding.status in FINDING_OPEN else None
        finding.overdue_days = max(0, -statuses[finding.deadline].days_left)
    return render(
        request,
        "inspections/finding_list.html",
        {"form": form, "page": page, "query": query_without_page(request)},
    )


@role_required(*VIEWERS)
def findings_xlsx(request):
    form = FindingFilterForm(request.GET)
    on = beijing_today()
    rows_qs = _findings(request.user, form.filters(), on)
    rows = [
        (
            finding.inspection.institution.name,
            finding.inspection.institution.unit.name,
            finding.inspection.plan.title,
            finding.inspection.plan.lead_department.name,
            finding.inspection.inspected_on,
            finding.item.code if finding.item else "",
            finding.description,
            finding.get_severity_display(),
            finding.deadline,
            finding.get_status_display(),
            finding.escalated_at,
            finding.rectified_at,
        )
        for finding in rows_qs.iterator(chunk_size=500)
    ]
    return xlsx_response(
        filename=f"findings-{on:%Y%m%d}.xlsx",
        sheet=_("Findings"),
        headers=[
            _("Institution"),
            _("Street or town"),
            _("Plan"),
            _("Lead department"),
            _("Inspected on"),
            _("Checklist item"),
            _("What was found"),
            _("Severity"),
            _("Put right by"),
            _("Status"),
            _("Escalated"),
            _("Put right on"),
        ],
        rows=rows,
    )


# --- a finding --------------------------------------------------------------------------------------


def _finding_for(user, pk: int) -> Finding:
    """The finding if this person oversees it; 404 otherwise (no hint that it exists)."""
    return get_object_or_404(
        findings_overseen_by(user).select_related(
            "inspection__institution__unit", "inspection__plan__lead_department", "item"
        ),
        pk=pk,
    )


def _render_finding(request, finding: Finding, *, bound: dict | None = None, status: int = 200):
    user, bound = request.user, bound or {}
    suspensions = list(suspensions_of(finding.inspection.institution).select_related("finding"))
    active = next((s for s in suspensions if s.lifted_at is None), None)
    status_now = deadline_status(due=finding.deadline) if finding.status in FINDING_OPEN else None
    context = {
        "finding": finding,
        "inspection": finding.inspection,
        "events": finding.events.select_related("by"),
        "evidence": finding.rectifications.select_related("submitted_by", "decided_by"),
        # The buttons: the workflow's actions for this person, while evidence awaits a decision.
        "actions": FINDING_WORKFLOW.allowed_actions(finding, user) if may_decide(user, finding) else [],
        "may_record_reinspection": may_record_reinspection(user, finding),
        "may_suspend": may_suspend(user, finding) and active is None,
        "may_lift": capabilities.can_suspend(user),
        "suspensions": suspensions,
        "active_suspension": active,
        "deadline_status": status_now,
        "overdue_days": max(0, -status_now.days_left) if status_now else 0,
        "awaits_evidence": awaits_evidence(finding),
        "forms": {
            "accept": bound.get("accept") or NoteForm(auto_id="id_accept_%s"),
            "return": bound.get("return") or NoteForm(auto_id="id_return_%s"),
            "reinspect": bound.get("reinspect") or NoteForm(auto_id="id_reinspect_%s"),
            "record": bound.get("record") or ReinspectionRecordForm(auto_id="id_record_%s"),
            "suspend": bound.get("suspend") or SuspendForm(auto_id="id_suspend_%s"),
            "lift": bound.get("lift") or NoteForm(auto_id="id_lift_%s"),
        },
        "errors": [m for form in bound.values() for errors in form.errors.values() for m in errors],
    }
    return render(request, "inspections/finding_detail.html", context, status=status)


@role_required(*VIEWERS)
def finding(request, pk: int):
    return _render_finding(request, _finding_for(request.user, pk))


@role_required(*(VIEWERS | capabilities.INSTITUTION))
def evidence_file(request, pk: int, rectification_pk: int):
    """A piece of evidence, to those who oversee the finding or act for its institution."""
    user = request.user
    visible = (
        findings_overseen_by(user) if capabilities.can_view_inspections(user) else findings_of_member(user)
    )
    found = get_object_or_404(visible, pk=pk)
    evidence = get_object_or_404(found.rectifications, pk=rectification_pk)
    extension = EXTENSIONS.get(evidence.file_kind, "pdf")
    return serve_private(evidence.file, download_name=f"finding-{found.pk}-{evidence.pk}.{extension}")


# --- decisions --------------------------------------------------------------------------------------

DONE = {
    "accept": gettext_lazy("Accepted: the finding is put right."),
    "return": gettext_lazy("Returned: the institution is asked for more, by the same deadline."),
    "reinspect": gettext_lazy("Re-inspection ordered."),
    "record": gettext_lazy("The re-inspection's outcome is recorded."),
    "suspend": gettext_lazy("Suspension recorded. The institution is suspended and the reason is public."),
}


def _act(request, pk: int, action: str, form_class, run):
    found = _finding_for(request.user, pk)
    form = form_class(request.POST, auto_id=f"id_{action}_%s")
    if form.is_valid():
        try:
            run(found, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, DONE[action])
            return redirect("inspections:finding", pk=found.pk)
    # Nothing was changed: the finding as it is, with what went wrong.
    return _render_finding(request, _finding_for(request.user, pk), bound={action: form}, status=400)


@role_required(*capabilities.INSPECTORS)
@require_POST
def finding_accept(request, pk: int):
    return _act(
        request,
        pk,
        "accept",
        NoteForm,
        lambda f, data: services.evidence_accept(finding=f, by=request.user, note=data["note"]),
    )


@role_required(*capabilities.INSPECTORS)
@require_POST
def finding_return(request, pk: int):
    return _act(
        request,
        pk,
        "return",
        NoteForm,
        lambda f, data: services.evidence_return(finding=f, by=request.user, note=data["note"]),
    )


@role_required(*capabilities.INSPECTORS)
@require_POST
def finding_reinspect(request, pk: int):
    return _act(
        request,
        pk,
        "reinspect",
        NoteForm,
        lambda f, data: services.reinspection_order(finding=f, by=request.user, note=data["note"]),
    )


@role_required(*capabilities.INSPECTORS)
@require_POST
def finding_reinspection_record(request, pk: int):
    return _act(
        request,
        pk,
        "record",
        ReinspectionRecordForm,
        lambda f, data: services.reinspection_record(
            finding=f,
            by=request.user,
            passed=data["outcome"] == "passed",
            note=data["note"],
            new_deadline=data["new_deadline"],
        ),
    )


@role_required(*capabilities.SUSPENDERS)
@require_POST
def finding_suspend(request, pk: int):
    return _act(
        request,
        pk,
        "suspend",
        SuspendForm,
        lambda f, data: services.suspension_order(
            finding=f, by=request.user, reason=data["reason"], starts_on=data["starts_on"]
        ),
    )


@role_required(*capabilities.SUSPENDERS)
@require_POST
def suspension_lift(request, pk: int):
    suspension = get_object_or_404(Suspension.objects.select_related("finding"), pk=pk)
    found = _finding_for(request.user, suspension.finding_id)
    form = NoteForm(request.POST, auto_id="id_lift_%s")
    if form.is_valid():
        try:
            services.suspension_lift(suspension=suspension, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Suspension lifted. The institution is filed again."))
            return redirect("inspections:finding", pk=found.pk)
    return _render_finding(request, _finding_for(request.user, found.pk), bound={"lift": form}, status=400)
