"""The filing receipt's code and its public verification."""

import hashlib
import hmac
import json

from django.conf import settings

from tuoyu.institutions.models import Institution, InstitutionStatus

from ..models import Filing, FilingStatus


def receipt_code_for(institution: Institution) -> str:
    """A code over the institution's filed main data: it stops verifying as soon as that data changes."""
    classes = sorted((c.name, c.age_group, c.capacity) for c in institution.classes.all())
    payload = json.dumps(
        [
            institution.filing_number,
            institution.name,
            institution.uscc,
            institution.legal_representative,
            institution.address,
            institution.unit_id,
            institution.type,
            institution.ownership,
            institution.is_puhui,
            institution.capacity_total,
            classes,
        ],
        ensure_ascii=False,
    )
    digest = hmac.new(settings.SECRET_KEY.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return digest[:16].upper()


def receipt_verify(code: str) -> tuple[str, Filing | None]:
    """'valid', 'changed' (data changed since), 'deregistered' or 'unknown', with the filing it names."""
    filing = (
        Filing.objects.select_related("institution", "institution__unit")
        .prefetch_related("institution__classes")
        .filter(receipt_code=code.strip().upper(), status=FilingStatus.APPROVED)
        .first()
    )
    if filing is None or filing.institution is None:
        return "unknown", None
    institution = filing.institution
    if institution.status == InstitutionStatus.DEREGISTERED:
        return "deregistered", filing
    if institution.status != InstitutionStatus.FILED or receipt_code_for(institution) != filing.receipt_code:
        return "changed", filing
    return "valid", filing
