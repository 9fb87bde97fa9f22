"""Health's fixtures: an institution with a 托小班 and a 托大班 with free places, its operator and health
staff, a child-health officer, and a factory that enrols children through bookings' service (which
publishes "bookings.enrolled", so each child's record is opened as in life)."""

from datetime import timedelta

import pytest


def _user(username, role, **extra):
    from tuoyu.accounts.models import User

    return User.objects.create_user(username=username, password="correct-horse-battery", role=role, **extra)


@pytest.fixture
def health_institution(make_institution, operator):
    """A filed institution run by `operator`: 托小一班 (12–24 months, 15 places) and 托大一班 (24–36, 20)."""
    from tuoyu.institutions.models import InstitutionMembership
    from tuoyu.institutions.services import ClassSpec

    institution = make_institution(
        name="健康测试托育园",
        classes=[
            ClassSpec(name="托小一班", age_group="toddler", capacity=15, enrolled=0),
            ClassSpec(name="托大一班", age_group="preschool", capacity=20, enrolled=0),
        ],
    )
    InstitutionMembership.objects.create(institution=institution, user=operator)
    return institution


@pytest.fixture
def other_institution(make_institution, other_operator):
    from tuoyu.institutions.models import InstitutionMembership
    from tuoyu.institutions.services import ClassSpec

    institution = make_institution(
        name="另一家托育园",
        classes=[ClassSpec(name="托小二班", age_group="toddler", capacity=15, enrolled=0)],
    )
    InstitutionMembership.objects.create(institution=institution, user=other_operator)
    return institution


@pytest.fixture
def health_staff(health_institution):
    from tuoyu.institutions.models import InstitutionMembership

    user = _user("health-staff", "inst_health", display_name="保健员甲")
    InstitutionMembership.objects.create(institution=health_institution, user=user)
    return user


@pytest.fixture
def other_health_staff(other_institution):
    from tuoyu.institutions.models import InstitutionMembership

    user = _user("other-health-staff", "inst_health")
    InstitutionMembership.objects.create(institution=other_institution, user=user)
    return user


@pytest.fixture
def child_health_officer(kaizhou):
    return _user("child-health", "hc_child_health", display_name="妇幼健康科")


@pytest.fixture
def guidance_officer(kaizhou):
    return _user("guidance-centre", "guidance")


@pytest.fixture
def enrol(operator):
    """enrol(institution, class_name="托小一班", *, family=None, sex="M", months=18, name=None) -> Enrolment:
    a child of `months` months today, enrolled today through bookings.enrolment_record by the operator
    (or `by`), with `family` as the guardian's account when given."""
    from django.utils import timezone

    from tuoyu.bookings.services import enrolment_record

    counter = {"n": 0}

    def make(institution, class_name="托小一班", *, family=None, sex="M", months=18, name=None, by=None):
        counter["n"] += 1
        today = timezone.localdate()
        birth = today - timedelta(days=int(months * 30.44) + 3)
        enrolment = enrolment_record(
            institution=institution,
            by=by or operator,
            class_group=institution.classes.get(name=class_name),
            child_name=name or f"幼儿{counter['n']}",
            sex=sex,
            birth_date=birth,
            service_type="full_day",
            start_date=today,
        )
        if family is not None:
            child = enrolment.child
            child.family = family
            child.save(update_fields=["family"])
        return enrolment

    return make
