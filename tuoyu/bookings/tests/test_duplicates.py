"""One open application per child and institution (two browser tabs, two idempotency keys), and no
500 when an application meets a child who already has a place.

The real race runs on PostgreSQL in test_concurrency.py. Here the race is replayed in one connection:
the other tab's application lands between the service's check and its insert, which is the moment
only the database constraint can still catch.
"""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tuoyu.bookings import services
from tuoyu.bookings.models import Application, ApplicationStatus, BookingEvent, Enrolment
from tuoyu.bookings.tests.conftest import next_week
from tuoyu.institutions.models import ClassGroup

pytestmark = pytest.mark.django_db

APPLICATIONS = "/api/v1/applications/"
DUPLICATE = "already has an application at this institution"
ATTENDS = "already attends this institution"
# A refusal in the API's error shape, never a 500: 400, or 409 where the API answers a refusal by the
# record's state as a conflict (core.api.CONFLICT_CODES may take "already_enrolled").
STATE_REFUSED = (400, 409)


@pytest.fixture
def client(client, settings):
    """English answers: the assertions read the messages as written in the code."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _submit(family, child, institution, *, key=None):
    return services.application_submit(
        family=family,
        child=child,
        institution=institution,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key=key or uuid.uuid4().hex,
    )


def _other_tab(family, child, institution, *, status=ApplicationStatus.SUBMITTED, **extra):
    """An application written straight to the table, as another tab's commit (or a row from before the
    constraint) would leave it."""
    return Application.objects.create(
        family=family,
        child=child,
        institution=institution,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        status=status,
        idempotency_key=uuid.uuid4().hex,
        **extra,
    )


@pytest.fixture
def other_tab_commits_in_between(monkeypatch):
    """The other tab's application commits after this submission checked for one and before it inserts:
    free_places runs in exactly that gap."""

    def arm(family, child, institution):
        real = services.free_places
        landed = []

        def free_places(*args, **kwargs):
            if not landed:
                landed.append(_other_tab(family, child, institution))
            return real(*args, **kwargs)

        # Where the submission looks it up: services is a package, one module per subject.
        monkeypatch.setattr(services.applications, "free_places", free_places)
        return landed

    return arm


def _body(child, institution) -> dict:
    return {
        "child": child.pk,
        "institution": institution.pk,
        "age_group": "toddler",
        "service_type": "full_day",
        "start_date": next_week().isoformat(),
    }


# --- the database -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED, "offered"])
def test_the_database_refuses_a_second_open_application_for_one_child_at_one_institution(
    family, toddler_child, nursery, status
):
    child = toddler_child(family)
    _submit(family, child, nursery)
    with pytest.raises(IntegrityError), transaction.atomic():
        _other_tab(family, child, nursery, status=status)


def test_the_database_allows_a_new_application_once_the_old_one_is_closed(family, toddler_child, nursery):
    child = toddler_child(family)
    first = _submit(family, child, nursery)
    services.application_cancel(application=first, by=family)
    again = _submit(family, child, nursery)
    assert again.pk != first.pk and again.status == ApplicationStatus.SUBMITTED


# --- a second tab -------------------------------------------------------------------------------


def test_a_second_tab_with_another_key_is_told_the_child_already_has_an_application(
    family, toddler_child, nursery
):
    child = toddler_child(family)
    _submit(family, child, nursery)
    with pytest.raises(ValidationError) as refused:
        _submit(family, child, nursery)
    assert refused.value.error_dict["child"][0].code == "duplicate_application"
    assert Application.objects.filter(child=child).count() == 1


def test_an_application_that_slips_past_the_check_meets_the_constraint_and_the_clear_message(
    family, toddler_child, nursery, other_tab_commits_in_between
):
    child = toddler_child(family)
    landed = other_tab_commits_in_between(family, child, nursery)
    with pytest.raises(ValidationError) as refused:
        _submit(family, child, nursery)
    error = refused.value.error_dict["child"][0]
    assert error.code == "duplicate_application"
    assert len(landed) == 1
    # Nothing of the refused submission is left: no application, no orphan event. (In this one-connection
    # replay the other tab's row shares the refused transaction and goes with it; on PostgreSQL it stays.)
    assert not Application.objects.exists() and not BookingEvent.objects.exists()
    assert ClassGroup.objects.get(institution=nursery, age_group="toddler").enrolled == 12


def test_over_the_api_the_slipped_application_is_a_400_naming_the_child(
    client, family, toddler_child, nursery, other_tab_commits_in_between
):
    child = toddler_child(family)
    landed = other_tab_commits_in_between(family, child, nursery)
    client.force_login(family)
    response = client.post(
        APPLICATIONS,
        _body(child, nursery),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )
    assert response.status_code == 400, response.content
    assert DUPLICATE in response.json()["errors"]["child"][0]
    assert len(landed) == 1 and not Application.objects.exists()


def test_on_the_page_the_slipped_application_is_a_message_on_the_form(
    client, family, toddler_child, nursery, other_tab_commits_in_between
):
    child = toddler_child(family)
    landed = other_tab_commits_in_between(family, child, nursery)
    client.force_login(family)
    response = client.post(
        f"/bookings/institutions/{nursery.pk}/",
        {**_body(child, nursery), "action": "apply", "notes": "", "key": uuid.uuid4().hex},
    )
    assert response.status_code == 200
    assert DUPLICATE in response.content.decode()
    assert len(landed) == 1 and not Application.objects.exists()


def test_a_replay_of_the_first_key_answers_the_first_application_even_after_it_moved_on(
    family, toddler_child, nursery, operator
):
    child = toddler_child(family)
    first = _submit(family, child, nursery, key="tab-one")
    services.application_accept(application=first, by=operator)
    assert _submit(family, child, nursery, key="tab-one").pk == first.pk
    assert Application.objects.filter(child=child).count() == 1


# --- a child who already has a place ------------------------------------------------------------


@pytest.fixture
def enrolled(family, toddler_child, nursery, operator):
    """A child with a place at the nursery through an accepted application."""
    child = toddler_child(family)
    services.application_accept(application=_submit(family, child, nursery), by=operator)
    return child


def test_a_child_who_already_attends_cannot_apply_there_again(family, nursery, enrolled):
    with pytest.raises(ValidationError) as refused:
        _submit(family, enrolled, nursery)
    assert refused.value.error_dict["child"][0].code == "already_enrolled"
    assert Application.objects.filter(child=enrolled).count() == 1


def test_accepting_an_application_for_a_child_who_already_attends_is_a_400_not_a_500(
    client, family, nursery, operator, enrolled
):
    stale = _other_tab(family, enrolled, nursery)
    client.force_login(operator)
    response = client.post(f"{APPLICATIONS}{stale.pk}/accept/")
    assert response.status_code in STATE_REFUSED, response.content
    assert ATTENDS in response.json()["errors"]["non_field_errors"][0]
    assert Enrolment.objects.filter(child=enrolled).count() == 1
    assert ClassGroup.objects.get(institution=nursery, age_group="toddler").enrolled == 13
    assert Application.objects.get(pk=stale.pk).status == ApplicationStatus.SUBMITTED


def test_accepting_it_on_the_page_says_why_instead_of_a_500(client, family, nursery, operator, enrolled):
    stale = _other_tab(family, enrolled, nursery)
    client.force_login(operator)
    response = client.post(f"/bookings/manage/applications/{stale.pk}/accept/", follow=True)
    assert response.status_code == 200
    assert ATTENDS in response.content.decode()
    assert Enrolment.objects.filter(child=enrolled).count() == 1


def test_taking_an_offer_for_a_child_who_already_attends_says_why_over_the_api_and_the_page(
    client, family, nursery, enrolled
):
    stale = _other_tab(
        family,
        enrolled,
        nursery,
        status=ApplicationStatus.OFFERED,
        offer_expires_at=timezone.now() + timedelta(hours=48),
    )
    client.force_login(family)
    response = client.post(f"{APPLICATIONS}{stale.pk}/accept-offer/")
    assert response.status_code in STATE_REFUSED, response.content
    assert ATTENDS in response.json()["errors"]["non_field_errors"][0]
    response = client.post(f"/bookings/applications/{stale.pk}/accept-offer/", follow=True)
    assert response.status_code == 200 and ATTENDS in response.content.decode()
    assert Enrolment.objects.filter(child=enrolled).count() == 1
    assert Application.objects.get(pk=stale.pk).status == ApplicationStatus.OFFERED


# --- rows from before the constraint ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_closes_duplicates_from_before_keeping_the_offer_or_else_the_oldest(
    family, toddler_child, nursery
):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("bookings", "0001_initial")])
    try:
        one, two = toddler_child(family, name="甲"), toddler_child(family, name="乙")
        oldest, newer = _other_tab(family, one, nursery), _other_tab(family, one, nursery)
        waiting = _other_tab(family, two, nursery, status=ApplicationStatus.WAITLISTED)
        offered = _other_tab(family, two, nursery, status=ApplicationStatus.OFFERED)
        closed_before = _other_tab(family, two, nursery, status=ApplicationStatus.DECLINED)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    status = dict(Application.objects.values_list("pk", "status"))
    assert (
        status[oldest.pk] == ApplicationStatus.SUBMITTED and status[offered.pk] == ApplicationStatus.OFFERED
    )
    assert status[newer.pk] == status[waiting.pk] == ApplicationStatus.CANCELLED
    assert status[closed_before.pk] == ApplicationStatus.DECLINED
    # The family reads why on the timeline.
    events = BookingEvent.objects.filter(application__in=[newer, waiting])
    assert sorted(events.values_list("from_status", "to_status")) == [
        ("submitted", "cancelled"),
        ("waitlisted", "cancelled"),
    ]
    assert all(event.note for event in events)
