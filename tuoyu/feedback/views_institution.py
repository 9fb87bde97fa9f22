"""The institution's pages of feedback: the complaints about the institutions the user acts for, each
answerable once (never who complained), and their published reviews, each answerable once in public."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors

from . import reviews, selectors, services
from .forms import InstitutionReplyForm, ReplyForm
from .selectors import QUEUE_PAGE_SIZE, access_complaint_for_institution_user
from .workflow import ACCEPTS_INFORMATION

INSTITUTION_PEOPLE = capabilities.INSTITUTION


# Those who answer reviews for the institution (its health officer does not speak for it in public).
REVIEW_ANSWERERS = tuple(capabilities.INSTITUTION_OFFICE)


# What the institution's page loads: the case and its answer, never the reporter's fields or photos.
INSTITUTION_FIELDS = (
    "tracking_number",
    "received_at",
    "category",
    "status",
    "description",
    "finding",
    "answer",
    "answered_at",
    "institution_reply",
    "institution_replied_at",
    "institution",
    "institution__name",
)


def _messages(form) -> list[str]:
    return [message for errors in form.errors.values() for message in errors]


def _render_institution(request, *, bound: dict | None = None, status: int = 200):
    qs = (
        selectors.complaints_for_institution_user(request.user)
        .select_related("institution")
        .only(*INSTITUTION_FIELDS)
    )
    page = Paginator(qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    bound = bound or {}
    for complaint in page:
        complaint.reply_form = bound.get(complaint.pk) or InstitutionReplyForm(prefix=f"c{complaint.pk}")
        complaint.can_reply = (
            complaint.institution_replied_at is None and complaint.status in ACCEPTS_INFORMATION
        )
    errors = [message for form in bound.values() for message in _messages(form)]
    return render(
        request, "feedback/institution_complaints.html", {"page": page, "errors": errors}, status=status
    )


@role_required(*INSTITUTION_PEOPLE)
def institution_complaints(request):
    return _render_institution(request)


@role_required(*INSTITUTION_PEOPLE)
@require_POST
def institution_reply(request, pk: int):
    complaint = access_complaint_for_institution_user(request.user, pk)
    form = InstitutionReplyForm(request.POST, prefix=f"c{complaint.pk}")
    if form.is_valid():
        try:
            services.complaint_institution_reply(
                complaint=complaint, by=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your reply to %(number)s was sent to the department handling it.")
                % {"number": complaint.tracking_number},
            )
            return redirect("feedback:institution_complaints")
    return _render_institution(request, bound={complaint.pk: form}, status=400)


@role_required(*REVIEW_ANSWERERS)
def institution_review_list(request):
    """The published reviews of the institutions the user acts for, each answerable once."""
    return render(
        request,
        "feedback/review_institution.html",
        {
            "page": reviews.page_of(
                request.GET.get("page"), reviews.reviews_for_institution_user(request.user)
            ),
            "form": ReplyForm(),
        },
    )


@role_required(*REVIEW_ANSWERERS)
@require_POST
def review_reply(request, pk: int):
    review = get_object_or_404(reviews.reviews_for_institution_user(request.user), pk=pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("feedback:institution_review_list")
    try:
        reviews.review_reply(review=review, by=request.user, text=form.cleaned_data["text"])
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Your reply is published beneath the review."))
    return redirect("feedback:institution_review_list")
