"""A filed institution's change (变更) and deregistration (注销) applications: one open application at a time."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import User
from tuoyu.institutions.models import Institution, InstitutionStatus
from tuoyu.institutions.services import guard_member

from ..data import data_from_institution
from ..models import Filing, FilingKind, FilingStatus
from ..workflow import OPEN_STATUSES


def _guard_no_open_filing(institution: Institution) -> None:
    if Filing.objects.filter(institution=institution, status__in=OPEN_STATUSES).exists():
        raise ValidationError(_("This institution already has an application in progress."), code="open")


@transaction.atomic
def filing_start_change(*, institution: Institution, by: User) -> Filing:
    """A change (变更) starts from the filed data; the public page keeps showing it until approval."""
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    guard_member(institution, by)
    if institution.status != InstitutionStatus.FILED:
        raise ValidationError(_("Only a filed institution can file a change."), code="status")
    _guard_no_open_filing(institution)
    data = data_from_institution(institution)
    # The staff summary is not part of the register; carry it over from the last approved filing.
    last = (
        Filing.objects.filter(institution=institution, status=FilingStatus.APPROVED)
        .exclude(kind=FilingKind.DEREGISTRATION)
        .order_by("-decided_at")
        .first()
    )
    if last is not None:
        data["staff"] = dict(last.data.get("staff") or {})
    return Filing.objects.create(kind=FilingKind.CHANGE, applicant=by, institution=institution, data=data)


@transaction.atomic
def filing_start_deregistration(
    *, institution: Institution, by: User, reason: str, last_day: date | None = None
) -> Filing:
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    guard_member(institution, by)
    if institution.status not in (InstitutionStatus.FILED, InstitutionStatus.SUSPENDED):
        raise ValidationError(_("Only a filed institution can be deregistered."), code="status")
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for deregistration.")]})
    _guard_no_open_filing(institution)
    return Filing.objects.create(
        kind=FilingKind.DEREGISTRATION,
        applicant=by,
        institution=institution,
        data={
            "deregistration": {"reason": reason.strip(), "last_day": last_day.isoformat() if last_day else ""}
        },
        pledge_accepted_at=timezone.now(),
    )
