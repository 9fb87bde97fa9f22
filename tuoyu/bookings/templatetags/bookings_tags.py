"""The booking box on the public institution page. The institutions app never imports bookings: its
template loads this library. An anonymous visitor costs no query here; a signed-in family two (its
applications and booked visits at this institution), whatever the institution."""

from django import template

from tuoyu.accounts.capabilities import is_family

from .. import selectors
from ..models import VisitStatus

register = template.Library()

SHOWN = 5


@register.inclusion_tag("bookings/includes/booking_panel.html", takes_context=True)
def booking_panel(context, institution):
    request = context.get("request")
    user = getattr(request, "user", None)
    family = is_family(user)
    panel = {
        "institution": institution,
        "is_family": family,
        "is_anonymous": user is None or not user.is_authenticated,
        "applications": [],
        "visits": [],
    }
    if family:
        panel["applications"] = list(
            selectors.applications_for_user(user)
            .filter(institution=institution)
            .order_by("-created_at")[:SHOWN]
        )
        panel["visits"] = list(
            selectors.visits_for_user(user)
            .filter(slot__institution=institution, status=VisitStatus.BOOKED)
            .order_by("slot__starts_at")[:SHOWN]
        )
    return panel


@register.filter
def day_text(value) -> str:
    """A day as the next steps write it ("12月3日 星期四"), for the pages that show one beside them."""
    from ..progress import day_text as as_text

    return as_text(value) if value else ""
