"""The institution's pages of supervision: its submitted inspections with their findings and deadlines,
and a finding's page where it uploads the rectification evidence (what was done, and a photo or PDF).
Another institution's finding is a 404: selectors.findings_of_member decides what is the person's."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors
from tuoyu.core.workdays import beijing_today, deadline_status, deadline_statuses

from . import services
from .forms.rectification import EvidenceForm
from .models import Finding
from .selectors import findings_of_member, inspections_of_member
from .services.rectification import awaits_evidence
from .workflow import FINDING_OPEN

INSTITUTION_PEOPLE = capabilities.INSTITUTION


@role_required(*INSTITUTION_PEOPLE)
def institution_inspections(request):
    inspections = list(
        inspections_of_member(request.user)
        .select_related("institution", "plan__lead_department")
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.select_related("item").order_by("id"))
        )
        .order_by("-submitted_at", "-id")
    )
    on = beijing_today()
    open_findings = [f for i in inspections for f in i.findings.all() if f.status in FINDING_OPEN]
    statuses = deadline_statuses([f.deadline for f in open_findings], today=on)
    for finding in open_findings:
        finding.deadline_status = statuses[finding.deadline]
        finding.overdue_days = max(0, -finding.deadline_status.days_left)
    return render(request, "inspections/institution_inspections.html", {"inspections": inspections})


def _render_finding(request, finding: Finding, form: EvidenceForm, *, status: int = 200):
    status_now = deadline_status(due=finding.deadline) if finding.status in FINDING_OPEN else None
    context = {
        "finding": finding,
        "inspection": finding.inspection,
        # What the inspectors wrote: the decisions and notes on the timeline (never another's record).
        "events": finding.events.select_related("by"),
        "evidence": finding.rectifications.select_related("decided_by"),
        "form": form,
        "awaits_evidence": awaits_evidence(finding),
        "deadline_status": status_now,
        "overdue_days": max(0, -status_now.days_left) if status_now else 0,
    }
    return render(request, "inspections/institution_finding.html", context, status=status)


def _finding_of_member(user, pk: int) -> Finding:
    return get_object_or_404(
        findings_of_member(user).select_related("inspection__institution", "inspection__plan", "item"), pk=pk
    )


@role_required(*INSTITUTION_PEOPLE)
def institution_finding(request, pk: int):
    finding = _finding_of_member(request.user, pk)
    if request.method != "POST":
        return _render_finding(request, finding, EvidenceForm())
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_submit(
                finding=finding,
                by=request.user,
                note=form.cleaned_data["note"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Evidence sent. The inspector will check it."))
            return redirect("inspections:institution_finding", pk=finding.pk)
    return _render_finding(request, _finding_of_member(request.user, pk), form, status=400)
