"""The government's pages of grading: assessments (create, score on a phone, publish, decide a review),
demonstration units, and the Excel of grades. Views parse, authorise and render; every write is a service.

The health commission manages grading and sees every assessment; another assessor (the guidance centre)
sees and scores the assessments they are named on; anything else is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.excel import xlsx_response
from tuoyu.core.forms import add_service_errors

from . import services
from .forms import AssessmentForm, DemonstrationForm, ReviewDecideForm, ScoreForm
from .models import AssessmentStatus
from .selectors import (
    PAGE_SIZE,
    access_assessment_for_user,
    assessments_for_user,
    attach_dimension_totals,
    may_score,
    public_demonstration_units,
    score_sheet,
)
from .services import NO_GRADE, review_deadline, unscored_items

MANAGERS = capabilities.GRADING_MANAGERS
VIEWERS = capabilities.GRADING_MANAGERS | capabilities.ASSESSORS


@role_required(*VIEWERS)
def assessments(request):
    qs = assessments_for_user(request.user).order_by("-id")
    status = request.GET.get("status", "")
    if status in AssessmentStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "grading/assessments.html",
        {
            "page": page,
            "status": status,
            "statuses": AssessmentStatus.choices,
            "may_manage": capabilities.can_manage_grading(request.user),
            "no_grade": NO_GRADE,
        },
    )


@role_required(*MANAGERS)
def assessment_new(request):
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(
                institution=form.cleaned_data["institution"],
                by=request.user,
                assessors=form.cleaned_data["assessors"] or (),
                assessed_on=form.cleaned_data["assessed_on"],
                draw_from_pool=form.cleaned_data["draw_from_pool"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The assessment is created; the assessors can now score it."))
            return redirect("grading:assessment", assessment.pk)
    return render(request, "grading/assessment_new.html", {"form": form})


@role_required(*VIEWERS)
def assessment(request, pk: int):
    assessment = access_assessment_for_user(request.user, pk)
    dimensions = score_sheet(assessment)
    missing = unscored_items(assessment) if assessment.status == AssessmentStatus.DRAFT else []
    return render(
        request,
        "grading/assessment.html",
        {
            "assessment": assessment,
            "dimensions": dimensions,
            "assessors": list(assessment.assessors.order_by("username")),
            "events": list(assessment.events.select_related("by").order_by("at", "id")),
            "missing": missing,
            "may_score": may_score(request.user, assessment),
            "may_manage": capabilities.can_manage_grading(request.user),
            "no_grade": NO_GRADE,
            "review_due": review_deadline(assessment),
            "decide_form": ReviewDecideForm(),
        },
    )


@role_required(*capabilities.ASSESSORS)
def score(request, pk: int):
    assessment = access_assessment_for_user(request.user, pk)
    if not may_score(request.user, assessment):
        # Not named on it, or it is no longer being scored: nothing to score here.
        return redirect("grading:assessment", assessment.pk)
    dimensions = score_sheet(assessment)
    form = ScoreForm(request.POST or None, dimensions=dimensions)
    if request.method == "POST" and form.is_valid():
        try:
            services.scores_save(assessment=assessment, by=request.user, scores=form.scores())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Scores saved."))
            return redirect("grading:assessment", assessment.pk)
    return render(request, "grading/score.html", {"assessment": assessment, "form": form})


@require_POST
@role_required(*MANAGERS)
def publish(request, pk: int):
    assessment = access_assessment_for_user(request.user, pk)
    try:
        services.assessment_publish(assessment=assessment, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The grade is published."))
    return redirect("grading:assessment", assessment.pk)


@role_required(*MANAGERS)
def review_decide(request, pk: int):
    assessment = access_assessment_for_user(request.user, pk)
    dimensions = score_sheet(assessment)
    form = ReviewDecideForm(request.POST or None)
    scores = ScoreForm(request.POST or None, dimensions=dimensions, prefix="review")
    if request.method == "POST" and form.is_valid() and scores.is_valid():
        try:
            services.review_decide(
                assessment=assessment,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                new_scores=scores.scores(),
            )
        except ValidationError as exc:
            if exc.code == "transition" or not hasattr(exc, "error_dict"):
                form.add_error(None, exc.messages)
            else:
                for field, errors in exc.message_dict.items():
                    if field == "outcome":
                        form.add_error("outcome", errors)
                    else:
                        scores.add_error(field if field in scores.fields else None, errors)
        else:
            messages.success(request, _("The review is decided and its result published."))
            return redirect("grading:assessment", assessment.pk)
    return render(
        request,
        "grading/review_decide.html",
        {"assessment": assessment, "form": form, "scores": scores, "no_grade": NO_GRADE},
    )


@role_required(*VIEWERS)
def demonstrations(request):
    page = Paginator(public_demonstration_units(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "grading/demonstrations.html",
        {"page": page, "may_manage": capabilities.can_manage_grading(request.user)},
    )


@role_required(*MANAGERS)
def demonstration_new(request):
    form = DemonstrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.demonstration_record(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The demonstration unit is recorded."))
            return redirect("grading:demonstrations")
    return render(request, "grading/demonstration_new.html", {"form": form})


@role_required(*VIEWERS)
def grades_xlsx(request):
    rows = attach_dimension_totals(
        list(assessments_for_user(request.user).filter(published_at__isnull=False).order_by("-published_at"))
    )
    dimension_names = [d.name for d in rows[0].dimension_totals] if rows else []
    headers = [
        _("Institution"),
        _("Street or town"),
        _("Assessed on"),
        _("Published"),
        _("Status"),
        _("Total score"),
        _("Grade"),
        _("A basic item not met"),
        _("Grade before the review"),
        *dimension_names,
    ]

    def lines():
        for a in rows:
            yield [
                a.institution.name,
                a.institution.unit.name if a.institution.unit_id else "",
                a.assessed_on,
                a.published_at,
                a.get_status_display(),
                a.total,
                a.grade or NO_GRADE,
                _("Yes") if a.vetoed else _("No"),
                a.grade_before_review,
                *[d.points for d in a.dimension_totals],
            ]

    return xlsx_response(
        filename=f"grades-{timezone.localdate():%Y%m%d}.xlsx",
        sheet=_("Grades"),
        headers=headers,
        rows=lines(),
    )
