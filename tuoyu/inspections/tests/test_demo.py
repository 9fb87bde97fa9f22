"""The supervision demo (seed_inspections_demo): made through the real services, every stage present, the
`inspector` persona with work waiting, results public, synthetic names, and a second run changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from tuoyu.inspections.demo import DEMO_SEED, INSTITUTION_LOGIN, PLAN_TITLE, ROSTER, seed_inspections
from tuoyu.inspections.models import (
    Draw,
    Finding,
    FindingStatus,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    Inspector,
    PlanStatus,
)
from tuoyu.inspections.selectors import drawn_for, inspections_of_member, published_results


@pytest.fixture
def demo_district(kaizhou):
    from tuoyu.institutions.demo import seed_district, seed_personas

    seed_district(count=12)
    seed_personas()


def test_the_demo_draws_a_joint_plan_and_carries_inspections_to_each_stage(demo_district):
    seeded = seed_inspections()
    plan = seeded.plan
    assert plan.title == PLAN_TITLE and plan.status == PlanStatus.DRAWN
    assert set(plan.departments.values_list("code", flat=True)) == {"KZ-SCJG", "KZ-XF", "KZ-WJW"}
    draw = Draw.objects.get(plan=plan)
    assert draw.seed == DEMO_SEED and draw.result  # the published seed: anyone can re-run it
    assert Inspector.objects.count() == len(ROSTER) == 6

    stages = dict(seeded.stages)
    assert stages["closed, nothing found"].status == InspectionStatus.CLOSED
    assert stages["closed, nothing found"].findings.count() == 0
    fire = Finding.objects.get(inspection=stages["fire finding open"])
    assert (fire.item.code, fire.status) == ("FIRE-01", FindingStatus.OPEN)
    waiting = Finding.objects.get(inspection=stages["evidence waiting for the inspector"])
    assert waiting.status == FindingStatus.SUBMITTED and waiting.rectifications.count() == 1
    late = Finding.objects.get(inspection=stages["finding overdue, escalated"])
    assert late.status == FindingStatus.OVERDUE and late.escalated_at is not None
    done = stages["put right and closed"]
    assert done.status == InspectionStatus.CLOSED
    assert done.findings.get().status == FindingStatus.RECTIFIED

    # One public row per carried inspection; the rest of the draw waits for its inspectors.
    assert set(published_results().values_list("pk", flat=True)) == {i.pk for i in stages.values()}
    from tuoyu.accounts.models import User

    persona = User.objects.get(username="inspector")
    assert drawn_for(persona).filter(status=InspectionStatus.ASSIGNED).exists()
    institution_account = User.objects.get(username=INSTITUTION_LOGIN)
    assert inspections_of_member(institution_account).filter(findings__status=FindingStatus.OPEN).exists()
    assert all(name.startswith("示例") for name in Inspector.objects.values_list("name", flat=True))
    assert all(i.institution.is_demo for i in Inspection.objects.select_related("institution"))


def test_a_second_run_changes_nothing_and_still_lists_the_sign_ins(demo_district):
    out = StringIO()
    call_command("seed_inspections_demo", stdout=out)
    counts = (InspectionPlan.objects.count(), Inspection.objects.count(), Finding.objects.count())
    again = StringIO()
    call_command("seed_inspections_demo", stdout=again)
    assert (InspectionPlan.objects.count(), Inspection.objects.count(), Finding.objects.count()) == counts
    for username, *_rest in ROSTER:
        assert username in out.getvalue() and username in again.getvalue()
    assert INSTITUTION_LOGIN in again.getvalue()


def test_without_the_register_demo_it_says_what_to_run(kaizhou):
    out = StringIO()
    call_command("seed_inspections_demo", stdout=out)
    assert "seed_demo" in out.getvalue()
    assert not InspectionPlan.objects.exists()
