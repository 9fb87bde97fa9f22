"""The register's rules: each bad input is refused with a clear message and leaves nothing stored."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tuoyu.institutions.models import ClassGroup, Fee, Institution, InstitutionEvent, InstitutionStatus
from tuoyu.institutions.services import ClassSpec, FeeSpec, institution_transition


def _nothing_stored():
    return Institution.objects.count() == 0 and ClassGroup.objects.count() == 0 and Fee.objects.count() == 0


def test_slots_are_the_sum_of_class_capacities_and_vacancies_follow(make_institution):
    institution = make_institution(
        classes=[
            ClassSpec("乳儿一班", "infant", 10, 4),
            ClassSpec("托小一班", "toddler", 15, 15),
            ClassSpec("托大一班", "preschool", 20, 12),
        ]
    )
    institution.refresh_from_db()
    assert institution.capacity_total == 45
    assert institution.enrolled_total == 31
    assert institution.vacancies == 14
    assert {c.age_group: c.vacancies for c in institution.classes.all()} == {
        "infant": 6,
        "toddler": 0,
        "preschool": 8,
    }


def test_the_lowest_monthly_fee_is_the_fee_from(make_institution):
    institution = make_institution(
        fees=[
            FeeSpec("full_day", Decimal("1800"), "market"),
            FeeSpec("half_day", Decimal("1100"), "market"),
            FeeSpec("hourly", Decimal("30"), "market", period="hour"),
        ]
    )
    assert Institution.objects.get(pk=institution.pk).fee_from == Decimal("1100.00")


def test_a_wrong_credit_code_is_refused_and_nothing_is_stored(make_institution):
    with pytest.raises(ValidationError) as exc:
        make_institution(uscc="91500154MA5U00001X", status="draft")
    assert "uscc" in exc.value.message_dict
    assert "统一社会信用代码" in exc.value.message_dict["uscc"][0]
    assert _nothing_stored()


def test_coordinates_outside_the_district_are_refused(make_institution):
    with pytest.raises(ValidationError) as exc:
        make_institution(lat=29.56, lng=106.55, status="draft")  # central Chongqing, far outside Kaizhou
    assert "lat" in exc.value.message_dict
    assert _nothing_stored()


@pytest.mark.parametrize(
    ("group", "limit"), [("infant", 10), ("toddler", 15), ("preschool", 20), ("mixed", 18)]
)
def test_a_class_over_the_national_size_limit_is_refused(make_institution, group, limit):
    with pytest.raises(ValidationError) as exc:
        make_institution(classes=[ClassSpec("超额班", group, limit + 1, 0)], status="draft")
    assert any(str(limit) in m for messages in exc.value.message_dict.values() for m in messages)
    assert _nothing_stored()


@pytest.mark.parametrize(
    ("group", "limit"), [("infant", 10), ("toddler", 15), ("preschool", 20), ("mixed", 18)]
)
def test_a_class_at_the_national_limit_is_accepted(make_institution, group, limit):
    institution = make_institution(classes=[ClassSpec("满额班", group, limit, limit)])
    assert institution.classes.get().capacity == limit


def test_the_database_itself_refuses_an_oversized_class(make_institution):
    institution = make_institution()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClassGroup.objects.create(institution=institution, name="绕过校验", age_group="infant", capacity=11)


def test_the_database_refuses_more_enrolled_than_places(make_institution):
    institution = make_institution()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClassGroup.objects.filter(institution=institution).update(enrolled=99)


def test_more_enrolled_than_places_is_refused_with_a_message(make_institution):
    with pytest.raises(ValidationError):
        make_institution(classes=[ClassSpec("托小一班", "toddler", 10, 11)], status="draft")
    assert _nothing_stored()


def test_a_fee_below_zero_is_refused_and_nothing_is_stored(make_institution):
    with pytest.raises(ValidationError):
        make_institution(fees=[FeeSpec("full_day", Decimal("-1"), "market")], status="draft")
    assert _nothing_stored()


def test_the_database_refuses_a_negative_fee(make_institution):
    institution = make_institution()
    with pytest.raises(IntegrityError), transaction.atomic():
        Fee.objects.create(
            institution=institution, service_type="full_day", amount=Decimal("-5"), price_type="market"
        )


def test_closing_before_opening_is_refused(make_institution):
    from datetime import time

    with pytest.raises(ValidationError) as exc:
        make_institution(opens_at=time(18), closes_at=time(8), status="draft")
    assert "closes_at" in exc.value.message_dict


def test_status_changes_follow_the_workflow_and_leave_a_timeline(make_institution, reviewer):
    institution = make_institution(status="draft")
    with pytest.raises(ValidationError):
        institution_transition(institution=institution, to_status=InstitutionStatus.DEREGISTERED, by=reviewer)
    with pytest.raises(ValidationError):
        institution_transition(
            institution=institution, to_status=InstitutionStatus.FILED, by=reviewer
        )  # no number
    institution = institution_transition(
        institution=institution,
        to_status=InstitutionStatus.FILED,
        by=reviewer,
        filing_number="开州托备〔2025〕0100",
    )
    institution = institution_transition(
        institution=institution, to_status=InstitutionStatus.DEREGISTERED, by=reviewer
    )
    with pytest.raises(ValidationError):
        institution_transition(institution=institution, to_status=InstitutionStatus.FILED, by=reviewer)
    events = list(
        InstitutionEvent.objects.filter(institution=institution).values_list("from_status", "to_status", "by")
    )
    assert events == [("draft", "filed", reviewer.pk), ("filed", "deregistered", reviewer.pk)]
    assert institution.deregistered_on is not None


def test_writes_to_the_register_are_audited(make_institution, reviewer):
    from auditlog.context import set_actor
    from auditlog.models import LogEntry

    with set_actor(reviewer):
        institution = make_institution()
    entries = LogEntry.objects.get_for_object(institution)
    assert entries.filter(action=LogEntry.Action.CREATE, actor=reviewer).exists()
    assert entries.filter(action=LogEntry.Action.UPDATE, actor=reviewer).exists()  # the status change
