"""Health records: opened at enrolment, kept by the child's institution, moved only with consent."""

from django.db import transaction

from tuoyu.accounts.models import User

from ..models import HealthRecord, RecordTransfer, TransferStatus


@transaction.atomic
def record_open_for_enrolment(*, enrolment, by: User) -> HealthRecord:
    """Open the child's record, kept by the institution the child enrols at. A child who already has a
    record kept elsewhere keeps it there until the guardian consents: a pending transfer is opened (once)."""
    record, created = HealthRecord.objects.get_or_create(
        child_id=enrolment.child_id, defaults={"institution_id": enrolment.institution_id}
    )
    if not created and record.institution_id != enrolment.institution_id:
        RecordTransfer.objects.get_or_create(
            record=record,
            status=TransferStatus.PENDING,
            defaults={
                "from_institution_id": record.institution_id,
                "to_institution_id": enrolment.institution_id,
            },
        )
    return record
