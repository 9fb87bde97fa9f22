"""Shared fixtures for supervision's tests: a small checklist, an inspector roster and a drawn inspection.

The rows are written directly (test data, not the services under test), so each test module can start
from the state it needs: a plan to draw, or an inspection already drawn for two inspectors.
"""

import pytest


def _staff(username, role, **extra):
    from tuoyu.accounts.models import User

    return User.objects.create_user(username=username, password="correct-horse-battery", role=role, **extra)


@pytest.fixture
def checklist_items(db):
    from tuoyu.inspections.models import ChecklistItem, Domain, Severity

    rows = [
        ("FIRE-01", Domain.FIRE, "疏散通道、安全出口畅通，未被占用或锁闭", Severity.MAJOR, 5),
        ("FIRE-02", Domain.FIRE, "灭火器配置齐全且在有效期内", Severity.MINOR, 10),
        ("CARE-01", Domain.CARE, "视频监控覆盖婴幼儿活动区域，录像保存不少于90天", Severity.MAJOR, 10),
        ("FOOD-01", Domain.FOOD, "食品留样不少于48小时，每样不少于125克", Severity.MINOR, 10),
    ]
    return [
        ChecklistItem.objects.create(
            code=code, domain=domain, text=text, severity=severity, rectify_days=days, sort_order=i
        )
        for i, (code, domain, text, severity, days) in enumerate(rows)
    ]


@pytest.fixture
def roster(kaizhou):
    """Three inspectors: two of 市场监管 (SCJG), one of 消防 (XF) — each with a signed-in account."""
    from tuoyu.inspections.models import Inspector
    from tuoyu.regions.models import Department

    scjg = Department.objects.get(code="KZ-SCJG")
    other = Department.objects.exclude(code__in=["KZ-SCJG", "KZ-WJW"]).order_by("code").first()
    people = []
    for i, (department, name) in enumerate([(scjg, "张检查"), (scjg, "李检查"), (other, "王检查")], start=1):
        user = _staff(f"insp{i}", "dept_officer", department=department, display_name=name)
        people.append(
            Inspector.objects.create(
                user=user, name=name, department=department, certificate_number=f"KZ-ZF-{i:04d}"
            )
        )
    return people


@pytest.fixture
def plan(kaizhou, roster, checklist_items, make_institution):
    """A draft plan of 市场监管 over three filed institutions, with the roster as its pool."""
    from tuoyu.inspections.models import InspectionPlan

    scjg = roster[0].department
    lead = roster[0].user
    p = InspectionPlan.objects.create(
        title="2026年第四季度托育机构双随机抽查",
        lead_department=scjg,
        period_start="2026-10-01",
        period_end="2026-12-31",
        domains=["fire", "care", "food"],
        sample_size=2,
        inspectors_per_inspection=2,
        created_by=lead,
    )
    p.departments.add(scjg)
    p.checklist.set(checklist_items)
    p.institutions.set([make_institution(name=f"抽查托育园{i}") for i in range(1, 4)])
    p.inspectors.set(roster)
    return p


@pytest.fixture
def drawn_inspection(plan, roster):
    """An inspection of the plan's first institution, drawn for the first two inspectors (rows written
    directly: a fixture, not the draw under test)."""
    from tuoyu.inspections.models import Draw, Inspection, PlanStatus

    institution = plan.institutions.order_by("pk").first()
    draw = Draw.objects.create(
        plan=plan,
        number=1,
        algorithm="fixture",
        seed="0" * 32,
        sample_count=1,
        inspectors_per_inspection=2,
        result=[{"institution": institution.pk, "inspectors": [r.certificate_number for r in roster[:2]]}],
        drawn_by=plan.created_by,
    )
    type(plan).objects.filter(pk=plan.pk).update(status=PlanStatus.DRAWN)
    inspection = Inspection.objects.create(plan=plan, draw=draw, institution=institution)
    inspection.inspectors.set(roster[:2])
    return inspection
