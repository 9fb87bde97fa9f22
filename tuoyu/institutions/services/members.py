"""Who may act for an institution."""

from django.core.exceptions import PermissionDenied

from ..models import Institution
from ..selectors import is_member


def guard_member(institution: Institution | int, by) -> None:
    """Refuse (403) anyone who does not act for the institution: every app's writes for an institution
    start here."""
    if not is_member(by, institution):
        raise PermissionDenied
