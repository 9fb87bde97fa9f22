"""Workforce's fixtures: the staffing rules as the data files give them, an institution with classes and
its operator, valid ID numbers, and a factory for staff rows.

Rows are written directly (test data, not the services under test), except the rules, which come from
the fixture below so a test states the numbers it relies on.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from stdnum.cn import ric


def id_number(n: int, birth: date = date(1998, 5, 17)) -> str:
    """A valid 18-digit resident ID with a real check digit, distinct by n: Kaizhou's area code as it was
    on the birth date (开县 500234 until 2016, 开州区 500154 after), which the validator checks."""
    area = "500154" if birth.year >= 2017 else "500234"
    stem = f"{area}{birth:%Y%m%d}{n % 1000:03d}"
    return stem + ric.calc_check_digit(stem + "0")  # stdnum expects a placeholder check digit


def wrong_check_digit(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("1" if last != "1" else "2")


@pytest.fixture
def workforce_rules(db):
    """Certificate kinds, which count for which post, and the national standard (1:3, 1:5, 1:7, mixed 1:5;
    health staff: 1 up to 150 children, full-time above)."""
    from tuoyu.workforce.models import (
        CertificateKind,
        HealthStaffRule,
        PostCertification,
        RatioRule,
        StaffingStandard,
        TrainingRequirement,
    )

    kinds = {
        "baoyushi-4": CertificateKind.objects.create(
            code="baoyushi-4", name="保育师（四级）", category="skill", level=4, sort_order=1
        ),
        "yuyingyuan-5": CertificateKind.objects.create(
            code="yuyingyuan-5", name="育婴员（五级）", category="skill", level=5, sort_order=2
        ),
        "health-training": CertificateKind.objects.create(
            code="health-training", name="卫生保健人员培训合格证", category="health_training", sort_order=3
        ),
        "health-certificate": CertificateKind.objects.create(
            code="health-certificate",
            name="健康证",
            category="health_certificate",
            validity_months=12,
            sort_order=4,
        ),
    }
    for post, codes in {
        "carer": ["baoyushi-4", "yuyingyuan-5"],
        "health": ["health-training"],
        "principal": ["baoyushi-4", "yuyingyuan-5"],
    }.items():
        for code in codes:
            PostCertification.objects.create(post=post, kind=kinds[code])
    standard = StaffingStandard.objects.create(
        name="托育机构设置标准（试行）", effective_from=date(2019, 10, 8), part_time_weight=Decimal("0.5")
    )
    for group, per in {"infant": 3, "toddler": 5, "preschool": 7, "mixed": 5}.items():
        RatioRule.objects.create(standard=standard, age_group=group, children_per_carer=per)
    HealthStaffRule.objects.create(standard=standard, min_children=1, max_children=150, required=1)
    HealthStaffRule.objects.create(standard=standard, min_children=151, required=2, full_time_required=2)
    TrainingRequirement.objects.create(effective_year=2020, hours=Decimal("40"))
    return {"kinds": kinds, "standard": standard}


@pytest.fixture
def staffed_institution(make_institution, operator):
    """A filed institution with a 托大班 of 20 children and a 乳儿班 of 6, run by `operator`."""
    from tuoyu.institutions.models import InstitutionMembership
    from tuoyu.institutions.services import ClassSpec

    institution = make_institution(
        name="人才测试托育园",
        classes=[
            ClassSpec(name="托大一班", age_group="preschool", capacity=20, enrolled=20),
            ClassSpec(name="乳儿一班", age_group="infant", capacity=10, enrolled=6),
        ],
    )
    InstitutionMembership.objects.create(institution=institution, user=operator)
    return institution


@pytest.fixture
def make_staff(operator):
    """A staff row written directly: suitable (background check and health check this year) unless told
    otherwise; `certificates` is a list of kind codes, each valid for a year from today."""
    from django.utils import timezone

    from tuoyu.core.crypto import blind_index
    from tuoyu.workforce.models import Certificate, CertificateKind, StaffMember

    counter = {"n": 0}

    def make(institution, *, post="carer", class_group=None, certificates=(), number=None, **fields):
        counter["n"] += 1
        today = timezone.localdate()
        number = number or id_number(counter["n"])
        values = {
            "name": f"员工{counter['n']}",
            "post": post,
            "employment": "full_time",
            "started_on": today - timedelta(days=200),
            "background_checked_on": today - timedelta(days=200),
            "health_checked_on": today - timedelta(days=30),
        }
        values.update(fields)
        staff = StaffMember.objects.create(
            institution=institution,
            id_number=number,
            id_number_index=blind_index(number),
            class_group=class_group,
            created_by=operator,
            **values,
        )
        for i, code in enumerate(certificates):
            Certificate.objects.create(
                staff=staff,
                kind=CertificateKind.objects.get(code=code),
                number=f"ZS{staff.pk:05d}{i}",
                issuer="重庆市人力资源和社会保障局",
                issued_on=today - timedelta(days=100),
                expires_on=today + timedelta(days=365),
                created_by=operator,
            )
        return staff

    return make
