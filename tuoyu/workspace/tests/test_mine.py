"""我的办件 (/mine/): everything a family started, each with its status, history, next step and when to
expect it; the family's turn first; a friendly page when there is nothing yet; the same number of
queries whatever the rows; nobody else's matters."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.bookings import services
from tuoyu.bookings.models import Application, ApplicationStatus, BookingEvent, Visit
from tuoyu.bookings.tests import conftest as booking_fixtures
from tuoyu.bookings.tests.conftest import next_week
from tuoyu.feedback.models import Complaint, ComplaintStatus
from tuoyu.feedback.services import ROUTING_FILE, complaint_file, routing_load_file
from tuoyu.institutions.models import ClassGroup

URL = "/mine/"

# The booking tests' personas: a filed nursery with a full 托大班, families, a 16-month-old child.
nursery = booking_fixtures.nursery
make_family = booking_fixtures.make_family
toddler_child = booking_fixtures.toddler_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, settings):
    """English pages: the assertions read the words as written in the code, whatever the catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def routing(kaizhou):
    routing_load_file(ROUTING_FILE)


def _slot(institution, operator, *, days=2, capacity=5):
    day = timezone.localdate() + timedelta(days=days)
    start = timezone.make_aware(datetime.combine(day, time(9, 30)))
    return services.visit_slot_create(
        institution=institution,
        by=operator,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=capacity,
    )


def _apply(family, child, institution, *, group="toddler", key="k"):
    return services.application_submit(
        family=family,
        child=child,
        institution=institution,
        age_group=group,
        service_type="full_day",
        start_date=next_week(),
        idempotency_key=key,
    )


def _report(family, institution, n=0):
    return complaint_file(
        category="food",
        description=f"饭菜不新鲜 {n}。",
        institution=institution,
        anonymous=False,
        reporter_name="王奶奶",
        reporter_phone=family.phone,
        reporter=family,
    ).complaint


def _cards(response, kind):
    html = response.content.decode()
    return html.count(f'data-testid="matter" data-kind="{kind}"')


def test_a_family_with_nothing_yet_is_shown_where_to_start(client, family):
    client.force_login(family)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="mine-empty"' in html
    assert 'href="/institutions/"' in html or 'href="/institutions/search/"' in html
    assert 'href="/complaints/new/"' in html
    assert 'data-testid="matter"' not in html


def test_only_families_see_it(client, plain_client, operator):
    assert plain_client.get(URL).status_code == 302  # anonymous: sign in first
    client.force_login(operator)
    assert client.get(URL).status_code == 403


def test_each_matter_shows_its_status_next_step_history_and_page(
    client, family, make_family, nursery, toddler_child, operator, routing
):
    child = toddler_child(family, name="我家小明")
    slot = _slot(nursery, operator)
    visit = services.visit_book(slot=slot, family=family, idempotency_key="v", child=child)
    application = _apply(family, child, nursery)
    report = _report(family, nursery)
    other = make_family()
    services.visit_book(
        slot=slot, family=other, idempotency_key="v", child=toddler_child(other, name="别人家小红")
    )
    client.force_login(family)
    response = client.get(URL)
    html = response.content.decode()
    assert "别人家小红" not in html and 'data-testid="mine-empty"' not in html
    assert (_cards(response, "visit"), _cards(response, "application"), _cards(response, "complaint")) == (
        1,
        1,
        1,
    )

    # The visit is the family's to keep: come on time, on the slot's day, at the address.
    assert [m.pk for m in response.context["yours"]] == [visit.pk]
    step = response.context["yours"][0].step
    assert step.yours and step.due == timezone.localdate(slot.starts_at)
    assert "Please come on time" in step.text and nursery.address in step.text and "09:30" in step.text
    # The application waits for the institution, with a date the family may expect an answer by.
    waiting = {m.kind: m for m in response.context["waiting"]}
    expected = timezone.localdate(application.created_at) + timedelta(days=7)
    assert waiting["application"].step.due == expected and not waiting["application"].step.yours
    assert f'data-due="{expected:%Y-%m-%d}"' in html
    # The report waits for its department's acknowledgement, by the date routing set.
    report.refresh_from_db()
    assert waiting["complaint"].step.due == report.acknowledge_due_on
    assert f'href="/complaints/track/?number={report.tracking_number}"' in html
    # Every matter links to its own page and folds its history away.
    assert f'href="/bookings/me/#visit-{visit.pk}"' in html
    assert f'href="/bookings/me/#application-{application.pk}"' in html
    assert html.count('data-testid="timeline"') == 3
    assert BookingEvent.objects.filter(application=application).count() == 1


def test_an_offer_comes_first_with_its_deadline_and_is_accepted_from_here(
    client, family, nursery, toddler_child, operator
):
    application = _apply(family, toddler_child(family, months=30), nursery, group="preschool")  # full
    assert application.status == ApplicationStatus.WAITLISTED
    client.force_login(family)
    waiting = client.get(URL).context["waiting"]
    assert "Number 1 on the waitlist" in waiting[0].step.text and waiting[0].step.due is None
    ClassGroup.objects.filter(institution=nursery, age_group="preschool").update(enrolled=19)
    services.offer_next(institution=nursery, age_group="preschool", by=operator)
    application.refresh_from_db()
    response = client.get(URL)
    [first] = response.context["yours"]
    assert first.kind == "application" and first.step.due == timezone.localdate(application.offer_expires_at)
    accept = f"/bookings/applications/{application.pk}/accept-offer/"
    assert f'action="{accept}"' in response.content.decode()
    back = client.post(accept, {"next": URL})
    assert back.status_code == 302 and back["Location"] == URL
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ENROLLED
    after = client.get(URL)
    # The place says when the child starts; the application is done and says so, without a date.
    [place] = after.context["waiting"]
    assert place.kind == "enrolment" and place.step.due == next_week()
    assert [(m.kind, m.pk) for m in after.context["finished"]] == [("application", application.pk)]


def test_an_unsafe_next_is_not_followed(client, family, nursery, toddler_child):
    application = _apply(family, toddler_child(family), nursery)
    client.force_login(family)
    response = client.post(
        f"/bookings/applications/{application.pk}/cancel/", {"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/bookings/me/"


def test_an_answered_report_asks_the_family_to_rate_it_by_a_date(client, family, nursery, routing):
    report = _report(family, nursery)
    answered = timezone.now()
    # Straight to the answered state: the handling services are feedback's, tested there.
    Complaint.objects.filter(pk=report.pk).update(status=ComplaintStatus.ANSWERED, answered_at=answered)
    client.force_login(family)
    [matter] = client.get(URL).context["yours"]
    assert matter.kind == "complaint" and matter.step.due == timezone.localdate(answered) + timedelta(days=15)


def test_the_page_costs_the_same_queries_for_n_and_3n_matters(
    client, family, nursery, toddler_child, operator, routing
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
            application = _apply(family, child, nursery, key=f"a{n}")
            if n % 2:
                services.application_accept(application=application, by=operator)  # an enrolment too
            preschool = _apply(
                family,
                toddler_child(family, name=f"大孩子{n}", months=30),
                nursery,
                group="preschool",
                key=f"w{n}",
            )
            assert preschool.status == ApplicationStatus.WAITLISTED
            _report(family, nursery, n)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL)
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    client.force_login(family)
    add(2)
    few, first = count()
    add(4)
    many, second = count()
    assert _cards(second, "visit") == 3 * _cards(first, "visit") == 6
    assert _cards(second, "complaint") == 6 and _cards(second, "enrolment") == 3
    assert Visit.objects.filter(family=family).count() == 6
    assert Application.objects.filter(family=family).count() == 12
    assert many == few, (few, many)
