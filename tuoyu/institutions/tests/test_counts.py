"""The register's count sources: filed on period.end, in the unit and the units below it."""

from datetime import date

import pytest
from django.utils import timezone

from tuoyu.core.counts import Period, count
from tuoyu.institutions.models import InstitutionStatus
from tuoyu.institutions.services import ClassSpec, institution_transition
from tuoyu.regions.models import Unit

pytestmark = pytest.mark.django_db


def _today() -> Period:
    today = timezone.localdate()
    return Period(date(today.year, 1, 1), today)


@pytest.fixture
def register(make_institution, hanfeng):
    baihe = Unit.objects.get(name="白鹤街道")
    puhui = make_institution(unit=hanfeng, is_puhui=True)  # 15 slots
    market = make_institution(
        unit=baihe, classes=[ClassSpec(name="托大一班", age_group="preschool", capacity=20, enrolled=0)]
    )
    make_institution(unit=hanfeng, status=InstitutionStatus.DRAFT)  # never public, never counted
    make_institution(unit=hanfeng, status=InstitutionStatus.SUSPENDED)  # still filed: 15 slots
    # Filed and deregistered in 2025: counted in spring only.
    gone = make_institution(unit=hanfeng, status=InstitutionStatus.DRAFT)
    institution_transition(
        institution=gone,
        to_status=InstitutionStatus.FILED,
        filing_number="开州托备〔2025〕0500",
        on=date(2025, 1, 10),
    )
    institution_transition(institution=gone, to_status=InstitutionStatus.DEREGISTERED, on=date(2025, 6, 30))
    return {"hanfeng": hanfeng, "baihe": baihe, "puhui": puhui, "market": market}


def test_filed_slots_by_unit_and_date(register, kaizhou):
    period = _today()
    assert count("institutions.filed_slots", unit=register["hanfeng"], period=period) == 15 + 15
    assert count("institutions.filed_slots", unit=register["baihe"], period=period) == 20
    # The district covers its streets; None is the whole configured district.
    assert count("institutions.filed_slots", unit=kaizhou, period=period) == 50
    assert count("institutions.filed_slots", unit=None, period=period) == 50
    spring = Period(date(2025, 1, 1), date(2025, 3, 31))
    assert (
        count("institutions.filed_slots", unit=register["hanfeng"], period=spring) == 15
    )  # only the one since gone
    assert (
        count("institutions.filed_slots", unit=None, period=Period(date(2024, 1, 1), date(2024, 12, 31))) == 0
    )


def test_public_benefit_slots_count_only_inclusive_institutions(register, kaizhou):
    period = _today()
    assert count("institutions.public_benefit_slots", unit=kaizhou, period=period) == 15
    assert count("institutions.public_benefit_slots", unit=register["baihe"], period=period) == 0


def test_filed_institutions_are_counted_while_filed(register, kaizhou):
    assert count("institutions.filed_institutions", unit=kaizhou, period=_today()) == 3
    assert count("institutions.filed_institutions", unit=register["hanfeng"], period=_today()) == 2
    summer = Period(date(2025, 7, 1), date(2025, 7, 31))
    assert count("institutions.filed_institutions", unit=kaizhou, period=summer) == 0
