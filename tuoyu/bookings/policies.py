"""An institution's booking policy: the waitlist rule it explains to families and how long an offer stays
open. Kept apart from services.py so the booking rules there stay one file about places."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.accounts.models import User
from tuoyu.institutions.models import Institution
from tuoyu.institutions.services import guard_member

from .models import BookingPolicy, WaitlistRule

MIN_OFFER_HOURS = 1
# A week: longer and a free place sits idle while the next families wait.
MAX_OFFER_HOURS = 168

# What each waitlist rule means for the family reading it, beside the rule's short name.
RULE_EXPLAINED = {
    WaitlistRule.FIRST_COME: gettext_lazy(
        "When a place frees up, it is offered to the family that applied earliest."
    ),
    WaitlistRule.MULTI_CHILD_FIRST: gettext_lazy(
        "When a place frees up, second and third children of a family are offered it first; "
        "within each of the two groups, the earlier application goes first."
    ),
    WaitlistRule.WORK_NEARBY_FIRST: gettext_lazy(
        "When a place frees up, families where both parents work nearby are offered it first; "
        "within each of the two groups, the earlier application goes first."
    ),
}


@transaction.atomic
def booking_policy_set(
    *, institution: Institution, by: User, waitlist_rule: str, offer_hours: int
) -> BookingPolicy:
    """Set the waitlist rule and the hours a family has to answer an offer. Applies to offers made from
    now on; an offer already made keeps the deadline the family was told."""
    guard_member(institution, by)
    errors: dict[str, list[str]] = {}
    if waitlist_rule not in WaitlistRule.values:
        errors["waitlist_rule"] = [_("Choose one of the waitlist rules.")]
    if not MIN_OFFER_HOURS <= offer_hours <= MAX_OFFER_HOURS:
        errors["offer_hours"] = [
            _("Give families between %(low)s and %(high)s hours to answer an offer.")
            % {"low": MIN_OFFER_HOURS, "high": MAX_OFFER_HOURS}
        ]
    if errors:
        raise ValidationError(errors)
    # Lock the row (or create it) so two people saving at once leave one consistent policy.
    policy, _created = BookingPolicy.objects.select_for_update().get_or_create(
        institution=institution,
        defaults={"waitlist_rule": waitlist_rule, "offer_hours": offer_hours},
    )
    policy.waitlist_rule = waitlist_rule
    policy.offer_hours = offer_hours
    policy.save(update_fields=["waitlist_rule", "offer_hours"])
    return policy
