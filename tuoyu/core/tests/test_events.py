"""core.events: a published event runs its subscribers in the publisher's transaction."""

import pytest
from django.db import transaction

from tuoyu.core import events


def test_an_unknown_event_or_a_wrong_payload_fails_at_once():
    with pytest.raises(ValueError):
        events.publish("bookings.enroled", enrolment=None, by=None)
    with pytest.raises(ValueError):
        events.subscriber("nobody.listens")
    with pytest.raises(TypeError):
        events.publish("bookings.enrolled", enrolment=None)


@pytest.mark.django_db
def test_a_subscriber_that_fails_rolls_the_publishers_change_back(make_institution, monkeypatch):
    from tuoyu.institutions.models import Institution

    def refuse(*, enrolment, by):
        raise RuntimeError("the subscriber refused")

    monkeypatch.setitem(events._SUBSCRIBERS, "bookings.enrolled", [refuse])
    monkeypatch.setattr(events, "_discovered", True)
    before = Institution.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_institution()
        events.publish("bookings.enrolled", enrolment=None, by=None)
    assert Institution.objects.count() == before


def test_the_health_app_subscribes_to_enrolments():
    events._discover()
    names = [f"{f.__module__}.{f.__name__}" for f in events._SUBSCRIBERS["bookings.enrolled"]]
    assert "tuoyu.health.subscribers.open_record_at_enrolment" in names
