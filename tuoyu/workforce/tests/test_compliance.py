"""staffing_of: the certified rate on the issue's hand-built set, ratios, flags, expiry, and a fixed number
of queries whatever the number of institutions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.core.facts import institution_fact_of
from tuoyu.institutions.services import ClassSpec
from tuoyu.workforce.models import Certificate
from tuoyu.workforce.selectors.compliance import (
    DUAL_EMPLOYMENT,
    NO_BACKGROUND_CHECK,
    NO_CLASS,
    NO_HEALTH_CHECK,
    NOT_CERTIFIED,
    staffing_of,
)

from .conftest import id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def hand_built(workforce_rules, staffed_institution, make_institution, make_staff, today):
    """The issue's set: a certified carer, a carer whose certificate expired yesterday, a certified
    part-time carer, a new hire with no certificate yet, and a certified person also employed (since later)
    at a second institution; a cook outside the rate."""
    preschool = staffed_institution.classes.get(age_group="preschool")
    other = make_institution(name="另一托育园")
    people = {
        "certified": make_staff(staffed_institution, class_group=preschool, certificates=["baoyushi-4"]),
        "expired": make_staff(staffed_institution, class_group=preschool, certificates=["yuyingyuan-5"]),
        "part_time": make_staff(
            staffed_institution, class_group=preschool, employment="part_time", certificates=["baoyushi-4"]
        ),
        "new_hire": make_staff(staffed_institution, class_group=preschool, started_on=today),
        "cook": make_staff(staffed_institution, post="cook"),
    }
    Certificate.objects.filter(staff=people["expired"]).update(
        issued_on=today - timedelta(days=400), expires_on=today - timedelta(days=1)
    )
    twice = id_number(900)
    people["first_here"] = make_staff(
        staffed_institution,
        class_group=preschool,
        certificates=["baoyushi-4"],
        number=twice,
        started_on=today - timedelta(days=300),
    )
    other_class = other.classes.get()
    people["also_there"] = make_staff(
        other,
        class_group=other_class,
        certificates=["baoyushi-4"],
        number=twice,
        started_on=today - timedelta(days=20),
    )
    people["there"] = make_staff(other, class_group=other_class, certificates=["baoyushi-4"])
    return staffed_institution, other, people


def test_certified_rate_on_the_hand_built_set(hand_built, today):
    here, other, people = hand_built
    result = staffing_of([here.pk, other.pk], on=today)
    mine, theirs = result[here.pk], result[other.pk]
    # Certifiable here: certified, expired, part-time, new hire, the person first here (the cook is outside).
    assert (mine.certified, mine.certifiable, mine.certified_rate) == (3, 5, Decimal("60.0"))
    # There, the person employed twice does not count: one carer, certified.
    assert (theirs.certified, theirs.certifiable, theirs.certified_rate) == (1, 1, Decimal("100.0"))
    assert mine.carers == 5 and theirs.carers == 1


def test_the_person_at_two_institutions_is_flagged_at_both_and_counted_at_the_first(hand_built, today):
    here, other, people = hand_built
    result = staffing_of([here.pk, other.pk], on=today)
    dual_here = [f for f in result[here.pk].flags if f.kind == DUAL_EMPLOYMENT]
    dual_there = [f for f in result[other.pk].flags if f.kind == DUAL_EMPLOYMENT]
    assert [f.staff_id for f in dual_here] == [people["first_here"].pk]
    assert [f.staff_id for f in dual_there] == [people["also_there"].pk]
    assert other.name in dual_here[0].detail and here.name in dual_there[0].detail
    # Asked alone, the second institution still finds the row elsewhere by the blind index.
    alone = staffing_of([other.pk], on=today)[other.pk]
    assert [f.staff_id for f in alone.flags if f.kind == DUAL_EMPLOYMENT] == [people["also_there"].pk]
    assert alone.classes[0].carers == Decimal(1)


def test_class_ratio_and_flags(hand_built, today):
    here, _other, people = hand_built
    staffing = staffing_of([here.pk], on=today)[here.pk]
    preschool = next(c for c in staffing.classes if c.age_group == "preschool")
    # 4 full-time + 1 part-time (0.5) for 20 children at 1:7.
    assert (preschool.carers, preschool.needed, preschool.met) == (Decimal("4.5"), 3, True)
    infant = next(c for c in staffing.classes if c.age_group == "infant")
    assert (infant.carers, infant.needed, infant.met) == (Decimal(0), 2, False)
    assert staffing.all_classes_met is False
    not_certified = {f.staff_id for f in staffing.flags if f.kind == NOT_CERTIFIED}
    assert not_certified == {people["expired"].pk, people["new_hire"].pk}
    assert not [f for f in staffing.flags if f.kind in (NO_HEALTH_CHECK, NO_BACKGROUND_CHECK, NO_CLASS)]
    assert staffing.health_needed == 1 and staffing.health_staff == 0 and staffing.health_met is False


@pytest.mark.parametrize(("carers", "met"), [(2, False), (3, True)])
def test_a_preschool_class_of_20(workforce_rules, staffed_institution, make_staff, today, carers, met):
    preschool = staffed_institution.classes.get(age_group="preschool")
    for _ in range(carers):
        make_staff(staffed_institution, class_group=preschool)
    ratio = next(
        c
        for c in staffing_of([staffed_institution.pk], on=today)[staffed_institution.pk].classes
        if c.class_id == preschool.pk
    )
    assert (ratio.carers, ratio.needed, ratio.met) == (Decimal(carers), 3, met)


def test_unsuitable_carers_are_flagged_and_not_counted(
    workforce_rules, staffed_institution, make_staff, today
):
    infant = staffed_institution.classes.get(age_group="infant")
    no_health = make_staff(
        staffed_institution, class_group=infant, health_checked_on=today - timedelta(days=400)
    )
    no_check = make_staff(staffed_institution, class_group=infant, background_checked_on=None)
    unassigned = make_staff(staffed_institution)
    staffing = staffing_of([staffed_institution.pk], on=today)[staffed_institution.pk]
    kinds = {(f.staff_id, f.kind) for f in staffing.flags}
    assert (no_health.pk, NO_HEALTH_CHECK) in kinds
    assert (no_check.pk, NO_BACKGROUND_CHECK) in kinds
    assert (unassigned.pk, NO_CLASS) in kinds
    infant_ratio = next(c for c in staffing.classes if c.class_id == infant.pk)
    assert infant_ratio.carers == 0 and infant_ratio.met is False
    assert staffing.carers == 1  # only the unassigned one is suitable


@pytest.mark.parametrize(("offset", "counts"), [(-1, True), (0, True), (1, False)])
def test_expiry_the_day_before_of_and_after(
    workforce_rules, staffed_institution, make_staff, today, offset, counts
):
    carer = make_staff(staffed_institution, certificates=["baoyushi-4"])
    Certificate.objects.filter(staff=carer).update(expires_on=today)
    staffing = staffing_of([staffed_institution.pk], on=today + timedelta(days=offset))[
        staffed_institution.pk
    ]
    assert staffing.certified == (1 if counts else 0)
    assert bool([e for e in staffing.expiring if e.staff_id == carer.pk]) is counts


def test_expiring_within_30_days(workforce_rules, staffed_institution, make_staff, today):
    carer = make_staff(
        staffed_institution, certificates=["baoyushi-4"], health_checked_on=today - timedelta(days=350)
    )
    Certificate.objects.filter(staff=carer).update(expires_on=today + timedelta(days=30))
    later = make_staff(staffed_institution, certificates=["baoyushi-4"])
    Certificate.objects.filter(staff=later).update(expires_on=today + timedelta(days=31))
    staffing = staffing_of([staffed_institution.pk], on=today)[staffed_institution.pk]
    assert [(e.staff_id, e.certificate_id is None) for e in staffing.expiring] == [
        (carer.pk, True),
        (carer.pk, False),
    ]


def test_a_fixed_number_of_queries_for_1_and_for_20_institutions(
    workforce_rules, make_institution, make_staff, today
):
    institutions = []
    for _n in range(20):
        institution = make_institution(
            classes=[
                ClassSpec(name="托大一班", age_group="preschool", capacity=20, enrolled=14),
                ClassSpec(name="托小一班", age_group="toddler", capacity=15, enrolled=10),
            ]
        )
        for group in institution.classes.all():
            make_staff(institution, class_group=group, certificates=["baoyushi-4"])
            make_staff(
                institution,
                class_group=group,
                certificates=["baoyushi-4", "health-certificate"],
                employment="part_time",
            )
        make_staff(institution, post="health", certificates=["health-training"])
        institutions.append(institution)
    with CaptureQueriesContext(connection) as one:
        staffing_of([institutions[0].pk], on=today)
    with CaptureQueriesContext(connection) as twenty:
        result = staffing_of([i.pk for i in institutions], on=today)
    assert len(one) == len(twenty) <= 7
    assert all(s.all_classes_met is False for s in result.values())  # 14 at 1:7 needs 2, 1.5 counted
    assert all(s.certified_rate == Decimal("100.0") for s in result.values())


def test_the_facts_for_other_apps(hand_built, make_institution, today):
    here, other, _people = hand_built
    empty = make_institution(name="无员工托育园")
    carers = institution_fact_of("carers_by_class", [here.pk, empty.pk])
    preschool = here.classes.get(age_group="preschool")
    assert carers[here.pk][preschool.pk] == {"carers": Decimal("4.5"), "needed": 3}
    assert empty.pk not in carers
    summary = institution_fact_of("workforce", [here.pk, empty.pk])[here.pk]
    assert summary == {
        "carers": 5,
        "health_staff": 0,
        "health_met": False,
        "certified_rate": Decimal("60.0"),
        "all_classes_met": False,
    }
