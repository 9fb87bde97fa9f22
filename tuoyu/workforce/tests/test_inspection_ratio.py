"""A class short of carers, as the staff on file show it, is a failed CARE-04 item when the next inspection
starts and a finding when it is submitted; the number needed comes from workforce's standard (data)."""

import pytest

from tuoyu.inspections import rules as inspection_rules
from tuoyu.inspections import services
from tuoyu.inspections.models import ChecklistItem, Domain, Finding, Severity
from tuoyu.inspections.tests.conftest import checklist_items, drawn_inspection, plan, roster  # noqa: F401
from tuoyu.workforce.models import RatioRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def care_04(plan):  # noqa: F811
    item = ChecklistItem.objects.create(
        code="CARE-04",
        domain=Domain.CARE,
        text="保育人员与婴幼儿比例符合标准",
        severity=Severity.MAJOR,
        rectify_days=10,
        auto_rule="carer_ratio",
    )
    plan.checklist.add(item)
    return item


def _answers(inspection):
    return {row.item.code: row for row in inspection.answers.select_related("item")}


def test_a_ratio_shortfall_fails_care_04_at_start_and_becomes_a_finding(
    workforce_rules,
    drawn_inspection,  # noqa: F811
    roster,  # noqa: F811
    care_04,
    make_staff,
):
    institution = drawn_inspection.institution
    toddlers = institution.classes.get()  # 托小一班: 10 children at 1:5 need 2 carers
    assert (toddlers.age_group, toddlers.enrolled) == ("toddler", 10)
    make_staff(institution, class_group=toddlers, certificates=["baoyushi-4"])
    make_staff(institution, class_group=toddlers, employment="part_time")

    started = services.inspection_start(inspection=drawn_inspection, by=roster[0].user)
    row = _answers(started)["CARE-04"]
    assert row.automatic and row.answer == "fail"
    assert toddlers.name in row.detail and "1.5" in row.detail

    payload = {
        r.item_id: {
            "answer": r.answer or "pass",
            "note": "现场核实：保育人员不足" if r.answer == "fail" else "",
        }
        for r in _answers(started).values()
    }
    services.answers_save(inspection=started, by=roster[0].user, answers=payload)
    for person in roster[:2]:
        services.inspection_sign(inspection=started, by=person.user, name=person.name)
    services.inspection_submit(inspection=started, by=roster[0].user, institution_signatory="刘园长")
    finding = Finding.objects.get(inspection=started)
    assert finding.item == care_04 and finding.status == "open"


def test_the_number_needed_is_workforce_data_not_an_inspections_constant(
    workforce_rules, make_institution, make_staff
):
    institution = make_institution()  # 托小一班, 10 children
    toddlers = institution.classes.get()
    make_staff(institution, class_group=toddlers)
    make_staff(institution, class_group=toddlers)
    assert inspection_rules.evaluate("carer_ratio", institution).answer == "pass"  # 1:5 needs 2
    RatioRule.objects.filter(age_group="toddler").update(children_per_carer=4)
    assert inspection_rules.evaluate("carer_ratio", institution).answer == "fail"  # 1:4 needs 3


def test_no_staff_on_file_leaves_the_item_to_the_inspector(workforce_rules, make_institution):
    outcome = inspection_rules.evaluate("carer_ratio", make_institution())
    assert outcome.answer is None and outcome.detail
