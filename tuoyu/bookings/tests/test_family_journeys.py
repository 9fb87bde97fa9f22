"""A family's journeys finished without help (issue 11): adding a child from an institution's page and
coming back there, booking a visit with a choice of child and a confirmation step, and each matter's
next step in plain words with the date to expect it (bookings.progress)."""

import re
import uuid
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.bookings import progress, services
from tuoyu.bookings.models import Application, Child, Visit, VisitSlot, VisitStatus
from tuoyu.bookings.tests.conftest import months_ago, next_week
from tuoyu.core.testing import race
from tuoyu.institutions.models import ClassGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _slot(institution, operator, *, days=2, capacity=3):
    day = timezone.localdate() + timedelta(days=days)
    start = timezone.make_aware(datetime.combine(day, time(9, 30)))
    return services.visit_slot_create(
        institution=institution,
        by=operator,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=capacity,
    )


def _child_data(name="小明"):
    return {"name": name, "sex": "M", "birth_date": months_ago(14).isoformat(), "id_number": ""}


# --- adding a child from where the family needed one ---------------------------------------------------


def test_the_institution_page_sends_a_family_without_a_child_to_add_one_and_back(client, family, nursery):
    client.force_login(family)
    page = client.get(f"/bookings/institutions/{nursery.pk}/").content.decode()
    link = f'href="/bookings/children/new/?next=/bookings/institutions/{nursery.pk}/"'
    assert link in page
    form = client.get(f"/bookings/children/new/?next=/bookings/institutions/{nursery.pk}/").content.decode()
    assert f'name="next" value="/bookings/institutions/{nursery.pk}/"' in form
    response = client.post(
        "/bookings/children/new/",
        {**_child_data(), "next": f"/bookings/institutions/{nursery.pk}/"},
        follow=True,
    )
    child = Child.objects.get(family=family)
    assert response.redirect_chain == [(f"/bookings/institutions/{nursery.pk}/?child={child.pk}", 302)]
    assert [str(m) for m in response.context["messages"]] == ["小明 was added."]
    assert response.context["child"] == child  # the new child is the one the page is about


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/bookings/", "javascript:alert(1)"]
)
def test_a_next_off_this_site_is_not_followed(client, family, target):
    client.force_login(family)
    response = client.post("/bookings/children/new/", {**_child_data(), "next": target})
    assert response.status_code == 302 and response["Location"] == "/bookings/me/"
    assert Child.objects.filter(family=family).count() == 1


def test_a_next_elsewhere_on_the_site_is_followed_as_it_is(client, family):
    client.force_login(family)
    response = client.post("/bookings/children/new/", {**_child_data(), "next": "/mine/"})
    assert response["Location"] == "/mine/"


def test_a_mistake_keeps_the_way_back(client, family, nursery):
    client.force_login(family)
    back = f"/bookings/institutions/{nursery.pk}/"
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post("/bookings/children/new/", {**_child_data(), "birth_date": future, "next": back})
    assert response.status_code == 200 and response.context["form"].errors["birth_date"]
    assert f'name="next" value="{back}"' in response.content.decode()
    assert not Child.objects.exists()


# --- booking a visit in two steps ------------------------------------------------------------------


def test_the_confirmation_shows_the_day_time_and_address_and_books_nothing(
    client, family, nursery, operator, toddler_child
):
    slot = _slot(nursery, operator)
    first, second = toddler_child(family, name="老大"), toddler_child(family, name="老二", months=13)
    client.force_login(family)
    page = client.get(f"/bookings/institutions/{nursery.pk}/visits/{slot.pk}/", {"child": second.pk})
    html = page.content.decode()
    assert 'data-testid="visit-time">09:30–10:30<' in html
    assert nursery.address in html
    assert progress.day_text(slot.starts_at) in html
    # Both children and "just looking" are choices; the one the family came with is chosen.
    assert f'value="{first.pk}"' in html and f'value="{second.pk}"' in html and 'value=""' in html
    assert re.search(rf'value="{second.pk}"[^>]*checked', html)
    assert not Visit.objects.exists() and VisitSlot.objects.get(pk=slot.pk).booked == 0


def test_a_family_books_for_the_child_it_chose(client, family, nursery, operator, toddler_child):
    slot = _slot(nursery, operator)
    toddler_child(family, name="老大")
    second = toddler_child(family, name="老二", months=13)
    client.force_login(family)
    response = client.post(
        f"/bookings/institutions/{nursery.pk}/visits/{slot.pk}/",
        {"child": second.pk, "key": uuid.uuid4().hex},
        follow=True,
    )
    assert response.redirect_chain == [("/mine/", 302)]
    visit = Visit.objects.get(family=family)
    assert visit.child == second and visit.status == VisitStatus.BOOKED
    [message] = [str(m) for m in response.context["messages"]]
    assert nursery.name in message and "09:30" in message


def test_a_family_may_visit_just_looking(client, family, nursery, operator):
    slot = _slot(nursery, operator)
    client.force_login(family)
    page = client.get(f"/bookings/institutions/{nursery.pk}/visits/{slot.pk}/").content.decode()
    assert 'data-testid="add-child-link"' in page  # no child yet: looking, or add one
    response = client.post(
        f"/bookings/institutions/{nursery.pk}/visits/{slot.pk}/", {"child": "", "key": uuid.uuid4().hex}
    )
    assert response.status_code == 302
    assert Visit.objects.get(family=family).child is None


def test_a_child_added_from_the_confirmation_is_the_one_chosen_there(
    client, family, nursery, operator, toddler_child
):
    slot = _slot(nursery, operator)
    toddler_child(family, name="老大")
    client.force_login(family)
    confirm = f"/bookings/institutions/{nursery.pk}/visits/{slot.pk}/"
    page = client.get(confirm).content.decode()
    assert f'href="/bookings/children/new/?next={confirm}"' in page
    response = client.post("/bookings/children/new/", {**_child_data("老二"), "next": confirm})
    second = Child.objects.get(family=family, name="老二")
    assert response["Location"] == f"{confirm}?child={second.pk}"
    html = client.get(response["Location"]).content.decode()
    assert re.search(rf'value="{second.pk}"[^>]*checked', html)


def test_a_full_visit_time_says_so_instead_of_asking_to_confirm(
    client, family, make_family, nursery, operator
):
    slot = _slot(nursery, operator, capacity=1)
    services.visit_book(slot=slot, family=make_family(), idempotency_key="other")
    client.force_login(family)
    html = client.get(f"/bookings/institutions/{nursery.pk}/visits/{slot.pk}/").content.decode()
    assert 'data-testid="slot-full"' in html and 'data-testid="visit-confirm"' not in html


def test_a_visit_already_booked_is_said_and_not_offered_again(client, family, nursery, operator):
    slot = _slot(nursery, operator)
    services.visit_book(slot=slot, family=family, idempotency_key="k")
    client.force_login(family)
    html = client.get(f"/bookings/institutions/{nursery.pk}/visits/{slot.pk}/").content.decode()
    assert 'data-testid="already-booked"' in html and 'data-testid="visit-confirm"' not in html
    listing = client.get(f"/bookings/institutions/{nursery.pk}/").content.decode()
    assert f'data-slot="{slot.pk}"' not in listing


def test_another_institutions_or_a_past_slot_is_a_404(client, family, nursery, operator, make_institution):
    slot = _slot(nursery, operator)
    elsewhere = make_institution()
    client.force_login(family)
    assert client.get(f"/bookings/institutions/{elsewhere.pk}/visits/{slot.pk}/").status_code == 404
    VisitSlot.objects.filter(pk=slot.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    assert client.get(f"/bookings/institutions/{nursery.pk}/visits/{slot.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_double_tap_books_once_and_both_taps_are_answered_with_the_visit(nursery, operator, family):
    slot = _slot(nursery, operator, capacity=5)
    outcomes = race([lambda: services.visit_book(slot=slot, family=family, idempotency_key="same")] * 2)
    assert [kind for kind, _ in outcomes] == ["ok", "ok"]  # neither tap is told "already booked"
    assert outcomes[0][1].pk == outcomes[1][1].pk
    assert Visit.objects.count() == 1 and VisitSlot.objects.get(pk=slot.pk).booked == 1


# --- next steps --------------------------------------------------------------------------------------


def test_each_application_status_has_its_next_step_and_date(family, nursery, toddler_child, operator):
    application = services.application_submit(
        family=family,
        child=toddler_child(family),
        institution=nursery,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="k",
    )
    today = timezone.localdate()
    waiting = progress.application_step(application, today=today)
    assert waiting.due == timezone.localdate(application.created_at) + timedelta(
        days=progress.ANSWER_EXPECTED_DAYS
    )
    assert not waiting.yours and not waiting.late and nursery.name in waiting.text
    late = progress.application_step(application, today=today + timedelta(days=30))
    assert late.late and "call" in late.text

    application.status = "offered"
    application.offer_expires_at = timezone.now() + timedelta(hours=48)
    offered = progress.application_step(application)
    assert offered.yours and offered.due == timezone.localdate(application.offer_expires_at)
    assert progress.day_text(application.offer_expires_at) in offered.text
    application.offer_expires_at = timezone.now() - timedelta(minutes=1)
    assert not progress.application_step(application).yours

    application.status = "waitlisted"
    assert "Number 4" in progress.application_step(application, position=4).text
    application.status = "enrolled"
    assert progress.application_step(application).finished  # the enrolment carries the first day
    for ended in ("declined", "cancelled", "expired"):
        application.status = ended
        assert progress.application_step(application).finished


def test_a_booked_visit_asks_the_family_to_come_on_time_at_the_address(family, nursery, operator):
    slot = _slot(nursery, operator)
    visit = services.visit_book(slot=slot, family=family, idempotency_key="k")
    step = progress.visit_step(visit)
    assert step.yours and step.due == timezone.localdate(slot.starts_at)
    assert "09:30" in step.text and nursery.address in step.text
    after = progress.visit_step(visit, now=slot.ends_at + timedelta(hours=1))
    assert after.finished and not after.yours


def test_my_bookings_shows_next_steps_with_a_fixed_number_of_queries(
    client, family, nursery, operator, toddler_child
):
    ClassGroup.objects.filter(institution=nursery, age_group="toddler").update(enrolled=0)
    made = {"n": 0}

    def add(count):
        for _ in range(count):
            made["n"] += 1
            n = made["n"]
            child = toddler_child(family, name=f"孩子{n}")
            services.visit_book(
                slot=_slot(nursery, operator, days=n + 1), family=family, idempotency_key=f"v{n}"
            )
            application = services.application_submit(
                family=family,
                child=child,
                institution=nursery,
                age_group="toddler",
                service_type="full_day",
                start_date=next_week(),
                idempotency_key=f"a{n}",
            )
            if n % 2:
                services.application_accept(application=application, by=operator)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/bookings/me/")
        html = response.content.decode()
        return len(ctx.captured_queries), html.count('data-testid="next-step"')

    client.force_login(family)
    add(2)
    few, steps_few = count()
    add(4)
    many, steps_many = count()
    assert Application.objects.filter(family=family).count() == 6
    # Every application, visit and place says its next step.
    assert (steps_few, steps_many) == (2 + 2 + 1, 6 + 6 + 3)
    assert many == few
