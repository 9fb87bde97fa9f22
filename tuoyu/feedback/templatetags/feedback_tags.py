"""Reviews and complaint counts on the public institution page. The institutions app never imports
feedback: its template loads this library. Three queries whatever the number of reviews or complaints:
the rating summary (one aggregate), the latest reviews (one query, replies are on the same row) and the
complaint counts (one grouped query)."""

from django import template

from tuoyu.accounts import capabilities

from .. import reviews, stats

register = template.Library()

SHOWN = 3


@register.filter
def stars(score) -> str:
    """★★★★☆ for 4, rounded to whole stars; an empty string without a score."""
    if score in (None, ""):
        return ""
    whole = max(0, min(5, int(float(score) + 0.5)))
    return "★" * whole + "☆" * (5 - whole)


@register.inclusion_tag("feedback/review_institution_panel.html", takes_context=True)
def institution_feedback(context, institution):
    request = context.get("request")
    user = getattr(request, "user", None)
    recent = reviews.recent_reviews(institution, SHOWN)
    for review in recent:
        review.label = reviews.reviewer_label(review)
        review.scores = reviews.aspect_scores(review)
    return {
        "institution": institution,
        "summary": reviews.rating_summary(institution),
        "recent": recent,
        "complaints": stats.institution_complaint_stats(institution),
        "is_family": capabilities.is_family(user),
    }
