"""入托网上约 over HTTP, as a family, an institution's people and a reviewer click through it."""

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from stdnum.cn import ric

from tuoyu.bookings import services
from tuoyu.bookings.models import (
    Application,
    ApplicationStatus,
    BookingPolicy,
    Child,
    Enrolment,
    EnrolmentStatus,
    Visit,
    VisitSlot,
    VisitStatus,
)
from tuoyu.bookings.policies import booking_policy_set
from tuoyu.bookings.tests.conftest import months_ago, next_week
from tuoyu.institutions.models import ClassGroup, InstitutionMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, settings):
    """English pages: the assertions read the messages as written in the code, whatever the catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _id_number(birth) -> str:
    stem = "500154" + birth.strftime("%Y%m%d") + "123"
    # calc_check_digit takes the whole number, its last character a placeholder for the check digit.
    return stem + ric.calc_check_digit(stem + "0")


def _apply(client, institution, child, **overrides):
    data = {
        "action": "apply",
        "child": child.pk,
        "age_group": "toddler",
        "service_type": "full_day",
        "start_date": next_week().isoformat(),
        "notes": "",
        "key": uuid.uuid4().hex,
        **overrides,
    }
    return client.post(f"/bookings/institutions/{institution.pk}/", data)


def _slot(institution, operator, *, capacity=3, hours=48):
    start = timezone.now() + timedelta(hours=hours)
    return services.visit_slot_create(
        institution=institution,
        by=operator,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=capacity,
    )


def _free_in_class(html: str, class_name: str) -> int:
    """The 'free' cell of a class row in the public page's class table."""
    match = re.search(rf"<td>{class_name}</td><td>[^<]*</td><td>\d+</td><td>\d+</td><td>(\d+)</td>", html)
    assert match, class_name
    return int(match.group(1))


# --- children -------------------------------------------------------------------------------------


def test_a_family_adds_a_child_and_sees_only_the_masked_id_number(client, family):
    client.force_login(family)
    birth = months_ago(14)
    number = _id_number(birth)
    response = client.post(
        "/bookings/me/",
        {"name": "小明", "sex": "M", "birth_date": birth.isoformat(), "id_number": number},
    )
    assert response.status_code == 302 and response["Location"] == "/bookings/me/"
    child = Child.objects.get(family=family)
    assert child.id_number == number
    html = client.get("/bookings/me/").content.decode()
    assert "小明" in html
    assert f'data-testid="masked-id">{number[:3]}{"*" * 11}{number[-4:]}<' in html
    assert number not in html
    assert number[3:14] not in html  # not even the birth date and sequence in one piece


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("id_number", {"id_number": "500154202401010120"}, "last check digit"),
        ("birth_date", {"birth_date": (timezone.localdate() + timedelta(days=3)).isoformat()}, "future"),
    ],
)
def test_a_bad_check_digit_or_a_future_birth_date_is_explained_and_nothing_is_stored(
    client, family, field, overrides, message
):
    client.force_login(family)
    data = {
        "name": "小明",
        "sex": "M",
        "birth_date": months_ago(14).isoformat(),
        "id_number": "",
        **overrides,
    }
    response = client.post("/bookings/me/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and message in html
    assert response.context["form"].errors[field]
    assert Child.objects.count() == 0


# --- visits ---------------------------------------------------------------------------------------


def test_a_family_books_a_visit_and_a_double_post_with_the_same_key_books_once(
    client, family, nursery, operator
):
    slot = _slot(nursery, operator)
    client.force_login(family)
    page = client.get(f"/bookings/institutions/{nursery.pk}/").content.decode()
    confirm = f"/bookings/institutions/{nursery.pk}/visits/{slot.pk}/"
    assert f'href="{confirm}"' in page, "each visit time leads to its confirmation page"
    assert Visit.objects.count() == 0  # looking at the times books nothing
    step = client.get(confirm).content.decode()
    key = re.search(r'<input type="hidden" name="key" value="([0-9a-f]{32})"', step)
    assert key, "the confirmation carries a fresh idempotency key"
    data = {"child": "", "key": key.group(1)}
    first = client.post(confirm, data)
    second = client.post(confirm, data)  # a double tap on "Confirm"
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "/mine/"
    assert Visit.objects.filter(family=family).count() == 1
    assert VisitSlot.objects.get(pk=slot.pk).booked == 1
    html = client.get("/bookings/me/").content.decode()
    assert nursery.name in html and 'data-testid="visit-status">Booked<' in html


def test_a_family_cancels_a_visit_and_the_seat_is_free_again(client, family, nursery, operator):
    slot = _slot(nursery, operator)
    visit = services.visit_book(slot=slot, family=family, idempotency_key="k1")
    client.force_login(family)
    assert client.post(f"/bookings/visits/{visit.pk}/cancel/").status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED and VisitSlot.objects.get(pk=slot.pk).booked == 0


def test_a_full_visit_time_is_explained_and_books_nothing(client, family, make_family, nursery, operator):
    slot = _slot(nursery, operator, capacity=1)
    services.visit_book(slot=slot, family=make_family(), idempotency_key="other")
    client.force_login(family)
    response = client.post(
        f"/bookings/institutions/{nursery.pk}/visits/{slot.pk}/", {"child": "", "key": uuid.uuid4().hex}
    )
    assert response.status_code == 200
    assert 'data-testid="visit-errors"' in response.content.decode()
    assert not Visit.objects.filter(family=family).exists()


def test_the_institution_publishes_a_visit_time_and_records_the_visit(client, family, nursery, operator):
    client.force_login(operator)
    day = timezone.localdate() + timedelta(days=3)
    response = client.post(
        f"/bookings/manage/{nursery.pk}/",
        {"action": "slot", "day": day.isoformat(), "starts_at": "09:30", "ends_at": "10:30", "capacity": "4"},
    )
    assert response.status_code == 302
    slot = VisitSlot.objects.get(institution=nursery)
    assert timezone.localtime(slot.starts_at).hour == 9 and slot.capacity == 4
    bad = client.post(
        f"/bookings/manage/{nursery.pk}/",
        {"action": "slot", "day": day.isoformat(), "starts_at": "10:30", "ends_at": "09:30", "capacity": "4"},
    )
    assert bad.status_code == 200 and bad.context["slot_form"].errors["ends_at"]
    assert VisitSlot.objects.count() == 1
    visit = services.visit_book(slot=slot, family=family, idempotency_key="k")
    client.post(f"/bookings/manage/visits/{visit.pk}/", {"outcome": "attended"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.ATTENDED


# --- applications ---------------------------------------------------------------------------------


def test_the_institution_page_shows_which_groups_fit_and_from_which_month(
    client, family, nursery, toddler_child
):
    child = toddler_child(family, name="小宝", months=8)  # 8 months: too young for 托小班 (12–24)
    client.force_login(family)
    on = timezone.localdate()
    html = client.get(
        f"/bookings/institutions/{nursery.pk}/", {"child": child.pk, "on": on.isoformat()}
    ).content.decode()
    expected = services.first_eligible_month(child, "toddler", on)
    fit = re.search(r'data-testid="fit-toddler">(.*?)</td>', html, re.S).group(1)
    assert f"from {expected:%Y-%m}" in fit
    assert 'data-group="toddler"' in html and 'data-free="3"' in html  # 15 places, 12 enrolled
    assert 'data-group="preschool"' in html and 'data-free="0"' in html


def test_a_family_applies_and_the_institution_sees_it(client, family, nursery, toddler_child, operator):
    child = toddler_child(family)
    client.force_login(family)
    response = _apply(client, nursery, child, notes="对鸡蛋过敏", parents_work_nearby="on")
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED and application.parents_work_nearby
    client.force_login(operator)
    html = client.get(f"/bookings/manage/{nursery.pk}/").content.decode()
    assert f'data-application="{application.pk}" data-status="submitted"' in html and "对鸡蛋过敏" in html


def test_applying_twice_with_the_same_key_makes_one_application(client, family, nursery, toddler_child):
    child = toddler_child(family)
    client.force_login(family)
    _apply(client, nursery, child, key="same-key-twice")
    _apply(client, nursery, child, key="same-key-twice")
    assert Application.objects.count() == 1


def test_an_age_group_the_child_does_not_fit_is_explained_and_nothing_is_stored(
    client, family, nursery, toddler_child
):
    child = toddler_child(family, months=16)
    client.force_login(family)
    response = _apply(client, nursery, child, age_group="preschool")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "months old" in html
    assert response.context["apply_form"].errors["age_group"]
    assert Application.objects.count() == 0


def test_a_start_date_in_the_past_is_explained_and_nothing_is_stored(client, family, nursery, toddler_child):
    client.force_login(family)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = _apply(client, nursery, toddler_child(family), start_date=yesterday.isoformat())
    assert response.status_code == 200
    assert "cannot be in the past" in response.content.decode()
    assert Application.objects.count() == 0


def test_another_familys_child_is_a_404_everywhere(
    client, family, make_family, nursery, toddler_child, operator
):
    theirs = toddler_child(make_family(), name="别人家的孩子")
    toddler_child(family)
    client.force_login(family)
    assert _apply(client, nursery, theirs).status_code == 404
    assert client.get(f"/bookings/institutions/{nursery.pk}/", {"child": theirs.pk}).status_code == 404
    slot = _slot(nursery, operator)
    visit = client.post(
        f"/bookings/institutions/{nursery.pk}/visits/{slot.pk}/",
        {"child": theirs.pk, "key": uuid.uuid4().hex},
    )
    assert visit.status_code == 404
    assert Application.objects.count() == 0 and Visit.objects.count() == 0
    assert "别人家的孩子" not in client.get("/bookings/me/").content.decode()


def test_a_family_cannot_act_on_another_familys_application(
    client, family, make_family, nursery, toddler_child
):
    other = make_family()
    application = services.application_submit(
        family=other,
        child=toddler_child(other),
        institution=nursery,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="x",
    )
    client.force_login(family)
    assert client.post(f"/bookings/applications/{application.pk}/cancel/").status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


# --- the institution decides ----------------------------------------------------------------------


def test_the_institution_accepts_and_the_public_vacancy_drops_by_one(
    client, family, nursery, toddler_child, operator
):
    before = _free_in_class(client.get(f"/institutions/{nursery.pk}/").content.decode(), "托小一班")
    application = services.application_submit(
        family=family,
        child=toddler_child(family),
        institution=nursery,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="a",
    )
    client.force_login(operator)
    response = client.post(f"/bookings/manage/applications/{application.pk}/accept/")
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(application=application)
    assert enrolment.status == EnrolmentStatus.ACTIVE and enrolment.class_group.name == "托小一班"
    client.logout()
    after = _free_in_class(client.get(f"/institutions/{nursery.pk}/").content.decode(), "托小一班")
    assert after == before - 1
    client.force_login(family)
    html = client.get("/bookings/me/").content.decode()
    from django.utils import translation

    from tuoyu.bookings.models import ApplicationStatus

    with translation.override("zh-hans"):  # the page is in the default language
        assert f'data-testid="application-status">{ApplicationStatus.ENROLLED.label}<' in html


def test_declining_needs_a_reason_and_the_family_reads_it(client, family, nursery, toddler_child, operator):
    application = services.application_submit(
        family=family,
        child=toddler_child(family),
        institution=nursery,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="a",
    )
    client.force_login(operator)
    url = f"/bookings/manage/applications/{application.pk}/decline/"
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] and 'role="alert"' in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert client.post(url, {"reason": "全日托已满，可改半日托"}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    client.force_login(family)
    assert "全日托已满，可改半日托" in client.get("/bookings/me/").content.decode()


def test_accepting_with_no_place_left_says_so_with_409_and_waitlists(
    client, make_family, nursery, toddler_child, operator
):
    ClassGroup.objects.filter(institution=nursery, age_group="toddler").update(enrolled=14)  # one place
    apps = []
    for i in range(2):
        f = make_family()
        apps.append(
            services.application_submit(
                family=f,
                child=toddler_child(f, name=f"孩子{i}"),
                institution=nursery,
                age_group="toddler",
                service_type="full_day",
                start_date=next_week(),
                idempotency_key="k",
            )
        )
    client.force_login(operator)
    assert client.post(f"/bookings/manage/applications/{apps[0].pk}/accept/").status_code == 302
    response = client.post(f"/bookings/manage/applications/{apps[1].pk}/accept/")
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="no-place"' in html and "moved to the waitlist" in html
    apps[1].refresh_from_db()
    assert apps[1].status == ApplicationStatus.WAITLISTED
    assert Enrolment.objects.count() == 1


def test_a_full_group_waitlists_the_family_with_its_position_and_the_rule_explained(
    client, family, make_family, nursery, toddler_child
):
    BookingPolicy.objects.create(institution=nursery, waitlist_rule="multi_child_first")
    ahead = make_family()
    services.application_submit(
        family=ahead,
        child=toddler_child(ahead, months=30, is_second_or_later=True),
        institution=nursery,
        age_group="preschool",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="k",
    )
    client.force_login(family)
    response = _apply(client, nursery, toddler_child(family, months=30), age_group="preschool")  # 20 of 20
    assert response.status_code == 302
    assert Application.objects.get(family=family).status == ApplicationStatus.WAITLISTED
    html = client.get("/bookings/me/").content.decode()
    assert 'data-position="2"' in html
    assert "Second and third children first" in html and "second and third children of a family" in html


def test_the_institution_offers_the_next_place_and_the_family_accepts_it(
    client, family, nursery, toddler_child, operator
):
    application = services.application_submit(
        family=family,
        child=toddler_child(family, months=30),
        institution=nursery,
        age_group="preschool",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="k",
    )
    assert application.status == ApplicationStatus.WAITLISTED
    # A child left without the site knowing; the institution corrected its class (a filing change).
    ClassGroup.objects.filter(institution=nursery, age_group="preschool").update(enrolled=19)
    client.force_login(operator)
    page = client.get(f"/bookings/manage/{nursery.pk}/").content.decode()
    assert 'data-testid="waitlist-preschool"' in page
    assert (
        client.post(f"/bookings/manage/{nursery.pk}/offer-next/", {"age_group": "preschool"}).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.OFFERED and application.offer_expires_at > timezone.now()
    client.force_login(family)
    html = client.get("/bookings/me/").content.decode()
    assert 'data-testid="offer"' in html and f"/bookings/applications/{application.pk}/accept-offer/" in html
    assert client.post(f"/bookings/applications/{application.pk}/accept-offer/").status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ENROLLED
    assert Enrolment.objects.filter(application=application, status=EnrolmentStatus.ACTIVE).exists()
    timeline = client.get("/bookings/me/").content.decode()
    assert timeline.count("<time") >= 3  # waitlisted, offered, enrolled


def test_an_expired_offer_has_no_accept_button(client, family, nursery, toddler_child, operator):
    application = services.application_submit(
        family=family,
        child=toddler_child(family, months=30),
        institution=nursery,
        age_group="preschool",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="k",
    )
    ClassGroup.objects.filter(institution=nursery, age_group="preschool").update(enrolled=19)
    services.offer_next(institution=nursery, age_group="preschool", by=operator)
    Application.objects.filter(pk=application.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(family)
    html = client.get("/bookings/me/").content.decode()
    assert 'data-testid="offer"' not in html
    client.post(f"/bookings/applications/{application.pk}/accept-offer/")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.OFFERED


def test_a_family_gives_up_its_place_and_the_next_family_is_offered_it(
    client, family, make_family, nursery, toddler_child, operator
):
    ClassGroup.objects.filter(institution=nursery, age_group="toddler").update(enrolled=14)  # one place
    mine = services.application_submit(
        family=family,
        child=toddler_child(family),
        institution=nursery,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="k",
    )
    services.application_accept(application=mine, by=operator)
    nxt = make_family()
    waiting = services.application_submit(
        family=nxt,
        child=toddler_child(nxt, name="小刚"),
        institution=nursery,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="k",
    )
    assert waiting.status == ApplicationStatus.WAITLISTED
    client.force_login(family)
    assert client.post(f"/bookings/applications/{mine.pk}/cancel/").status_code == 302
    assert Enrolment.objects.get(application=mine).status == EnrolmentStatus.ENDED
    waiting.refresh_from_db()
    assert waiting.status == ApplicationStatus.OFFERED
    client.force_login(nxt)
    assert 'data-testid="offer"' in client.get("/bookings/me/").content.decode()


def test_ending_an_enrolment_frees_the_place_and_the_next_family_is_offered_it(
    client, family, nursery, toddler_child, operator
):
    group = ClassGroup.objects.get(institution=nursery, name="托小一班")
    ClassGroup.objects.filter(pk=group.pk).update(enrolled=14)
    client.force_login(operator)
    response = client.post(
        f"/bookings/manage/{nursery.pk}/",
        {
            "action": "enrol",
            "class_group": group.pk,
            "child_name": "线下入托",
            "sex": "F",
            "birth_date": months_ago(15).isoformat(),
            "service_type": "full_day",
            "start_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    offline = Enrolment.objects.get(child__name="线下入托")
    assert offline.child.family is None and offline.application is None
    waiting = services.application_submit(
        family=family,
        child=toddler_child(family),
        institution=nursery,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="k",
    )
    assert waiting.status == ApplicationStatus.WAITLISTED
    end = client.post(
        f"/bookings/manage/enrolments/{offline.pk}/end/", {"end_date": timezone.localdate().isoformat()}
    )
    assert end.status_code == 302
    offline.refresh_from_db()
    waiting.refresh_from_db()
    assert offline.status == EnrolmentStatus.ENDED and waiting.status == ApplicationStatus.OFFERED


def test_a_full_class_refuses_an_offline_enrolment_with_a_message(client, nursery, operator):
    group = ClassGroup.objects.get(institution=nursery, name="托大一班")  # 20 of 20
    client.force_login(operator)
    response = client.post(
        f"/bookings/manage/{nursery.pk}/",
        {
            "action": "enrol",
            "class_group": group.pk,
            "child_name": "线下入托",
            "sex": "F",
            "birth_date": months_ago(28).isoformat(),
            "service_type": "full_day",
            "start_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200 and "No place left" in response.content.decode()
    assert Enrolment.objects.count() == 0


def test_the_institution_sets_its_waitlist_rule(client, nursery, operator, other_operator):
    client.force_login(operator)
    response = client.post(
        f"/bookings/manage/{nursery.pk}/",
        {"action": "policy", "waitlist_rule": "work_nearby_first", "offer_hours": "24"},
    )
    assert response.status_code == 302
    policy = BookingPolicy.objects.get(institution=nursery)
    assert (policy.waitlist_rule, policy.offer_hours) == ("work_nearby_first", 24)
    bad = client.post(
        f"/bookings/manage/{nursery.pk}/",
        {"action": "policy", "waitlist_rule": "work_nearby_first", "offer_hours": "0"},
    )
    assert bad.status_code == 200 and bad.context["policy_form"].errors["offer_hours"]
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        booking_policy_set(institution=nursery, by=other_operator, waitlist_rule="first_come", offer_hours=48)
    with pytest.raises(ValidationError):
        booking_policy_set(institution=nursery, by=operator, waitlist_rule="loudest_first", offer_hours=48)
    assert BookingPolicy.objects.get(institution=nursery).waitlist_rule == "work_nearby_first"


# --- access ---------------------------------------------------------------------------------------


def test_an_institution_cannot_see_or_decide_another_institutions_applications(
    client, family, nursery, toddler_child, other_operator, make_institution
):
    own = make_institution()
    InstitutionMembership.objects.create(institution=own, user=other_operator)
    application = services.application_submit(
        family=family,
        child=toddler_child(family),
        institution=nursery,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="k",
    )
    client.force_login(other_operator)
    assert client.get(f"/bookings/manage/{nursery.pk}/").status_code == 404
    assert client.post(f"/bookings/manage/applications/{application.pk}/accept/").status_code == 404
    assert client.get(f"/bookings/manage/applications/{application.pk}/decline/").status_code == 404
    assert (
        client.post(f"/bookings/manage/{nursery.pk}/offer-next/", {"age_group": "toddler"}).status_code == 404
    )
    own_page = client.get(f"/bookings/manage/{own.pk}/").content.decode()
    assert "小明" not in own_page
    # With one institution, the admissions link goes straight to it.
    assert client.get("/bookings/manage/")["Location"] == f"/bookings/manage/{own.pk}/"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_statistics_page_shows_numbers_and_no_names(
    client, family, make_family, nursery, toddler_child, operator, reviewer, street_officer
):
    family.display_name = "王芳"
    family.save()
    a = services.application_submit(
        family=family,
        child=toddler_child(family, name="李小明"),
        institution=nursery,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="k",
    )
    services.application_accept(application=a, by=operator)
    other = make_family()
    services.application_submit(
        family=other,
        child=toddler_child(other, name="赵小刚", months=30),
        institution=nursery,
        age_group="preschool",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="k",
    )
    for officer in (reviewer, street_officer):
        client.force_login(officer)
        response = client.get("/bookings/statistics/")
        assert response.status_code == 200
        html = response.content.decode()
        row = re.search(rf'<tr data-institution="{nursery.pk}">(.*?)</tr>', html, re.S).group(1)
        cells = [int(n) for n in re.findall(r"<td>(\d+)</td>", row)]
        # submitted, waitlisted, offered, enrolled, declined, cancelled, expired, attending now
        assert cells == [0, 1, 0, 1, 0, 0, 0, 1]
        for personal in ("李小明", "赵小刚", "王芳", family.phone, other.phone):
            assert personal not in html
    client.force_login(family)
    assert client.get("/bookings/statistics/").status_code == 403


def test_each_role_finds_its_booking_page_in_the_navigation(client, family, operator, reviewer):
    for user, url in (
        (family, "/bookings/me/"),
        (operator, "/bookings/manage/"),
        (reviewer, "/bookings/statistics/"),
    ):
        client.force_login(user)
        assert f'href="{url}"' in client.get("/").content.decode()


# --- the public institution page -------------------------------------------------------------------


def test_the_public_page_invites_anonymous_visitors_to_sign_in_with_a_fixed_query_count(
    client, make_family, nursery, toddler_child, operator
):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/institutions/{nursery.pk}/")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    few, html = count()
    assert 'data-testid="booking-panel"' in html
    assert f'href="/accounts/login/phone/?next=/bookings/institutions/{nursery.pk}/"' in html
    for i in range(5):
        f = make_family()
        services.application_submit(
            family=f,
            child=toddler_child(f, name=f"孩子{i}"),
            institution=nursery,
            age_group="toddler",
            service_type="full_day",
            start_date=next_week(),
            idempotency_key="k",
        )
        services.visit_book(slot=_slot(nursery, operator, hours=48 + i), family=f, idempotency_key="v")
    many, html = count()
    assert many == few
    assert "孩子0" not in html


def test_a_signed_in_family_sees_its_own_status_on_the_public_page(
    client, family, make_family, nursery, toddler_child
):
    services.application_submit(
        family=family,
        child=toddler_child(family, name="我家小明"),
        institution=nursery,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="k",
    )
    other = make_family()
    services.application_submit(
        family=other,
        child=toddler_child(other, name="别人家小红"),
        institution=nursery,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="k",
    )
    client.force_login(family)
    html = client.get(f"/institutions/{nursery.pk}/").content.decode()
    assert "我家小明" in html and "别人家小红" not in html
    assert f'href="/bookings/institutions/{nursery.pk}/"' in html


def test_the_admissions_page_issues_a_fixed_number_of_queries_whatever_the_rows(
    client, make_family, nursery, toddler_child, operator
):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/bookings/manage/{nursery.pk}/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    def add_family(i):
        f = make_family()
        submitted = services.application_submit(
            family=f,
            child=toddler_child(f, name=f"孩子{i}"),
            institution=nursery,
            age_group="toddler",
            service_type="full_day",
            start_date=next_week(),
            idempotency_key="k",
        )
        services.application_submit(
            family=f,
            child=toddler_child(f, name=f"大孩子{i}", months=30),
            institution=nursery,
            age_group="preschool",
            service_type="full_day",
            start_date=next_week(),
            idempotency_key="w",
        )
        services.visit_book(slot=slot, family=f, idempotency_key="v")
        return submitted

    slot = _slot(nursery, operator, capacity=10)
    client.force_login(operator)
    services.application_accept(application=add_family(0), by=operator)
    few = count()
    for i in range(1, 6):
        application = add_family(i)
        if i < 3:
            services.application_accept(application=application, by=operator)
    assert count() == few


def test_institution_staff_manage_admissions_too(client, family, nursery, toddler_child, kaizhou):
    from tuoyu.accounts.models import User

    staff = User.objects.create_user(username="staff", password="x-long-password", role="inst_staff")
    InstitutionMembership.objects.create(institution=nursery, user=staff)
    application = services.application_submit(
        family=family,
        child=toddler_child(family),
        institution=nursery,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key="k",
    )
    client.force_login(staff)
    assert client.post(f"/bookings/manage/applications/{application.pk}/accept/").status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ENROLLED
