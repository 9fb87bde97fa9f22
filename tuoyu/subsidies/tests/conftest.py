"""Subsidies' fixtures: Kaizhou's 2024 rules, the commission, finance, a 普惠 institution with the three
class types, and a factory for children enrolled over given dates (rows written directly: the rules
read enrolment records, whatever wrote them)."""

from datetime import date
from decimal import Decimal

import pytest


def _user(username, role, **extra):
    from tuoyu.accounts.models import User

    return User.objects.create_user(username=username, password="correct-horse-battery", role=role, **extra)


KAIZHOU_2024 = {
    "name": "开州区2024年托育服务扶持政策",
    "rate_infant": Decimal("900.00"),
    "rate_toddler": Decimal("800.00"),
    "rate_preschool": Decimal("700.00"),
    "rate_mixed": Decimal("800.00"),
    "count_day": 15,
    "construction_amount": Decimal("100000.00"),
    "chain_min_institutions": 3,
    "chain_min_slots_each": 50,
    "single_min_slots": 150,
    "demonstration_small_below": 50,
    "demonstration_large_from": 100,
    "demonstration_small_amount": Decimal("50000.00"),
    "demonstration_medium_amount": Decimal("100000.00"),
    "demonstration_large_amount": Decimal("150000.00"),
}


@pytest.fixture
def rules_2024(db):
    """Kaizhou's rules in force from 2024-01-01."""
    from tuoyu.subsidies.models import RuleSet

    return RuleSet.objects.create(effective_from=date(2024, 1, 1), **KAIZHOU_2024)


@pytest.fixture
def make_rule_set(db):
    """make_rule_set(effective_from, **changes) -> RuleSet: Kaizhou's 2024 values with `changes`."""
    from tuoyu.subsidies.models import RuleSet

    def make(effective_from: date, **changes):
        return RuleSet.objects.create(effective_from=effective_from, **{**KAIZHOU_2024, **changes})

    return make


@pytest.fixture
def hc_admin(kaizhou):
    from tuoyu.regions.models import Department

    return _user("hc-admin", "hc_admin", department=Department.objects.get(code="KZ-WJW"))


@pytest.fixture
def finance_officer(kaizhou):
    from tuoyu.regions.models import Department

    return _user(
        "finance", "dept_officer", department=Department.objects.get(code="KZ-CZ"), display_name="财政局甲"
    )


@pytest.fixture
def other_department_officer(kaizhou):
    from tuoyu.regions.models import Department

    return _user("market", "dept_officer", department=Department.objects.get(code="KZ-SCJG"))


@pytest.fixture
def puhui_institution(make_institution, operator):
    """A 普惠 institution filed on 2023-06-01, run by `operator`, within the national class sizes:
    乳儿一班 (10), 托小一班 (15), 托大一班 (20)."""
    from tuoyu.institutions.models import InstitutionMembership
    from tuoyu.institutions.services import ClassSpec

    institution = make_institution(
        name="普惠测试托育园",
        is_puhui=True,
        classes=[
            ClassSpec(name="乳儿一班", age_group="infant", capacity=10, enrolled=0),
            ClassSpec(name="托小一班", age_group="toddler", capacity=15, enrolled=0),
            ClassSpec(name="托大一班", age_group="preschool", capacity=20, enrolled=0),
        ],
    )
    type(institution).objects.filter(pk=institution.pk).update(filed_on=date(2023, 6, 1))
    institution.refresh_from_db()
    InstitutionMembership.objects.create(institution=institution, user=operator)
    return institution


@pytest.fixture
def other_institution(make_institution, other_operator):
    """Another 普惠 institution, run by `other_operator`."""
    from tuoyu.institutions.models import InstitutionMembership

    institution = make_institution(name="另一家普惠托育园", is_puhui=True)
    InstitutionMembership.objects.create(institution=institution, user=other_operator)
    return institution


@pytest.fixture
def enrol_between(operator):
    """enrol_between(institution, class_name, start, end=None, *, name=None) -> Enrolment: a child enrolled
    in the class from `start` to `end` (None: still attending), written as the records hold it."""
    from tuoyu.bookings.models import Child, Enrolment, EnrolmentStatus

    counter = {"n": 0}

    def make(institution, class_name, start: date, end: date | None = None, *, name=None):
        counter["n"] += 1
        child = Child.objects.create(
            name=name or f"补贴幼儿{counter['n']}", sex="M", birth_date=date(2023, 1, 1)
        )
        return Enrolment.objects.create(
            child=child,
            institution=institution,
            class_group=institution.classes.get(name=class_name),
            service_type="full_day",
            start_date=start,
            end_date=end,
            status=EnrolmentStatus.ENDED if end else EnrolmentStatus.ACTIVE,
            recorded_by=operator,
        )

    return make


@pytest.fixture
def period_2024(hc_admin):
    from tuoyu.subsidies.models import Period

    return Period.objects.create(
        name="2024年度", start=date(2024, 1, 1), end=date(2024, 12, 31), created_by=hc_admin
    )


@pytest.fixture
def period_2024h1(hc_admin):
    from tuoyu.subsidies.models import Period

    return Period.objects.create(
        name="2024年上半年", start=date(2024, 1, 1), end=date(2024, 6, 30), created_by=hc_admin
    )


@pytest.fixture
def make_entitlement(rules_2024):
    """make_entitlement(period, institution, amount="1600.00", *, status="proposed", kind="operating") ->
    Entitlement with one child line, written directly: for tests of the workflow and the pages, which do
    not depend on how the amount was computed (tests/test_rules*.py cover that)."""
    from django.utils import timezone

    from tuoyu.subsidies.models import Entitlement, EntitlementLine, LineKind

    def make(period, institution, amount="1600.00", *, status="proposed", kind="operating"):
        entitlement = Entitlement.objects.create(
            period=period,
            institution=institution,
            kind=kind,
            amount=Decimal(amount),
            status=status,
            computed_at=timezone.now(),
        )
        EntitlementLine.objects.create(
            entitlement=entitlement,
            position=1,
            kind=LineKind.CHILD if kind == "operating" else kind,
            age_group="toddler",
            months=12,
            rate=Decimal(amount),
            rule_set=rules_2024,
            amount=Decimal(amount),
        )
        return entitlement

    return make
