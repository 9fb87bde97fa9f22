"""The filing receipt (备案回执): the institution's filed data, with a QR code to the public check."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tuoyu.core.pdf import ReceiptData, render_receipt_pdf
from tuoyu.institutions.models import Institution

from .models import Filing


def receipt_data(*, filing: Filing, base_url: str) -> ReceiptData:
    institution = (
        Institution.objects.select_related("unit").prefetch_related("classes").get(pk=filing.institution_id)
    )
    verify_path = reverse("filings:verify_code", args=[filing.receipt_code])
    return ReceiptData(
        filing_number=institution.filing_number,
        institution_name=institution.name,
        uscc=institution.uscc,
        legal_representative=institution.legal_representative,
        address=f"{institution.unit.name}{institution.address}",
        institution_type=institution.get_type_display(),
        ownership=institution.get_ownership_display(),
        is_puhui=institution.is_puhui,
        capacity=institution.capacity_total,
        classes=[(c.name, str(c.get_age_group_display()), c.capacity) for c in institution.classes.all()],
        service_types=[str(label) for label in institution.service_type_labels],
        issued_on=timezone.localdate(filing.decided_at) if filing.decided_at else timezone.localdate(),
        issuer=settings.TUOYU_ISSUER,
        verify_url=base_url.rstrip("/") + verify_path,
        verification_code=filing.receipt_code,
        demo=settings.TUOYU_DEMO or institution.is_demo,
    )


def receipt_pdf(*, filing: Filing, request) -> bytes:
    return render_receipt_pdf(receipt_data(filing=filing, base_url=request.build_absolute_uri("/")))
