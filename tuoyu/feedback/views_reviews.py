"""Pages of reviews (评价) and of the public complaint statistics. Views parse, authorise and render; the
rules are in reviews.py and stats.py.

A family sees only its own visits, places and reviews (anybody else's is a 404); an institution's people
the published reviews of the institutions they act for; the public the published reviews with a label in
place of the reviewer, and complaint counts without anything about who reported.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import Role
from tuoyu.bookings.models import Visit, VisitStatus
from tuoyu.core.access import public, role_required
from tuoyu.core.excel import xlsx_response
from tuoyu.core.forms import add_service_errors
from tuoyu.institutions.selectors import public_institutions

from . import reviews, stats
from .forms_reviews import ModerateForm, ReplyForm, ReviewForm
from .models import Review, ReviewStatus
from .services import today

FAMILY = capabilities.FAMILIES
# Those who answer reviews for the institution (its health officer does not speak for it in public).
INSTITUTION_PEOPLE = (Role.INSTITUTION_OPERATOR, Role.INSTITUTION_STAFF)
MODERATORS = capabilities.REVIEW_MODERATORS
REVIEWS_PER_PAGE = 20


def _decorate(rows):
    """What a page prints about a review: the reviewer's label and the aspects that were scored."""
    for review in rows:
        review.label = reviews.reviewer_label(review)
        review.scores = reviews.aspect_scores(review)
    return rows


def _page(request, qs):
    page = Paginator(qs, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    _decorate(page.object_list)
    return page


# --- families ------------------------------------------------------------------------------------


@role_required(*FAMILY)
def reviews_mine(request):
    """我的评价: the visits and places the family can review, and its reviews with their status."""
    return render(
        request,
        "feedback/review_mine.html",
        {
            "reviewable": reviews.reviewable_for(request.user),
            "reviews": _decorate(list(reviews.reviews_of_family(request.user).select_related("enrolment"))),
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


# --- the public ----------------------------------------------------------------------------------


@public
def institution_reviews(request, pk: int):
    """All published reviews of a public institution, newest first, with the average and count."""
    institution = get_object_or_404(public_institutions(), pk=pk)
    return render(
        request,
        "feedback/review_list.html",
        {
            "institution": institution,
            "summary": reviews.rating_summary(institution),
            "page": _page(request, reviews.published_reviews(institution)),
        },
    )


# --- institutions --------------------------------------------------------------------------------


@role_required(*INSTITUTION_PEOPLE)
def institution_review_list(request):
    """The published reviews of the institutions the user acts for, each answerable once."""
    return render(
        request,
        "feedback/review_institution.html",
        {"page": _page(request, reviews.reviews_for_institution_user(request.user)), "form": ReplyForm()},
    )


@role_required(*INSTITUTION_PEOPLE)
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


# --- moderators ----------------------------------------------------------------------------------


@role_required(*MODERATORS)
def moderation(request):
    return render(
        request,
        "feedback/moderation.html",
        {
            "held": _decorate(list(reviews.reviews_held()[:100])),
            "recent": _decorate(reviews.reviews_recently_published()),
        },
    )


@role_required(*MODERATORS)
@require_POST
def moderate(request, pk: int):
    review = get_object_or_404(Review, pk=pk)
    form = ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose whether to publish the review."))
        return redirect("feedback:moderation")
    publish = form.cleaned_data["decision"] == "publish"
    try:
        reviews.review_moderate(
            review=review, by=request.user, publish=publish, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(
            request, _("The review is published.") if publish else _("The review is not published.")
        )
    return redirect("feedback:moderation")


# --- public complaint statistics ----------------------------------------------------------------


def _year(request) -> int:
    this_year = today().year
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else this_year
    return year if 2000 <= year <= this_year else this_year


def _statistics(year: int):
    since, until = date(year, 1, 1), date(year + 1, 1, 1)
    units = stats.unit_complaint_stats(since, until)
    return units, stats.totals(units), stats.category_complaint_stats(since, until)


STAT_HEADERS = (
    gettext_lazy("Received"),
    gettext_lazy("Substantiated (fully or partly)"),
    gettext_lazy("Answered"),
    gettext_lazy("Answered on time"),
    gettext_lazy("Open and overdue"),
)


def _stat_headers() -> list[str]:
    return [str(h) for h in STAT_HEADERS]


@public
def statistics(request):
    """投诉举报统计: per street or town and per category for a year; counts only."""
    year = _year(request)
    units, total, categories = _statistics(year)
    first = stats.first_complaint_year() or year
    this_year = today().year
    return render(
        request,
        "feedback/stats_public.html",
        {
            "year": year,
            "years": list(range(this_year, min(first, year, this_year) - 1, -1)),
            "units": units,
            "total": total,
            "categories": categories,
            "headers": _stat_headers(),
        },
    )


@public
def statistics_export(request):
    year = _year(request)
    units, total, categories = _statistics(year)
    rows: list[list] = [[row.name or _("The district as a whole"), *row.counts.as_row()] for row in units]
    rows.append([_("Total"), *total.as_row()])
    rows.append([])
    rows.append([_("By category")])
    rows += [[label, *counts.as_row()] for label, counts in categories]
    return xlsx_response(
        filename=f"complaint-statistics-{year}.xlsx",
        sheet=_("Complaints %(year)s") % {"year": year},
        headers=[_("Street or town"), *_stat_headers()],
        rows=rows,
        note=_(
            "Complaints and reports received in %(year)s; a duplicate merged into another report is counted once. "
            "Substantiated includes partly substantiated. Open and overdue: still being handled past the deadline today."
        )
        % {"year": year},
    )
