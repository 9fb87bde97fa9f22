"""The 入托网上约 API over HTTP: children, visits, applications, enrolments and the statistics."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from stdnum.cn import ric

from tuoyu.bookings import services
from tuoyu.bookings.models import (
    Application,
    ApplicationStatus,
    BookingEvent,
    Child,
    Enrolment,
    EnrolmentStatus,
    Visit,
    VisitSlot,
    VisitStatus,
)
from tuoyu.bookings.tests.conftest import months_ago, next_week
from tuoyu.institutions.models import ClassGroup, InstitutionMembership

pytestmark = pytest.mark.django_db

CHILDREN = "/api/v1/children/"
VISITS = "/api/v1/visits/"
APPLICATIONS = "/api/v1/applications/"
ENROLMENTS = "/api/v1/enrolments/"
STATISTICS = "/api/v1/statistics/bookings/"


def application_url(application, action: str = "") -> str:
    return f"{APPLICATIONS}{application.pk}/" + (f"{action}/" if action else "")


def slots_url(institution) -> str:
    return f"/api/v1/institutions/{institution.pk}/visit-slots/"


def id_number_for(birth) -> str:
    stem = "500154" + birth.strftime("%Y%m%d") + "123"
    return stem + ric.calc_check_digit(stem + "0")  # stdnum expects a placeholder check digit


def key() -> dict:
    return {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex}


def _apply(family, child, institution, **extra):
    return services.application_submit(
        family=family,
        child=child,
        institution=institution,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key=uuid.uuid4().hex,
        **extra,
    )


def _application_body(child, institution) -> dict:
    return {
        "child": child.pk,
        "institution": institution.pk,
        "age_group": "toddler",
        "service_type": "full_day",
        "start_date": next_week().isoformat(),
    }


def _slot(institution, operator, *, capacity=3):
    start = timezone.now() + timedelta(days=2)
    return services.visit_slot_create(
        institution=institution,
        by=operator,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=capacity,
    )


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def stranger_operator(make_institution, other_operator):
    """An operator of another filed institution."""
    InstitutionMembership.objects.create(institution=make_institution(), user=other_operator)
    return other_operator


# --- children ------------------------------------------------------------------------------------


def test_a_family_adds_a_child_and_no_answer_ever_shows_the_full_id_number(client, family):
    birth = months_ago(14)
    number = id_number_for(birth)
    client.force_login(family)
    response = client.post(
        CHILDREN,
        {"name": "小明", "sex": "M", "birth_date": birth.isoformat(), "id_number": number},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id_number_masked"] == number[:3] + "*" * 11 + number[-4:]
    assert body["name"] == "小明" and body["sex"] == "M" and "id_number" not in body
    assert response["Location"].endswith(f"/api/v1/children/{body['id']}/")
    index = Child.objects.get(pk=body["id"]).id_number_index
    assert index
    for answer in (response, client.get(CHILDREN), client.get(f"{CHILDREN}{body['id']}/")):
        assert answer.status_code in (200, 201)
        text = answer.content.decode()
        assert number not in text and index not in text
        assert number[3:14] not in text  # not even the middle digits, the birth date among them


def test_an_id_number_with_a_wrong_check_digit_is_a_400_and_nothing_is_stored(client, family):
    birth = months_ago(14)
    number = id_number_for(birth)
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    client.force_login(family)
    response = client.post(
        CHILDREN,
        {"name": "小明", "sex": "M", "birth_date": birth.isoformat(), "id_number": wrong},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"]["id_number"] and body["message"] == body["errors"]["id_number"][0]
    assert "check digit" in body["message"]
    assert wrong not in response.content.decode()
    assert Child.objects.count() == 0


def test_a_family_sees_only_its_own_children_and_anothers_child_is_not_found(
    client, family, make_family, toddler_child
):
    mine = toddler_child(family, name="小明")
    theirs = toddler_child(make_family(), name="小红")
    client.force_login(family)
    assert _ids(client.get(CHILDREN)) == [mine.pk]
    assert client.get(f"{CHILDREN}{mine.pk}/").json()["name"] == "小明"
    response = client.get(f"{CHILDREN}{theirs.pk}/")
    assert response.status_code == 404
    assert "小红" not in response.content.decode()


def test_the_children_api_is_for_signed_in_families_only(client, family, operator, reviewer, toddler_child):
    child = toddler_child(family)
    assert client.get(CHILDREN).status_code == 401
    for outsider in (operator, reviewer):
        client.force_login(outsider)
        assert client.get(CHILDREN).status_code == 403
        assert client.get(f"{CHILDREN}{child.pk}/").status_code == 403
        refused = client.post(
            CHILDREN,
            {"name": "x", "sex": "F", "birth_date": months_ago(14).isoformat()},
            content_type="application/json",
        )
        assert refused.status_code == 403
    assert Child.objects.count() == 1


# --- applications --------------------------------------------------------------------------------


def test_a_double_clicked_application_with_one_idempotency_key_creates_one_application(
    client, family, toddler_child, nursery
):
    child = toddler_child(family)
    client.force_login(family)
    headers = key()
    first = client.post(
        APPLICATIONS, _application_body(child, nursery), content_type="application/json", **headers
    )
    assert first.status_code == 201, first.content
    assert first["Location"].endswith(f"/api/v1/applications/{first.json()['id']}/")
    assert first.json()["status"] == "submitted" and first.json()["child"]["name"] == child.name
    second = client.post(
        APPLICATIONS, _application_body(child, nursery), content_type="application/json", **headers
    )
    assert second.status_code == 200, second.content
    assert second.json()["id"] == first.json()["id"]
    assert Application.objects.count() == 1
    assert BookingEvent.objects.filter(application__isnull=False).count() == 1
    # A new key is a new request: the rules then refuse a second open application for the child.
    third = client.post(
        APPLICATIONS, _application_body(child, nursery), content_type="application/json", **key()
    )
    assert third.status_code == 400 and third.json()["errors"]["child"]
    assert Application.objects.count() == 1


@pytest.mark.parametrize("headers", [{}, {"HTTP_IDEMPOTENCY_KEY": "  "}, {"HTTP_IDEMPOTENCY_KEY": "k" * 65}])
def test_an_application_without_a_usable_idempotency_key_is_a_400(
    client, family, toddler_child, nursery, headers
):
    child = toddler_child(family)
    client.force_login(family)
    response = client.post(
        APPLICATIONS, _application_body(child, nursery), content_type="application/json", **headers
    )
    assert response.status_code == 400
    assert response.json()["errors"]["Idempotency-Key"]
    assert Application.objects.count() == 0


def test_applying_for_another_familys_child_is_not_found_and_creates_nothing(
    client, family, make_family, toddler_child, nursery
):
    theirs = toddler_child(make_family(), name="小红")
    client.force_login(family)
    response = client.post(
        APPLICATIONS, _application_body(theirs, nursery), content_type="application/json", **key()
    )
    assert response.status_code == 404
    assert "小红" not in response.content.decode()
    assert Application.objects.count() == 0 and BookingEvent.objects.count() == 0


def test_an_institution_cannot_apply_in_a_familys_name(client, family, operator, toddler_child, nursery):
    child = toddler_child(family)
    client.force_login(operator)
    response = client.post(
        APPLICATIONS, _application_body(child, nursery), content_type="application/json", **key()
    )
    assert response.status_code == 403
    assert Application.objects.count() == 0


def test_an_application_the_rules_refuse_names_the_field(client, family, toddler_child, nursery):
    child = toddler_child(family)
    client.force_login(family)
    body = {**_application_body(child, nursery), "age_group": "infant"}  # the nursery has no 乳儿班
    response = client.post(APPLICATIONS, body, content_type="application/json", **key())
    assert response.status_code == 400 and response.json()["errors"]["age_group"]
    assert Application.objects.count() == 0


def test_each_side_lists_only_its_own_applications_and_filters_by_status(
    client, family, make_family, toddler_child, nursery, operator, stranger_operator, make_institution
):
    mine = _apply(family, toddler_child(family), nursery)
    theirs = _apply(other := make_family(), toddler_child(other, name="小红"), nursery)
    client.force_login(family)
    assert _ids(client.get(APPLICATIONS)) == [mine.pk]
    assert client.get(application_url(theirs)).status_code == 404
    client.force_login(operator)
    assert _ids(client.get(APPLICATIONS)) == [theirs.pk, mine.pk]
    assert _ids(client.get(APPLICATIONS, {"status": "waitlisted"})) == []
    assert _ids(client.get(APPLICATIONS, {"status": "submitted", "institution": nursery.pk})) == [
        theirs.pk,
        mine.pk,
    ]
    assert client.get(APPLICATIONS, {"status": "lost"}).status_code == 400
    client.force_login(stranger_operator)
    assert _ids(client.get(APPLICATIONS)) == []


def test_the_institution_accepts_and_the_child_is_enrolled(client, family, toddler_child, nursery, operator):
    application = _apply(family, toddler_child(family), nursery)
    client.force_login(operator)
    response = client.post(application_url(application, "accept"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "enrolled" and body["waitlist_position"] is None
    assert [event["status"] for event in body["events"]] == ["submitted", "enrolled"]
    enrolment = Enrolment.objects.get(application=application)
    assert (
        body["enrolment"]["id"] == enrolment.pk and body["enrolment"]["class_group"]["age_group"] == "toddler"
    )
    assert ClassGroup.objects.get(pk=enrolment.class_group_id).enrolled == 13
    client.force_login(family)
    assert _ids(client.get(ENROLMENTS)) == [enrolment.pk]
    assert client.get(application_url(application)).json()["status"] == "enrolled"


def test_when_the_last_place_is_taken_the_next_accept_is_a_409_and_the_application_waits(
    client, make_family, toddler_child, nursery, operator
):
    ClassGroup.objects.filter(institution=nursery, age_group="toddler").update(enrolled=14)
    first_family, second_family = make_family(), make_family()
    first = _apply(first_family, toddler_child(first_family), nursery)
    second = _apply(second_family, toddler_child(second_family, name="小红"), nursery)
    assert first.status == second.status == ApplicationStatus.SUBMITTED
    client.force_login(operator)
    assert client.post(application_url(first, "accept")).status_code == 200
    response = client.post(application_url(second, "accept"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "no_place" and "No place left" in body["message"]
    assert body["application"]["status"] == "waitlisted" and body["application"]["waitlist_position"] == 1
    second.refresh_from_db()
    assert second.status == ApplicationStatus.WAITLISTED
    assert Enrolment.objects.filter(application=second).count() == 0
    assert Enrolment.objects.count() == 1


def test_a_member_of_another_institution_cannot_see_or_touch_the_application(
    client, family, toddler_child, nursery, stranger_operator
):
    application = _apply(family, toddler_child(family), nursery)
    client.force_login(stranger_operator)
    assert client.get(application_url(application)).status_code == 404
    assert client.post(application_url(application, "accept")).status_code == 404
    refused = client.post(
        application_url(application, "decline"), {"reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and not Enrolment.objects.exists()


def test_only_the_institution_accepts_and_only_the_family_withdraws(
    client, family, toddler_child, nursery, operator, reviewer
):
    application = _apply(family, toddler_child(family), nursery)
    client.force_login(family)
    assert client.post(application_url(application, "accept")).status_code == 403
    client.force_login(operator)
    assert client.post(application_url(application, "cancel")).status_code == 403
    client.force_login(reviewer)
    assert client.get(application_url(application)).status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_decline_needs_a_reason_and_the_family_reads_it_in_the_timeline(
    client, family, toddler_child, nursery, operator
):
    application = _apply(family, toddler_child(family), nursery)
    client.force_login(operator)
    empty = client.post(
        application_url(application, "decline"), {"reason": " "}, content_type="application/json"
    )
    assert empty.status_code == 400 and empty.json()["errors"]["reason"]
    response = client.post(
        application_url(application, "decline"), {"reason": "接送时间不合适"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "declined"
    client.force_login(family)
    body = client.get(application_url(application)).json()
    assert body["decline_reason"] == "接送时间不合适"
    last = body["events"][-1]
    assert (last["status"], last["note"]) == ("declined", "接送时间不合适")
    # Declined is final: accepting it now is refused by the workflow, a conflict with its state.
    client.force_login(operator)
    assert client.post(application_url(application, "accept")).status_code == 409


def test_a_waitlisted_family_takes_an_offered_place_and_another_withdraws(
    client, family, make_family, toddler_child, nursery
):
    ClassGroup.objects.filter(institution=nursery, age_group="toddler").update(enrolled=15)
    waiting = _apply(family, toddler_child(family), nursery)
    other = make_family()
    withdrawing = _apply(other, toddler_child(other, name="小红"), nursery)
    client.force_login(family)
    detail = client.get(application_url(waiting)).json()
    assert detail["status"] == "waitlisted" and detail["waitlist_position"] == 1
    assert client.post(application_url(waiting, "accept-offer")).status_code == 409  # nothing offered yet
    ClassGroup.objects.filter(institution=nursery, age_group="toddler").update(enrolled=14)
    services.offer_next(institution=nursery, age_group="toddler")
    response = client.post(application_url(waiting, "accept-offer"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "enrolled" and Enrolment.objects.filter(application=waiting).exists()
    assert client.post(application_url(withdrawing, "cancel")).status_code == 404  # not this family's
    client.force_login(other)
    response = client.post(application_url(withdrawing, "cancel"))
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


# --- visits --------------------------------------------------------------------------------------


def test_an_operator_offers_visit_times_that_anyone_can_see(client, nursery, operator):
    start = timezone.now() + timedelta(days=3)
    body = {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "capacity": 4,
    }
    client.force_login(operator)
    response = client.post(slots_url(nursery), body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["free"] == 4
    client.logout()
    rows = client.get(slots_url(nursery)).json()["results"]
    assert [(row["id"], row["free"], row["capacity"]) for row in rows] == [(response.json()["id"], 4, 4)]
    past = {**body, "starts_at": (timezone.now() - timedelta(hours=2)).isoformat()}
    client.force_login(operator)
    assert client.post(slots_url(nursery), past, content_type="application/json").status_code == 400
    assert VisitSlot.objects.count() == 1


def test_only_the_institutions_own_people_offer_visit_times(
    client, nursery, family, stranger_operator, make_institution
):
    start = timezone.now() + timedelta(days=3)
    body = {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "capacity": 4,
    }
    assert client.post(slots_url(nursery), body, content_type="application/json").status_code in (401, 403)
    for outsider in (family, stranger_operator):
        client.force_login(outsider)
        assert client.post(slots_url(nursery), body, content_type="application/json").status_code == 403
    assert VisitSlot.objects.count() == 0
    assert client.get(slots_url(make_institution(status="draft"))).status_code == 404


def test_a_retried_visit_booking_books_one_seat(
    client, family, make_family, nursery, operator, toddler_child
):
    slot = _slot(nursery, operator)
    child = toddler_child(family)
    client.force_login(family)
    headers = key()
    first = client.post(
        VISITS, {"slot": slot.pk, "child": child.pk}, content_type="application/json", **headers
    )
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "booked" and first.json()["institution"]["id"] == nursery.pk
    again = client.post(
        VISITS, {"slot": slot.pk, "child": child.pk}, content_type="application/json", **headers
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    slot.refresh_from_db()
    assert slot.booked == 1 and Visit.objects.count() == 1
    assert client.post(VISITS, {"slot": slot.pk}, content_type="application/json").status_code == 400
    assert client.get(slots_url(nursery)).json()["results"][0]["free"] == 2


def test_a_visit_for_another_familys_child_is_not_found(
    client, family, make_family, nursery, operator, toddler_child
):
    slot = _slot(nursery, operator)
    theirs = toddler_child(make_family(), name="小红")
    client.force_login(family)
    response = client.post(
        VISITS, {"slot": slot.pk, "child": theirs.pk}, content_type="application/json", **key()
    )
    assert response.status_code == 404
    slot.refresh_from_db()
    assert slot.booked == 0 and Visit.objects.count() == 0


def test_each_side_sees_its_visits_and_either_may_cancel(
    client, family, make_family, nursery, operator, stranger_operator
):
    slot = _slot(nursery, operator)
    visit = services.visit_book(slot=slot, family=family, idempotency_key="k1")
    other = make_family()
    client.force_login(other)
    assert _ids(client.get(VISITS)) == []
    assert client.post(f"{VISITS}{visit.pk}/cancel/").status_code == 404
    client.force_login(stranger_operator)
    assert _ids(client.get(VISITS)) == []
    client.force_login(operator)
    assert _ids(client.get(VISITS, {"status": "booked"})) == [visit.pk]
    client.force_login(family)
    response = client.post(f"{VISITS}{visit.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    visit.refresh_from_db()
    slot.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED and slot.booked == 0
    assert client.post(f"{VISITS}{visit.pk}/cancel/").status_code == 409  # already cancelled


# --- enrolments ----------------------------------------------------------------------------------


def test_an_operator_records_a_child_who_enrolled_without_the_site_and_ends_it(
    client, family, nursery, operator, stranger_operator
):
    group = ClassGroup.objects.get(institution=nursery, age_group="toddler")
    body = {
        "class_group": group.pk,
        "child_name": "线下入托",
        "sex": "F",
        "birth_date": months_ago(15).isoformat(),
        "service_type": "full_day",
        "start_date": next_week().isoformat(),
    }
    client.force_login(stranger_operator)
    assert client.post(ENROLMENTS, body, content_type="application/json").status_code == 403
    client.force_login(family)
    assert client.post(ENROLMENTS, body, content_type="application/json").status_code == 403
    assert Enrolment.objects.count() == 0
    client.force_login(operator)
    response = client.post(ENROLMENTS, body, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["child"]["name"] == "线下入托" and created["application"] is None
    assert created["status"] == "active" and created["class_group"]["id"] == group.pk
    group.refresh_from_db()
    assert group.enrolled == 13
    client.force_login(family)
    assert _ids(client.get(ENROLMENTS)) == []
    assert (
        client.post(f"{ENROLMENTS}{created['id']}/end/", {"end_date": next_week().isoformat()}).status_code
        == 403
    )
    client.force_login(stranger_operator)
    ended = client.post(
        f"{ENROLMENTS}{created['id']}/end/",
        {"end_date": next_week().isoformat()},
        content_type="application/json",
    )
    assert ended.status_code == 404
    client.force_login(operator)
    ended = client.post(
        f"{ENROLMENTS}{created['id']}/end/",
        {"end_date": next_week().isoformat()},
        content_type="application/json",
    )
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    assert Enrolment.objects.get().status == EnrolmentStatus.ENDED
    group.refresh_from_db()
    assert group.enrolled == 12


# --- statistics ----------------------------------------------------------------------------------


def test_a_reviewer_sees_numbers_per_institution_and_no_childs_name(
    client, family, make_family, toddler_child, nursery, operator, reviewer
):
    accepted = _apply(family, toddler_child(family, name="王小明"), nursery)
    services.application_accept(application=accepted, by=operator)
    other = make_family()
    _apply(other, toddler_child(other, name="李小红"), nursery)
    client.force_login(reviewer)
    response = client.get(STATISTICS)
    assert response.status_code == 200
    text = response.content.decode()
    for secret in ("王小明", "李小红", "小明", "小红", family.phone, other.phone):
        assert secret not in text
    body = response.json()
    (row,) = body["institutions"]
    assert row["institution_id"] == nursery.pk and row["institution_name"] == nursery.name
    assert row["applications"]["enrolled"] == 1 and row["applications"]["submitted"] == 1
    assert row["applications"]["total"] == 2 and row["active_enrolments"] == 1
    assert body["totals"]["applications"]["total"] == 2 and body["totals"]["active_enrolments"] == 1


def test_families_and_institutions_get_no_statistics(client, family, operator):
    for user in (family, operator):
        client.force_login(user)
        assert client.get(STATISTICS).status_code == 403


# --- the schema ----------------------------------------------------------------------------------


def test_the_schema_documents_every_booking_endpoint():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    expected = {
        "/api/v1/children/": {"get", "post"},
        "/api/v1/children/{id}/": {"get"},
        "/api/v1/institutions/{id}/visit-slots/": {"get", "post"},
        "/api/v1/visits/": {"get", "post"},
        "/api/v1/visits/{id}/cancel/": {"post"},
        "/api/v1/applications/": {"get", "post"},
        "/api/v1/applications/{id}/": {"get"},
        "/api/v1/applications/{id}/accept/": {"post"},
        "/api/v1/applications/{id}/decline/": {"post"},
        "/api/v1/applications/{id}/cancel/": {"post"},
        "/api/v1/applications/{id}/accept-offer/": {"post"},
        "/api/v1/enrolments/": {"get", "post"},
        "/api/v1/enrolments/{id}/end/": {"post"},
        "/api/v1/statistics/bookings/": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
    for path in ("/api/v1/visits/", "/api/v1/applications/"):
        post = paths[path]["post"]
        header = next(p for p in post["parameters"] if p["in"] == "header")
        assert header["name"] == "Idempotency-Key" and header["required"] is True
        assert {"200", "201", "400", "403"} <= set(post["responses"])
    assert "409" in paths["/api/v1/applications/{id}/accept/"]["post"]["responses"]
    child = schema["components"]["schemas"]["BookingChild"]["properties"]
    assert "id_number_masked" in child and "id_number" not in child and "id_number_index" not in child
    ids = [op["operationId"] for path in paths.values() for op in path.values()]
    assert len(ids) == len(set(ids))


# --- query counts --------------------------------------------------------------------------------


def _count_queries(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200, response.content
    return len(queries)


def test_a_familys_lists_run_a_fixed_number_of_queries(client, family, nursery, operator, make_institution):
    from tuoyu.institutions.services import ClassSpec

    client.force_login(family)
    birth = months_ago(16)

    def add(name: str):
        child = services.child_add(family=family, name=name, sex="F", birth_date=birth)
        institution = make_institution(classes=[ClassSpec("托小一班", "toddler", 15, 10)])
        InstitutionMembership.objects.create(institution=institution, user=operator)
        application = _apply(family, child, institution)
        services.application_accept(application=application, by=operator)
        services.visit_book(
            slot=_slot(institution, operator), family=family, idempotency_key=name, child=child
        )

    add("一")
    few = {path: _count_queries(client, path) for path in (CHILDREN, VISITS, APPLICATIONS, ENROLMENTS)}
    for name in ("二", "三", "四"):
        add(name)
    for path, count in few.items():
        assert client.get(path).json()["count"] == 4, path
        assert _count_queries(client, path) == count, path


def test_an_institutions_lists_run_a_fixed_number_of_queries(
    client, make_family, toddler_child, nursery, operator
):
    slot = _slot(nursery, operator, capacity=10)
    client.force_login(operator)

    def add():
        family = make_family()
        application = _apply(family, toddler_child(family), nursery)
        services.application_accept(application=application, by=operator)
        services.visit_book(slot=slot, family=family, idempotency_key="k")

    add()
    few = {path: _count_queries(client, path) for path in (VISITS, APPLICATIONS, ENROLMENTS)}
    for _ in range(2):
        add()
    for path, count in few.items():
        assert client.get(path).json()["count"] == 3, path
        assert _count_queries(client, path) == count, path


def test_the_statistics_and_the_visit_times_run_a_fixed_number_of_queries(
    client, make_family, toddler_child, nursery, operator, reviewer, make_institution
):
    def add():
        family = make_family()
        institution = make_institution()
        InstitutionMembership.objects.create(institution=institution, user=operator)
        _apply(family, toddler_child(family), institution)
        _slot(nursery, operator)

    add()
    few_slots = _count_queries(client, slots_url(nursery))
    client.force_login(reviewer)
    client.get(STATISTICS)  # the staff session's first request of the minute writes its last-seen stamp
    few = _count_queries(client, STATISTICS)
    for _ in range(3):
        add()
    assert len(client.get(STATISTICS).json()["institutions"]) == 4
    assert _count_queries(client, STATISTICS) == few
    client.logout()
    assert client.get(slots_url(nursery)).json()["count"] == 4
    assert _count_queries(client, slots_url(nursery)) == few_slots
