"""A child's health record opens when the child enrols (core.events "bookings.enrolled"), and moves to a
new institution only with consent."""

import pytest

from tuoyu.health.models import HealthRecord, RecordTransfer, TransferStatus

pytestmark = pytest.mark.django_db


def test_enrolling_a_child_opens_the_record_kept_by_the_institution(health_institution, enrol):
    enrolment = enrol(health_institution)
    record = HealthRecord.objects.get(child=enrolment.child)
    assert record.institution == health_institution


def test_enrolling_elsewhere_asks_for_consent_instead_of_moving_the_record(
    health_institution, other_institution, enrol, other_operator
):
    from tuoyu.bookings.models import Enrolment, EnrolmentStatus

    enrolment = enrol(health_institution)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.ENDED)
    from tuoyu.health.services.records import record_open_for_enrolment

    moved = Enrolment(child=enrolment.child, institution=other_institution)
    record_open_for_enrolment(enrolment=moved, by=other_operator)
    record_open_for_enrolment(enrolment=moved, by=other_operator)  # once, however often
    record = HealthRecord.objects.get(child=enrolment.child)
    assert record.institution == health_institution
    transfer = RecordTransfer.objects.get(record=record)
    assert (transfer.status, transfer.to_institution) == (TransferStatus.PENDING, other_institution)


def test_the_move_has_a_timeline_from_asked_to_decided(
    health_institution, other_institution, enrol, other_operator, family
):
    from tuoyu.bookings.models import Enrolment, EnrolmentStatus
    from tuoyu.health.services.records import CONSENT_ONLINE, record_open_for_enrolment, transfer_consent

    enrolment = enrol(health_institution, family=family)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.ENDED)
    record_open_for_enrolment(
        enrolment=Enrolment(child=enrolment.child, institution=other_institution), by=other_operator
    )
    transfer = RecordTransfer.objects.get(record__child=enrolment.child)
    transfer_consent(transfer=transfer, by=family, consent=True, kind=CONSENT_ONLINE)
    steps = list(transfer.events.values_list("from_status", "to_status", "by__username"))
    assert steps == [
        ("", TransferStatus.PENDING, other_operator.username),
        (TransferStatus.PENDING, TransferStatus.CONSENTED, family.username),
    ]
    assert HealthRecord.objects.get(pk=transfer.record_id).institution == other_institution
