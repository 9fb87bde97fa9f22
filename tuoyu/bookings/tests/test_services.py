"""The rules of 入托网上约: who may apply, places exact, the waitlist moving, messages at each change."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tuoyu.bookings import services
from tuoyu.bookings.models import (
    Application,
    ApplicationStatus,
    BookingPolicy,
    Child,
    Enrolment,
    Visit,
    VisitSlot,
)
from tuoyu.bookings.tests.conftest import months_ago, next_week
from tuoyu.core.models import OutboxMessage
from tuoyu.institutions.models import ClassGroup, Institution

pytestmark = pytest.mark.django_db


def _apply(family, child, institution, *, group="toddler", start=None, key=None, **extra):
    return services.application_submit(
        family=family,
        child=child,
        institution=institution,
        age_group=group,
        service_type="full_day",
        start_date=start or next_week(),
        idempotency_key=key or uuid.uuid4().hex,
        **extra,
    )


# --- children -------------------------------------------------------------------------------------


def test_a_child_with_a_valid_id_number_is_stored_encrypted_and_shown_masked(family):
    from django.db import connection

    child = services.child_add(
        family=family, name="小红", sex="F", birth_date=months_ago(10).replace(day=1), id_number=""
    )
    assert child.masked_id_number == ""
    number = "11010520250101002X"
    from stdnum.cn import ric

    stem = "110105" + months_ago(14).strftime("%Y%m%d") + "002"
    number = stem + ric.calc_check_digit(stem + "0")  # stdnum expects a placeholder check digit
    child = services.child_add(
        family=family, name="小明", sex="M", birth_date=months_ago(14), id_number=number
    )
    assert child.masked_id_number == number[:3] + "*" * 11 + number[-4:]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM bookings_child WHERE id = %s", [child.pk])
        assert number not in cursor.fetchone()[0]
    assert Child.objects.get(pk=child.pk).id_number == number


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("id_number", {"id_number": "110105202501010021"}),
        ("birth_date", {"birth_date": timezone.localdate() + timedelta(days=3)}),
        ("birth_date", {"birth_date": months_ago(80)}),
        ("name", {"name": "  "}),
    ],
)
def test_bad_child_details_are_refused_and_nothing_is_stored(family, field, kwargs):
    values = {"family": family, "name": "小明", "sex": "M", "birth_date": months_ago(14), **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.child_add(**values)
    assert field in exc.value.message_dict
    assert Child.objects.count() == 0


def test_an_id_number_whose_birth_date_differs_is_refused(family):
    with pytest.raises(ValidationError):
        services.child_add(
            family=family, name="小明", sex="M", birth_date=months_ago(14), id_number="11010519491231002X"
        )


def test_the_same_id_number_cannot_be_registered_twice(family, make_family):
    from stdnum.cn import ric

    birth = months_ago(14)
    stem = "500154" + birth.strftime("%Y%m%d") + "123"
    number = stem + ric.calc_check_digit(stem + "0")  # stdnum expects a placeholder check digit
    services.child_add(family=family, name="小明", sex="M", birth_date=birth, id_number=number)
    with pytest.raises(ValidationError):
        services.child_add(family=make_family(), name="小明", sex="M", birth_date=birth, id_number=number)


def test_only_a_family_adds_children(operator):
    with pytest.raises(PermissionDenied):
        services.child_add(family=operator, name="x", sex="M", birth_date=months_ago(14))


# --- applications -------------------------------------------------------------------------------


def test_an_application_with_a_free_place_waits_for_the_institution(family, toddler_child, nursery):
    application = _apply(family, toddler_child(family), nursery)
    assert application.status == ApplicationStatus.SUBMITTED
    assert OutboxMessage.objects.filter(recipient=family.phone).exists()


@pytest.mark.parametrize(
    ("months", "group"),
    [(8, "toddler"), (30, "toddler"), (13, "preschool"), (40, "preschool")],
)
def test_a_child_too_young_or_too_old_for_the_age_group_is_refused(
    family, toddler_child, nursery, months, group
):
    child = toddler_child(family, months=months)
    with pytest.raises(ValidationError) as exc:
        _apply(family, child, nursery, group=group)
    assert "age_group" in exc.value.message_dict
    assert Application.objects.count() == 0


def test_the_age_is_taken_on_the_start_date_not_today(family, toddler_child, nursery):
    child = toddler_child(family, months=11)  # 11 months now: too young for 托小班 today
    with pytest.raises(ValidationError):
        _apply(family, child, nursery, start=next_week())
    application = _apply(family, child, nursery, start=timezone.localdate() + timedelta(days=62))
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_start_date_in_the_past_is_refused(family, toddler_child, nursery):
    with pytest.raises(ValidationError) as exc:
        _apply(family, toddler_child(family), nursery, start=timezone.localdate() - timedelta(days=1))
    assert "start_date" in exc.value.message_dict


def test_another_familys_child_is_refused(family, make_family, toddler_child, nursery):
    child = toddler_child(make_family())
    with pytest.raises(PermissionDenied):
        _apply(family, child, nursery)
    assert Application.objects.count() == 0


def test_a_service_the_institution_does_not_offer_is_refused(family, toddler_child, nursery):
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            family=family,
            child=toddler_child(family),
            institution=nursery,
            age_group="toddler",
            service_type="hourly",
            start_date=next_week(),
            idempotency_key="k",
        )
    assert "service_type" in exc.value.message_dict


def test_a_retried_request_with_the_same_key_creates_one_application(family, toddler_child, nursery):
    child = toddler_child(family)
    first = _apply(family, child, nursery, key="same-key")
    second = _apply(family, child, nursery, key="same-key")
    assert first.pk == second.pk and Application.objects.count() == 1


def test_a_second_open_application_for_the_same_child_is_refused(family, toddler_child, nursery):
    child = toddler_child(family)
    _apply(family, child, nursery)
    with pytest.raises(ValidationError):
        _apply(family, child, nursery)


def test_accepting_enrols_the_child_and_the_vacancy_drops(family, toddler_child, nursery, operator):
    application = _apply(family, toddler_child(family), nursery)
    result = services.application_accept(application=application, by=operator)
    assert result.accepted
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ENROLLED
    enrolment = Enrolment.objects.get()
    assert enrolment.class_group.name == "托小一班" and enrolment.application == application
    assert ClassGroup.objects.get(name="托小一班", institution=nursery).enrolled == 13
    assert Institution.objects.get(pk=nursery.pk).enrolled_total == 33


def test_only_the_institutions_people_decide(family, toddler_child, nursery, other_operator):
    application = _apply(family, toddler_child(family), nursery)
    with pytest.raises(PermissionDenied):
        services.application_accept(application=application, by=other_operator)
    with pytest.raises(PermissionDenied):
        services.application_accept(application=application, by=family)


def test_a_full_group_puts_the_family_on_the_waitlist_with_its_position(
    make_family, toddler_child, nursery, operator
):
    ClassGroup.objects.filter(institution=nursery, age_group="toddler").update(enrolled=15)
    first, second = make_family(), make_family()
    a = _apply(first, toddler_child(first), nursery)
    b = _apply(second, toddler_child(second, name="小刚"), nursery)
    assert (a.status, b.status) == (ApplicationStatus.WAITLISTED, ApplicationStatus.WAITLISTED)
    assert (services.waitlist_position(a), services.waitlist_position(b)) == (1, 2)
    assert "2" in OutboxMessage.objects.filter(recipient=second.phone).order_by("id").last().body


def test_accepting_with_no_place_left_moves_the_application_to_the_waitlist(
    make_family, toddler_child, nursery, operator
):
    ClassGroup.objects.filter(institution=nursery, age_group="toddler").update(enrolled=14)
    families = [make_family() for _ in range(2)]
    apps = [_apply(f, toddler_child(f, name=f"孩子{i}"), nursery) for i, f in enumerate(families)]
    assert services.application_accept(application=apps[0], by=operator).accepted
    result = services.application_accept(application=apps[1], by=operator)
    assert not result.accepted and result.message
    apps[1].refresh_from_db()
    assert apps[1].status == ApplicationStatus.WAITLISTED


def test_the_multi_child_rule_puts_second_children_first(make_family, toddler_child, nursery):
    BookingPolicy.objects.create(institution=nursery, waitlist_rule="multi_child_first")
    ClassGroup.objects.filter(institution=nursery, age_group="toddler").update(enrolled=15)
    f1, f2 = make_family(), make_family()
    first_come = _apply(f1, toddler_child(f1), nursery)
    second_child = _apply(f2, toddler_child(f2, name="二宝", is_second_or_later=True), nursery)
    assert [a.pk for a in services.waitlist(nursery, "toddler")] == [second_child.pk, first_come.pk]


def test_a_cancelled_enrolment_frees_the_place_and_offers_it_to_the_next_family(
    make_family, toddler_child, nursery, operator
):
    ClassGroup.objects.filter(institution=nursery, age_group="toddler").update(enrolled=14)
    f1, f2, f3 = make_family(), make_family(), make_family()
    enrolled = _apply(f1, toddler_child(f1), nursery)
    services.application_accept(application=enrolled, by=operator)
    waiting = _apply(f2, toddler_child(f2, name="小刚"), nursery)
    later = _apply(f3, toddler_child(f3, name="小丽"), nursery)
    assert waiting.status == ApplicationStatus.WAITLISTED
    services.application_cancel(application=enrolled, by=f1)
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.status == ApplicationStatus.OFFERED and waiting.offer_expires_at > timezone.now()
    assert later.status == ApplicationStatus.WAITLISTED
    assert Enrolment.objects.get(application=enrolled).status == "ended"
    # The held offer counts: nobody else can take that place meanwhile.
    assert services.free_places(nursery, "toddler") == 0
    services.offer_accept(application=waiting, family=f2)
    waiting.refresh_from_db()
    assert waiting.status == ApplicationStatus.ENROLLED


def test_an_unanswered_offer_expires_and_passes_to_the_next(make_family, toddler_child, nursery, operator):
    ClassGroup.objects.filter(institution=nursery, age_group="toddler").update(enrolled=15)
    f1, f2 = make_family(), make_family()
    first = _apply(f1, toddler_child(f1), nursery)
    second = _apply(f2, toddler_child(f2, name="小刚"), nursery)
    ClassGroup.objects.filter(institution=nursery, name="托小一班").update(enrolled=14)
    [offered] = services.offer_next(institution=nursery, age_group="toddler", by=operator)
    assert offered.pk == first.pk
    assert services.expire_offers(now=timezone.now() + timedelta(hours=49)) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ApplicationStatus.EXPIRED and second.status == ApplicationStatus.OFFERED
    with pytest.raises(ValidationError):
        services.offer_accept(application=first, family=f1)


def test_declining_needs_a_reason_and_tells_the_family(family, toddler_child, nursery, operator):
    application = _apply(family, toddler_child(family), nursery)
    with pytest.raises(ValidationError):
        services.application_decline(application=application, by=operator, reason=" ")
    services.application_decline(application=application, by=operator, reason="该时段已满，请改选半日托")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    assert "半日托" in OutboxMessage.objects.filter(recipient=family.phone).order_by("id").last().body


def test_an_institution_records_an_enrolment_that_did_not_come_online(nursery, operator):
    group = ClassGroup.objects.get(institution=nursery, name="托小一班")
    enrolment = services.enrolment_record(
        institution=nursery,
        by=operator,
        class_group=group,
        child_name="线下入托",
        sex="F",
        birth_date=months_ago(15),
        service_type="full_day",
        start_date=next_week(),
    )
    assert enrolment.child.family is None
    group.refresh_from_db()
    assert group.enrolled == 13
    services.enrolment_end(enrolment=enrolment, by=operator, end_date=next_week() + timedelta(days=30))
    group.refresh_from_db()
    assert group.enrolled == 12


def test_a_full_class_refuses_an_offline_enrolment(nursery, operator):
    group = ClassGroup.objects.get(institution=nursery, name="托大一班")  # 20 of 20
    with pytest.raises(ValidationError):
        services.enrolment_record(
            institution=nursery,
            by=operator,
            class_group=group,
            child_name="x",
            sex="F",
            birth_date=months_ago(28),
            service_type="full_day",
            start_date=next_week(),
        )
    assert Enrolment.objects.count() == 0


def test_every_change_leaves_a_timeline_entry(family, toddler_child, nursery, operator):
    application = _apply(family, toddler_child(family), nursery)
    services.application_accept(application=application, by=operator)
    services.application_cancel(application=application, by=family)
    assert list(application.events.values_list("to_status", flat=True)) == [
        "submitted",
        "enrolled",
        "cancelled",
    ]


# --- visits -------------------------------------------------------------------------------------


def _slot(nursery, operator, *, capacity=2, hours=24):
    start = timezone.now() + timedelta(hours=hours)
    return services.visit_slot_create(
        institution=nursery,
        by=operator,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=capacity,
    )


def test_a_visit_takes_a_seat_and_a_cancellation_gives_it_back(family, nursery, operator):
    slot = _slot(nursery, operator)
    visit = services.visit_book(slot=slot, family=family, idempotency_key="v1")
    assert VisitSlot.objects.get(pk=slot.pk).booked == 1
    assert services.visit_book(slot=slot, family=family, idempotency_key="v1").pk == visit.pk  # retried
    services.visit_cancel(visit=visit, by=family)
    assert VisitSlot.objects.get(pk=slot.pk).booked == 0


def test_a_full_slot_and_a_past_slot_are_refused(make_family, nursery, operator):
    slot = _slot(nursery, operator, capacity=1)
    services.visit_book(slot=slot, family=make_family(), idempotency_key="a")
    with pytest.raises(ValidationError) as exc:
        services.visit_book(slot=slot, family=make_family(), idempotency_key="b")
    assert exc.value.code == "full"
    past = VisitSlot.objects.create(
        institution=nursery,
        starts_at=timezone.now() - timedelta(hours=2),
        ends_at=timezone.now() - timedelta(hours=1),
        capacity=3,
    )
    with pytest.raises(ValidationError) as exc:
        services.visit_book(slot=past, family=make_family(), idempotency_key="c")
    assert exc.value.code == "past"
    assert Visit.objects.count() == 1


def test_a_slot_cannot_be_published_in_the_past(nursery, operator):
    with pytest.raises(ValidationError):
        _slot(nursery, operator, hours=-3)


def test_statistics_are_numbers_only_and_a_street_sees_its_own_unit(
    family, toddler_child, nursery, reviewer, kaizhou
):
    from tuoyu.accounts.models import User
    from tuoyu.bookings.selectors import booking_statistics
    from tuoyu.regions.models import Unit

    _apply(family, toddler_child(family), nursery)
    rows = booking_statistics(reviewer)
    assert len(rows) == 1 and rows[0]["n_submitted"] == 1
    assert "小明" not in str(rows) and family.phone not in str(rows)
    elsewhere = User.objects.create_user(
        username="baihe", password="x", role="street_officer", unit=Unit.objects.get(name="白鹤街道")
    )
    assert booking_statistics(elsewhere) == []
    assert booking_statistics(family) == []


def test_accepting_from_the_waitlist_keeps_its_order(make_family, toddler_child, nursery, operator):
    ClassGroup.objects.filter(institution=nursery, age_group="toddler").update(enrolled=15)
    f1, f2 = make_family(), make_family()
    first = _apply(f1, toddler_child(f1), nursery)
    second = _apply(f2, toddler_child(f2, name="小刚"), nursery)
    ClassGroup.objects.filter(institution=nursery, age_group="toddler").update(enrolled=14)
    with pytest.raises(ValidationError) as exc:
        services.application_accept(application=second, by=operator)
    assert exc.value.code == "order"
    assert services.application_accept(application=first, by=operator).accepted


def test_an_offline_enrolment_checks_the_childs_age(nursery, operator):
    group = ClassGroup.objects.get(institution=nursery, name="托小一班")
    with pytest.raises(ValidationError) as exc:
        services.enrolment_record(
            institution=nursery,
            by=operator,
            class_group=group,
            child_name="太大",
            sex="F",
            birth_date=months_ago(30),
            service_type="full_day",
            start_date=next_week(),
        )
    assert "birth_date" in exc.value.message_dict


def test_only_the_institutions_people_offer_places(nursery, other_operator):
    with pytest.raises(PermissionDenied):
        services.offer_next(institution=nursery, age_group="toddler", by=other_operator)


def test_the_demo_gives_the_family_and_the_operator_something_to_see(kaizhou):
    from tuoyu.bookings.demo import seed_bookings
    from tuoyu.institutions.demo import seed_district, seed_personas

    seed_district(count=10)
    seed_personas()
    assert seed_bookings() >= 4
    assert Child.objects.get().name.startswith("示例")
    assert VisitSlot.objects.count() == 3
    assert seed_bookings() == 0  # runs once


def test_batch_waitlist_positions_agree_with_the_single_ones(make_family, toddler_child, nursery):
    BookingPolicy.objects.create(institution=nursery, waitlist_rule="multi_child_first")
    ClassGroup.objects.filter(institution=nursery, age_group="toddler").update(enrolled=15)
    apps = []
    for i in range(5):
        f = make_family()
        apps.append(_apply(f, toddler_child(f, name=f"孩子{i}", is_second_or_later=(i % 2 == 1)), nursery))
    batch = services.waitlist_positions(apps)
    assert batch == {a.pk: services.waitlist_position(a) for a in apps}
    assert sorted(batch.values()) == [1, 2, 3, 4, 5]


def test_the_family_page_issues_a_fixed_number_of_queries_whatever_the_applications(
    client, make_family, toddler_child, make_institution, operator
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tuoyu.institutions.services import ClassSpec

    family = make_family()
    client.force_login(family)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/bookings/me/").status_code == 200
        return len(ctx.captured_queries)

    def full_institution():
        return make_institution(classes=[ClassSpec("托小一班", "toddler", 15, 15)])

    _apply(family, toddler_child(family, name="甲"), full_institution())
    few = count()
    for i in range(4):
        _apply(family, toddler_child(family, name=f"乙{i}"), full_institution())
    assert count() == few
