"""The draw with experts from the pool (issue 13): the same published method picks each drawn
institution's experts, never one who works there; too few refuses the whole draw; the draw stays
reproducible by the site, the API and docs/verify_draw.py; a draw without experts is exactly as before."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tuoyu.inspections import draw as draw_rules
from tuoyu.inspections import services
from tuoyu.inspections.models import Draw, Inspection, PlanStatus
from tuoyu.workforce.models import Expert

VERIFY_SCRIPT = Path(settings.BASE_DIR) / "docs" / "verify_draw.py"
INSTITUTIONS = [{"id": i, "name": f"托育园{i}"} for i in range(1, 9)]
INSPECTORS = [
    {"code": f"KZ-ZF-{i:04d}", "name": f"检查员{i}", "department": "区市场监管局"} for i in range(1, 5)
]
EXPERTS = [
    {"code": f"ZJ-{i:04d}", "name": f"专家{i}", "field": "care", "unit": "区妇幼保健院"} for i in range(1, 6)
]


def _run(seed="seed-1", experts=EXPERTS, expert_links=(), per=1, sample_count=4):
    return draw_rules.run_draw(
        seed=seed,
        institutions=INSTITUTIONS,
        inspectors=INSPECTORS,
        links=[],
        sample_count=sample_count,
        per_inspection=2,
        experts=experts,
        expert_links=[list(pair) for pair in expert_links],
        experts_per_inspection=per,
    )


# --- the pure function ---------------------------------------------------------------------------


def test_experts_are_drawn_by_the_published_ranking_and_the_inspectors_do_not_change():
    with_experts = _run(per=2)
    without = _run(per=0)
    assert with_experts == _run(per=2)  # reproducible
    assert [{k: v for k, v in e.items() if k != "experts"} for e in with_experts] == without
    assert all("experts" not in entry for entry in without)
    first = with_experts[0]
    ranked = sorted(
        (row["code"] for row in EXPERTS),
        key=lambda code: draw_rules.digest(f"seed-1|expert|{first['institution']}|{code}"),
    )
    assert first["experts"] == ranked[:2]
    # The work is spread: 4 inspections × 2 experts over 5 experts gives nobody a third before all have one.
    counts = {}
    for entry in with_experts:
        for code in entry["experts"]:
            counts[code] = counts.get(code, 0) + 1
    assert max(counts.values()) - min(counts.values()) <= 1 and len(counts) == 5


def test_an_expert_is_never_drawn_for_the_institution_they_work_at_across_50_seeds():
    links = [("ZJ-0001", i) for i in range(1, 5)] + [("ZJ-0002", i) for i in range(5, 9)]
    for n in range(50):
        for entry in _run(seed=f"recusal-{n}", expert_links=links, per=2, sample_count=8):
            assert ("ZJ-0001", entry["institution"]) not in links or "ZJ-0001" not in entry["experts"]
            for code in entry["experts"]:
                assert (code, entry["institution"]) not in links
            assert len(entry["experts"]) == 2 and len(set(entry["experts"])) == 2


def test_too_few_experts_refuses_the_draw():
    with pytest.raises(ValidationError) as small:
        _run(experts=EXPERTS[:1], per=2)
    assert small.value.code == "expert_pool"
    with pytest.raises(ValidationError) as recused:
        _run(experts=EXPERTS[:2], expert_links=[("ZJ-0001", i) for i in range(1, 9)], per=2)
    assert recused.value.code == "expert_recusal"


def test_the_documented_worked_example_with_experts_is_what_the_code_draws():
    from tuoyu.inspections.views_public.draws import EXAMPLE

    doc = (Path(settings.BASE_DIR) / "docs" / "inspections-draw.md").read_text(encoding="utf-8")
    experts = [
        {"code": "ZJ-0001", "name": "赵专家", "field": "care", "unit": "区妇幼保健院"},
        {"code": "ZJ-0002", "name": "钱专家", "field": "health", "unit": "区疾病预防控制中心"},
        {"code": "ZJ-0003", "name": "孙专家", "field": "safety", "unit": "区应急管理局"},
    ]
    result = draw_rules.run_draw(
        seed=EXAMPLE["seed"],
        institutions=EXAMPLE["institutions"],
        inspectors=EXAMPLE["inspectors"],
        links=EXAMPLE["links"],
        sample_count=EXAMPLE["sample_count"],
        per_inspection=EXAMPLE["per_inspection"],
        experts=experts,
        expert_links=[["ZJ-0001", 3]],
        experts_per_inspection=1,
    )
    assert result == [
        {"institution": 1, "inspectors": ["KZ-ZF-0002", "KZ-ZF-0003"], "experts": ["ZJ-0002"]},
        {"institution": 3, "inspectors": ["KZ-ZF-0001", "KZ-ZF-0003"], "experts": ["ZJ-0003"]},
    ]
    for institution, code in [(1, "ZJ-0001"), (1, "ZJ-0002"), (1, "ZJ-0003"), (3, "ZJ-0002"), (3, "ZJ-0003")]:
        assert draw_rules.digest(draw_rules.expert_key(EXAMPLE["seed"], institution, code)) in doc
    assert draw_rules.ALGORITHM_EXPERTS in doc


# --- the service and the published draw ----------------------------------------------------------


@pytest.fixture
def lead(plan):
    return plan.created_by


@pytest.fixture
def experts(plan):
    """Four experts available for inspections; ZJ-0001 works at the plan's first institution; one more
    has left the pool and one is not available for inspections (neither is ever drawn)."""
    first = plan.institutions.order_by("pk").first()
    rows = [
        Expert.objects.create(
            code=f"ZJ-{i:04d}",
            name=f"专家{i}",
            field="care",
            title="主任医师",
            unit="区妇幼保健院",
            mobile=f"1390000{i:04d}",
            employer=first if i == 1 else None,
        )
        for i in range(1, 5)
    ]
    Expert.objects.create(code="ZJ-0090", name="退出专家", field="care", title="-", unit="-", active=False)
    Expert.objects.create(
        code="ZJ-0091", name="不参检专家", field="care", title="-", unit="-", for_inspection=False
    )
    return rows


@pytest.fixture
def drawn(plan, lead, experts):
    type(plan).objects.filter(pk=plan.pk).update(experts_per_inspection=2)
    plan.refresh_from_db()
    plan.experts.set(Expert.objects.all())  # the two unavailable ones are left out by the draw
    return services.draw_plan(plan=plan, by=lead)


def test_a_draw_with_experts_stores_them_and_verifies(drawn, experts, plan):
    assert drawn.algorithm == draw_rules.ALGORITHM_EXPERTS and drawn.experts_per_inspection == 2
    assert [row["code"] for row in drawn.expert_list] == [e.code for e in experts]
    assert all(set(row) == {"code", "name", "field", "unit"} for row in drawn.expert_list)  # no mobile
    first = plan.institutions.order_by("pk").first()
    assert drawn.expert_links == [["ZJ-0001", first.pk]]
    assert draw_rules.verify(drawn)
    for inspection in Inspection.objects.filter(draw=drawn).prefetch_related("experts"):
        entry = next(e for e in drawn.result if e["institution"] == inspection.institution_id)
        assert sorted(e.code for e in inspection.experts.all()) == sorted(entry["experts"])
        assert len(entry["experts"]) == 2
        if inspection.institution_id == first.pk:
            assert "ZJ-0001" not in entry["experts"]
    tampered = Draw.objects.get(pk=drawn.pk)
    tampered.expert_links = []
    tampered.result = [dict(e, experts=list(reversed(e["experts"]))) for e in tampered.result]
    assert not draw_rules.verify(tampered)


def test_the_public_page_json_rerun_and_api_check_the_experts(client, drawn, experts):
    html = client.get(reverse("inspections:draw", args=[drawn.pk])).content.decode()
    assert draw_rules.ALGORITHM_EXPERTS in html and 'id="draw-experts"' in html
    for entry in drawn.result:
        for code in entry["experts"]:
            assert f'data-expert="{code}"' in html
    assert all(e.mobile not in html for e in experts)
    doc = client.get(reverse("inspections:draw_json", args=[drawn.pk])).json()
    assert doc["experts_per_inspection"] == 2 and doc["expert_links"] == drawn.expert_links
    assert draw_rules.rerun(doc) == drawn.result
    assert all(e.mobile not in json.dumps(doc) for e in experts)
    rerun = client.get(reverse("inspections:draw_rerun"), {"draw": drawn.pk}).content.decode()
    assert 'data-matches="1"' in rerun and "data-expert=" in rerun
    verified = client.get(f"/api/v1/draws/{drawn.pk}/verify/").json()
    assert verified["matches"] is True
    api = client.get(f"/api/v1/draws/{drawn.pk}/").json()
    assert api["experts_per_inspection"] == 2 and len(api["experts"]) == 4


def _verify_script(path: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own script and a file the test wrote)
        [sys.executable, "-I", str(VERIFY_SCRIPT), str(path)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"},
        timeout=60,
        check=False,
    )


def test_verify_draw_script_checks_the_experts_without_project_code(client, drawn, tmp_path):
    doc = client.get(reverse("inspections:draw_json", args=[drawn.pk])).json()
    good = tmp_path / "draw.json"
    good.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    run = _verify_script(good, tmp_path)
    assert run.returncode == 0, run.stderr
    assert "MATCH" in run.stdout and "MISMATCH" not in run.stdout and "experts:" in run.stdout
    # An expert swapped into the result, or the recusal dropped from the inputs, is caught.
    swapped = [dict(e, experts=["ZJ-0001", *e["experts"][1:]]) for e in doc["result"]]
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(dict(doc, result=swapped), ensure_ascii=False), encoding="utf-8")
    assert _verify_script(bad, tmp_path).returncode == 1


def test_drawn_experts_show_on_the_plan_and_the_inspection_record(client, drawn, lead, roster, experts):
    client.force_login(lead)
    html = client.get(reverse("inspections:plan", args=[drawn.plan_id])).content.decode()
    assert 'data-testid="inspection-experts"' in html and 'data-testid="plan-experts"' in html
    assert all(e.mobile not in html for e in experts)
    inspection = Inspection.objects.filter(draw=drawn).first()
    inspector = inspection.inspectors.first()
    client.force_login(inspector.user)
    record = client.get(reverse("inspections:record", args=[inspection.pk]))
    assert record.status_code == 200
    page = record.content.decode()
    assert 'data-testid="record-experts"' in page
    assert all(code in page for code in inspection.experts.values_list("code", flat=True))


def test_too_few_experts_after_recusal_refuses_the_draw_and_saves_nothing(plan, lead, experts):
    type(plan).objects.filter(pk=plan.pk).update(experts_per_inspection=4, sample_size=3)
    plan.refresh_from_db()
    plan.experts.set(experts)  # four experts, but ZJ-0001 works at the first institution
    with pytest.raises(ValidationError) as refused:
        services.draw_plan(plan=plan, by=lead)
    assert refused.value.code == "expert_recusal"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not Draw.objects.exists() and not Inspection.objects.exists()


def test_a_plan_without_experts_draws_exactly_as_before(client, plan, lead, experts):
    draw = services.draw_plan(plan=plan, by=lead)
    assert draw.algorithm == draw_rules.ALGORITHM
    assert draw.expert_list == [] and draw.expert_links == [] and draw.experts_per_inspection == 0
    assert all(set(entry) == {"institution", "inspectors"} for entry in draw.result)
    doc = client.get(reverse("inspections:draw_json", args=[draw.pk])).json()
    assert list(doc) == [
        "algorithm",
        "seed",
        "sample_count",
        "per_inspection",
        "institutions",
        "inspectors",
        "links",
        "result",
    ]
    assert not Inspection.objects.filter(draw=draw, experts__isnull=False).exists()
    assert draw_rules.verify(draw)


def test_a_plan_asking_for_experts_gets_the_available_ones_by_default(plan, roster, checklist_items, experts):
    today = timezone.localdate()
    args = {
        "by": roster[0].user,
        "title": "配专家的抽查",
        "lead_department": roster[0].department,
        "departments": [roster[0].department],
        "period_start": today,
        "period_end": today + timedelta(days=30),
        "domains": ["care"],
        "checklist": checklist_items,
        "sample_size": 1,
        "inspectors": roster,
        "institutions": list(plan.institutions.all()),
    }
    made = services.plan_create(**args, experts_per_inspection=2)
    assert sorted(made.experts.values_list("code", flat=True)) == [e.code for e in experts]
    assert services.plan_create(**args).experts_per_inspection == 0
    with pytest.raises(ValidationError) as refused:
        services.plan_create(**args, experts_per_inspection=5)
    assert "experts" in refused.value.message_dict
