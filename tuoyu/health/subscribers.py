"""What the health app does when something happens elsewhere (core.events)."""

from tuoyu.core import events


@events.subscriber("bookings.enrolled")
def open_record_at_enrolment(*, enrolment, by) -> None:
    """A child who enrols has a health record from that moment: opened here, or, when the child already
    has one kept by another institution, a transfer waiting for the guardian's consent."""
    from .services.records import record_open_for_enrolment

    record_open_for_enrolment(enrolment=enrolment, by=by)
