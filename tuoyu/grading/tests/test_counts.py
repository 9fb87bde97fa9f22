"""Grading's count sources and the register's fact: Chongqing-level demonstration units and graded
institutions, as they stood at the period's end, in the unit and below; the fact in one query."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.core.counts import Period, count
from tuoyu.core.facts import institution_facts
from tuoyu.grading import services
from tuoyu.grading.models import Assessment
from tuoyu.grading.selectors import grading_of
from tuoyu.regions.models import Unit

pytestmark = pytest.mark.django_db


def test_demonstration_units_count(make_institution, manager, hanfeng):
    baihe = Unit.objects.get(name="白鹤街道")
    here, there, district_only = make_institution(), make_institution(unit=baihe), make_institution()
    services.demonstration_record(institution=here, year=2025, level="municipal", title="示范", by=manager)
    services.demonstration_record(institution=here, year=2026, level="municipal", title="示范", by=manager)
    services.demonstration_record(institution=there, year=2026, level="municipal", title="示范", by=manager)
    services.demonstration_record(
        institution=district_only, year=2026, level="district", title="示范", by=manager
    )
    assert count("grading.demonstration_units", unit=None, period=Period.year(2026)) == 2
    assert count("grading.demonstration_units", unit=hanfeng, period=Period.year(2026)) == 1
    assert count("grading.demonstration_units", unit=None, period=Period.year(2025)) == 1
    assert count("grading.demonstration_units", unit=None, period=Period.year(2024)) == 0


def test_graded_institutions_count(make_assessment, make_institution, hanfeng):
    make_assessment(share=Decimal("0.95"), publish=True)
    make_assessment(share=Decimal("1"), failed_basic=("D1.B1",), publish=True)  # no grade: not counted
    make_assessment(share=Decimal("1"))  # not published
    baihe = make_assessment(
        institution=make_institution(unit=Unit.objects.get(name="白鹤街道")),
        share=Decimal("0.85"),
        publish=True,
    )
    today = timezone.localdate()
    period = Period(date(today.year, 1, 1), today)
    assert count("grading.graded_institutions", unit=None, period=period) == 2
    assert count("grading.graded_institutions", unit=hanfeng, period=period) == 1
    Assessment.objects.filter(pk=baihe.pk).update(published_at=timezone.now() + timedelta(days=400))
    assert count("grading.graded_institutions", unit=None, period=period) == 1
    assert count("grading.graded_institutions", unit=None, period=Period.year(2000)) == 0


def test_the_register_fact_is_one_query(make_assessment, make_institution, manager, member):
    first = make_assessment(share=Decimal("0.85"), publish=True)
    services.review_request(assessment=first, by=member(first.institution), reason="理由")
    # A later assessment of the same institution is its latest grade.
    later = make_assessment(institution=first.institution, share=Decimal("0.95"), publish=True)
    vetoed = make_assessment(share=Decimal("1"), failed_basic=("D6.B1",), publish=True)
    services.demonstration_record(
        institution=first.institution,
        year=2026,
        level="municipal",
        title="重庆市托育服务示范单位",
        by=manager,
    )
    nothing = make_institution()
    ids = [first.institution_id, vetoed.institution_id, nothing.pk]
    with CaptureQueriesContext(connection) as captured:
        facts = grading_of(ids)
    assert len(captured) == 1
    assert facts[first.institution_id]["grade"]["id"] == later.pk
    assert facts[first.institution_id]["grade"]["grade"] == "A"
    assert facts[first.institution_id]["demonstrations"][0]["title"] == "重庆市托育服务示范单位"
    assert facts[vetoed.institution_id]["grade"]["vetoed"] is True
    assert nothing.pk not in facts
    assert "grading" in institution_facts(ids)
