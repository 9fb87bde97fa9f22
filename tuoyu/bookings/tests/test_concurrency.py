"""Places are exact under concurrent requests. Row locks do nothing on SQLite, so this runs on
PostgreSQL (CI runs the suite there) with real transactions in real threads."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tuoyu.bookings import services
from tuoyu.bookings.models import Application, ApplicationStatus, BookingEvent, Enrolment, Visit, VisitSlot
from tuoyu.bookings.tests.conftest import next_week
from tuoyu.bookings.workflow import OPEN
from tuoyu.core.testing import race
from tuoyu.institutions.models import ClassGroup, Institution

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL; .ci/run runs this there"
    ),
]

RACERS = 50


def test_fifty_acceptances_for_the_last_three_places_enrol_exactly_three(
    nursery, operator, make_family, toddler_child
):
    applications = []
    for i in range(RACERS):
        family = make_family()
        applications.append(
            services.application_submit(
                family=family,
                child=toddler_child(family, name=f"孩子{i}"),
                institution=nursery,
                age_group="toddler",
                service_type="full_day",
                start_date=next_week(),
                idempotency_key=uuid.uuid4().hex,
            )
        )
    outcomes = race(
        [lambda a=a: services.application_accept(application=a, by=operator) for a in applications]
    )
    assert [kind for kind, _ in outcomes if kind != "ok"] == []  # no errors: every answer is a result
    accepted = [result for _, result in outcomes if result.accepted]
    refused = [result for _, result in outcomes if not result.accepted]
    assert len(accepted) == 3 and len(refused) == RACERS - 3
    assert all(result.message for result in refused)  # the clear "no place left"
    assert Enrolment.objects.count() == 3
    assert ClassGroup.objects.get(institution=nursery, age_group="toddler").enrolled == 15
    assert Institution.objects.get(pk=nursery.pk).enrolled_total == 35
    # The waitlist holds everyone else, in the order they applied.
    waiting = list(services.waitlist(nursery, "toddler").values_list("pk", flat=True))
    expected = [a.pk for a in applications if a.pk not in {r.application.pk for r in accepted}]
    assert waiting == expected
    assert all(
        s == ApplicationStatus.WAITLISTED
        for s in services.waitlist(nursery, "toddler").values_list("status", flat=True)
    )


def test_fifty_bookings_for_a_visit_slot_with_three_seats_book_exactly_three(nursery, operator, make_family):
    start = timezone.now() + timedelta(days=2)
    slot = services.visit_slot_create(
        institution=nursery, by=operator, starts_at=start, ends_at=start + timedelta(hours=1), capacity=3
    )
    families = [make_family() for _ in range(RACERS)]
    outcomes = race(
        [
            lambda f=f: services.visit_book(slot=slot, family=f, idempotency_key=uuid.uuid4().hex)
            for f in families
        ]
    )
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("ok") == 3 and kinds.count("refused") == RACERS - 3 and "error" not in kinds
    assert {exc.code for kind, exc in outcomes if kind == "refused"} == {"full"}
    assert Visit.objects.count() == 3 and VisitSlot.objects.get(pk=slot.pk).booked == 3


def test_a_double_clicked_application_creates_one(nursery, make_family, toddler_child):
    family = make_family()
    child = toddler_child(family)
    outcomes = race(
        [
            lambda: services.application_submit(
                family=family,
                child=child,
                institution=nursery,
                age_group="toddler",
                service_type="full_day",
                start_date=next_week(),
                idempotency_key="double-click",
            )
            for _ in range(5)
        ]
    )
    assert {kind for kind, _ in outcomes} == {"ok"}
    assert len({result.pk for _, result in outcomes}) == 1


def _signed_in_client(user):
    """A client of its own per racing request (a thread), in English so the answers read as in the code."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def _apply_over_the_api(client, child, institution, key):
    return client.post(
        "/api/v1/applications/",
        {
            "child": child.pk,
            "institution": institution.pk,
            "age_group": "toddler",
            "service_type": "full_day",
            "start_date": next_week().isoformat(),
        },
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_twenty_tabs_applying_for_one_child_with_twenty_keys_leave_one_open_application(
    nursery, family, toddler_child
):
    child = toddler_child(family)
    clients = [_signed_in_client(family) for _ in range(20)]
    outcomes = race([lambda c=c: _apply_over_the_api(c, child, nursery, uuid.uuid4().hex) for c in clients])
    assert [kind for kind, _ in outcomes if kind != "ok"] == []  # nothing raised: every request answered
    codes = sorted(response.status_code for _, response in outcomes)
    assert codes == [201] + [400] * 19
    for _, response in outcomes:
        if response.status_code == 400:
            assert response.json()["errors"]["child"] == [
                f"{child.name} already has an application at this institution."
            ]
    assert Application.objects.filter(child=child).count() == 1
    (winner,) = [response.json()["id"] for _, response in outcomes if response.status_code == 201]
    assert Application.objects.get(child=child).pk == winner
    assert BookingEvent.objects.filter(application__child=child).count() == 1


def test_twenty_tabs_racing_through_the_service_refuse_nineteen_with_the_duplicate_code(
    nursery, family, toddler_child
):
    child = toddler_child(family)
    outcomes = race(
        [
            lambda: services.application_submit(
                family=family,
                child=child,
                institution=nursery,
                age_group="toddler",
                service_type="full_day",
                start_date=next_week(),
                idempotency_key=uuid.uuid4().hex,
            )
            for _ in range(20)
        ]
    )
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("ok") == 1 and kinds.count("refused") == 19, outcomes
    assert {exc.error_dict["child"][0].code for kind, exc in outcomes if kind == "refused"} == {
        "duplicate_application"
    }
    assert Application.objects.filter(child=child, status__in=OPEN).count() == 1


def test_ten_requests_with_one_key_all_answer_the_first_application(nursery, family, toddler_child):
    child = toddler_child(family)
    clients = [_signed_in_client(family) for _ in range(10)]
    outcomes = race([lambda c=c: _apply_over_the_api(c, child, nursery, "one-key") for c in clients])
    assert [kind for kind, _ in outcomes if kind != "ok"] == []
    assert {response.status_code for _, response in outcomes} <= {200, 201}
    assert len({response.json()["id"] for _, response in outcomes}) == 1
    assert Application.objects.filter(child=child).count() == 1
