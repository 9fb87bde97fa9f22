"""The institution's pages of grading: its published results with each dimension's score, and the one
review it may ask for within 15 working days of publication."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors

from . import services
from .forms import ReviewRequestForm
from .models import AssessmentStatus
from .selectors import (
    access_institution_assessment,
    attach_dimension_totals,
    band_label,
    institution_assessments,
)
from .services import NO_GRADE, REVIEW_WINDOW_WORKDAYS, review_deadline

MEMBERS = capabilities.INSTITUTION


@role_required(*MEMBERS)
def institution_grades(request):
    rows = attach_dimension_totals(list(institution_assessments(request.user)))
    for row in rows:
        row.band_label = band_label(row)
        row.review_due = review_deadline(row)
        row.may_request_review = row.status == AssessmentStatus.PUBLISHED and row.review_requested_at is None
    return render(
        request,
        "grading/institution_grades.html",
        {"rows": rows, "no_grade": NO_GRADE, "window": REVIEW_WINDOW_WORKDAYS},
    )


@role_required(*MEMBERS)
def review_request(request, pk: int):
    assessment = access_institution_assessment(request.user, pk)
    form = ReviewRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_request(
                assessment=assessment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your request for a review is received."))
            return redirect("grading:institution_grades")
    return render(
        request,
        "grading/review_request.html",
        {
            "assessment": assessment,
            "form": form,
            "due": review_deadline(assessment),
            "window": REVIEW_WINDOW_WORKDAYS,
            "no_grade": NO_GRADE,
        },
    )
