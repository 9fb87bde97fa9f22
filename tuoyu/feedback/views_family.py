"""The family's pages of feedback: 我的评价, the visits and places it can review, and the review form. A
family sees only its own visits, places and reviews; anybody else's is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.bookings.models import Visit, VisitStatus
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors

from . import reviews
from .forms import ReviewForm
from .models import Review, ReviewStatus

FAMILY = capabilities.FAMILIES


@role_required(*FAMILY)
def reviews_mine(request):
    """我的评价: the visits and places the family can review, and its reviews with their status."""
    return render(
        request,
        "feedback/review_mine.html",
        {
            "reviewable": reviews.reviewable_for(request.user),
            "reviews": reviews.decorate(
                list(reviews.reviews_of_family(request.user).select_related("enrolment"))
            ),
        },
    )


@role_required(*FAMILY)
def review_new(request, basis: str, pk: int):
    basis_obj = reviews.access_review_basis_for_family(request.user, basis, pk)
    if isinstance(basis_obj, Visit):
        if basis_obj.status != VisitStatus.ATTENDED:
            # Only a visit the institution recorded as made can be reviewed.
            raise Http404
        institution, kwargs = basis_obj.slot.institution, {"visit": basis_obj}
    else:
        institution, kwargs = basis_obj.institution, {"enrolment": basis_obj}
    if Review.objects.filter(**kwargs).exists():
        messages.info(request, reviews.ALREADY_REVIEWED)
        return redirect("feedback:reviews_mine")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = reviews.review_submit(
                family=request.user,
                overall=form.cleaned_data["overall"],
                aspects=form.aspects(),
                text=form.cleaned_data["text"],
                **kwargs,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if review.status == ReviewStatus.HELD:
                messages.info(
                    request,
                    _("Thank you. Your review waits for a moderator before it is shown: %(reason)s.")
                    % {"reason": review.held_reason},
                )
            else:
                messages.success(request, _("Thank you. Your review is published."))
            return redirect("feedback:reviews_mine")
    return render(
        request,
        "feedback/review_form.html",
        {"form": form, "institution": institution, "basis": basis, "basis_obj": basis_obj},
    )
