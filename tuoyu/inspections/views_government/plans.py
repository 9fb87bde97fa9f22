"""The government's pages of plans and draws: the plan list, a new plan, the plan with its draws and
inspections, the draw and the redraw (with its published reason), and the inspector roster with the
declared links (回避). Views parse, authorise (selectors.plans_visible_to / may_manage_plan) and render;
every write is a service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors
from tuoyu.institutions.models import Institution

from .. import services
from ..forms.plans import CancelForm, LinkForm, PlanForm, ReasonForm
from ..models import Domain, Inspection, InspectionStatus, Inspector, InspectorLink, PlanStatus
from ..selectors import may_manage_plan, plans_visible_to
from ..services.plans import INSPECTABLE
from ..workflow import PLAN_WORKFLOW

PLANNERS = capabilities.INSPECTION_PLANNERS
VIEWERS = capabilities.INSPECTION_VIEWERS
PAGE_SIZE = 30


def _plan_for(request, pk: int):
    return get_object_or_404(
        plans_visible_to(request.user).select_related("lead_department", "unit", "created_by"), pk=pk
    )


@role_required(*VIEWERS)
def plan_list(request):
    qs = (
        plans_visible_to(request.user)
        .select_related("lead_department", "unit")
        .prefetch_related("departments")
        .annotate(
            inspection_count=Count(
                "inspections", filter=~Q(inspections__status=InspectionStatus.CANCELLED), distinct=True
            )
        )
        .order_by("-period_start", "-id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/plan_list.html",
        {"page": page, "may_plan": capabilities.can_plan_inspections(request.user)},
    )


@role_required(*PLANNERS)
def plan_new(request):
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                by=request.user,
                title=data["title"],
                lead_department=data["lead_department"],
                departments=list(data["departments"]),
                unit=data["unit"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                domains=data["domains"],
                checklist=list(data["checklist"]),
                sample_percent=data["sample_percent"],
                sample_size=data["sample_size"],
                inspectors_per_inspection=data["inspectors_per_inspection"],
                inspectors=list(data["inspectors"]),
                experts_per_inspection=data.get("experts_per_inspection") or 0,
                experts=list(data.get("experts") or []),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The plan is saved as a draft. Check its lists, then draw."))
            return redirect("inspections:plan", pk=plan.pk)
    return render(request, "inspections/plan_form.html", {"form": form})


@role_required(*VIEWERS)
def plan_detail(request, pk: int):
    plan = _plan_for(request, pk)
    manage = may_manage_plan(request.user, plan)
    draws = list(
        plan.draws.select_related("drawn_by").prefetch_related(
            Prefetch(
                "inspections",
                queryset=Inspection.objects.select_related("institution")
                .prefetch_related("inspectors", "experts")
                .order_by("pk"),
            )
        )
    )
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "departments": plan.departments.all(),
            "domains": [Domain(d).label for d in plan.domains if d in Domain.values],
            "checklist": plan.checklist.all(),
            "institutions": plan.institutions.select_related("unit").order_by("pk"),
            "inspectors": plan.inspectors.select_related("department").order_by("certificate_number"),
            "experts": plan.experts.order_by("code") if plan.experts_per_inspection else [],
            "draws": draws,
            "events": plan.events.select_related("by"),
            "may_draw": manage and plan.status == PlanStatus.DRAFT,
            "may_redraw": manage
            and plan.status == PlanStatus.DRAWN
            and PLAN_WORKFLOW.can(plan.status, plan.status),
            "reason_form": ReasonForm(),
            "may_close": manage and PLAN_WORKFLOW.can(plan.status, PlanStatus.CLOSED),
            "may_cancel": manage and PLAN_WORKFLOW.can(plan.status, PlanStatus.CANCELLED),
            "may_manage": manage,  # publishes a submitted result before its 20-working-day due date
        },
    )


@require_POST
@role_required(*PLANNERS)
def plan_draw(request, pk: int):
    plan = _plan_for(request, pk)
    try:
        draw = services.draw_plan(plan=plan, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Drawn: %(count)d institutions, each with its inspectors. The draw is public.")
            % {"count": len(draw.result)},
        )
    return redirect("inspections:plan", pk=plan.pk)


@role_required(*PLANNERS)
def plan_redraw(request, pk: int):
    plan = _plan_for(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draw = services.redraw_plan(plan=plan, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="reason" if hasattr(exc, "error_dict") else None)
        else:
            messages.success(
                request,
                _("Draw %(number)d is made; the earlier draw stays public with the reason.")
                % {"number": draw.number},
            )
            return redirect("inspections:plan", pk=plan.pk)
    return render(request, "inspections/plan_redraw.html", {"plan": plan, "form": form})


@require_POST
@role_required(*PLANNERS)
def plan_close(request, pk: int):
    plan = _plan_for(request, pk)
    try:
        services.plan_close(plan=plan, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The plan is closed."))
    return redirect("inspections:plan", pk=plan.pk)


@role_required(*PLANNERS)
def plan_cancel(request, pk: int):
    plan = _plan_for(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_cancel(plan=plan, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="reason" if hasattr(exc, "error_dict") else None)
        else:
            messages.success(request, _("The plan is cancelled, with the inspections not yet done."))
            return redirect("inspections:plan", pk=plan.pk)
    return render(request, "inspections/plan_cancel.html", {"plan": plan, "form": form})


@role_required(*VIEWERS)
def roster(request):
    inspectors = (
        Inspector.objects.filter(active=True)
        .select_related("department")
        .prefetch_related(
            Prefetch(
                "links",
                queryset=InspectorLink.objects.select_related("institution").order_by("institution_id"),
            )
        )
        .order_by("department__code", "certificate_number")
    )
    return render(
        request,
        "inspections/inspector_roster.html",
        {"inspectors": inspectors, "may_declare": capabilities.can_plan_inspections(request.user)},
    )


@role_required(*PLANNERS)
def link_new(request):
    inspectors = Inspector.objects.filter(active=True).order_by("certificate_number")
    if not capabilities.is_health_commission(request.user):
        # An officer declares links for the inspectors of their own department.
        inspectors = inspectors.filter(department_id=request.user.department_id)
    institutions = Institution.objects.filter(status__in=INSPECTABLE).order_by("name")
    form = LinkForm(request.POST or None, inspectors=inspectors, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_link(
                inspector=form.cleaned_data["inspector"],
                institution=form.cleaned_data["institution"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The link is declared: the draw will not send this inspector there."))
            return redirect("inspections:roster")
    return render(request, "inspections/inspector_link_form.html", {"form": form})
