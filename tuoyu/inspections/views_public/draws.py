"""Public pages of the draw: the draw as published, its re-run by anyone, and the method.

Everything here is public by the 双随机、一公开 rules: the plan's title and departments, the seed, the
sorted input lists (institution names, inspectors' names, departments and certificate numbers; experts'
names, fields, units and numbers — never their mobile numbers), the
declared links, the result, and a superseded draw's reason. The JSON offered is exactly what
docs/verify_draw.py reads, so the check needs none of our code.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from tuoyu.core.access import public
from tuoyu.workforce.models import ExpertField

from .. import draw as draw_rules
from ..forms.plans import RerunForm
from ..models import Draw

# The worked example of the method page and docs/inspections-draw.md: small enough to check by hand.
EXAMPLE = {
    "seed": "kaizhou-2026-q4",
    "institutions": [
        {"id": 1, "name": "甲托育园"},
        {"id": 2, "name": "乙托育园"},
        {"id": 3, "name": "丙托育园"},
    ],
    "inspectors": [
        {"code": "KZ-ZF-0001", "name": "张检查", "department": "区市场监管局"},
        {"code": "KZ-ZF-0002", "name": "李检查", "department": "区市场监管局"},
        {"code": "KZ-ZF-0003", "name": "王检查", "department": "区消防救援大队"},
    ],
    "links": [["KZ-ZF-0001", 1]],
    "sample_count": 2,
    "per_inspection": 2,
}


# The independent checker, offered as a download so nobody needs our source code to get it.
VERIFY_SCRIPT = Path(settings.BASE_DIR) / "docs" / "verify_draw.py"


def _published_draw(pk: int) -> Draw:
    return get_object_or_404(Draw.objects.select_related("plan__lead_department"), pk=pk)


def _field_label(value: str) -> str:
    """An expert's field as published (its value, e.g. "care") in the reader's language."""
    return ExpertField(value).label if value in ExpertField.values else value


def _experts_named(doc: dict) -> list[dict]:
    return [
        {**row, "field": _field_label(row.get("field", ""))}
        for row in doc.get("experts") or []
        if isinstance(row, dict) and "code" in row
    ]


def _named(result: list[dict], doc: dict) -> list[dict]:
    """The result with the names from the published lists, for reading."""
    institutions = {row["id"]: row.get("name", "") for row in doc.get("institutions", []) if "id" in row}
    inspectors = {row["code"]: row for row in doc.get("inspectors", []) if "code" in row}
    experts = {row["code"]: row for row in _experts_named(doc)}
    return [
        {
            "institution": entry["institution"],
            "name": institutions.get(entry["institution"], ""),
            "inspectors": [
                {
                    "code": code,
                    "name": inspectors.get(code, {}).get("name", ""),
                    "department": inspectors.get(code, {}).get("department", ""),
                }
                for code in entry["inspectors"]
            ],
            "experts": [
                {
                    "code": code,
                    "name": experts.get(code, {}).get("name", ""),
                    "field": experts.get(code, {}).get("field", ""),
                    "unit": experts.get(code, {}).get("unit", ""),
                }
                for code in entry.get("experts") or []
            ],
        }
        for entry in result
    ]


@public
def draw_detail(request, pk: int):
    draw = _published_draw(pk)
    doc = draw_rules.document(draw)
    names = {row["id"]: row.get("name", "") for row in draw.institution_list}
    return render(
        request,
        "inspections/draw_detail.html",
        {
            "draw": draw,
            "plan": draw.plan,
            "departments": draw.plan.departments.all(),
            "others": draw.plan.draws.exclude(pk=draw.pk).order_by("number"),
            "result": _named(draw.result, doc),
            "links": [
                {"code": code, "institution": iid, "name": names.get(iid, "")} for code, iid in draw.links
            ],
            "experts": _experts_named(doc),
            "expert_links": [
                {"code": code, "institution": iid, "name": names.get(iid, "")}
                for code, iid in draw.expert_links
            ],
            "algorithm_current": draw.algorithm in draw_rules.ALGORITHMS,
        },
    )


@public
def draw_json(request, pk: int):
    draw = _published_draw(pk)
    response = JsonResponse(draw_rules.document(draw), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="draw-{draw.pk}.json"'
    return response


@public
@never_cache
def draw_rerun(request):
    """Re-run a draw: the published JSON pasted (with a seed, or the one in it), or ?draw=<pk> to start
    from a stored draw. Shows the result and whether it equals the published one."""
    stored = None
    pk = request.GET.get("draw", "")
    if pk.isdigit():
        stored = Draw.objects.filter(pk=int(pk)).first()
    if "inputs" in request.GET:
        form = RerunForm(request.GET)
    elif stored is not None:
        doc = draw_rules.document(stored)
        form = RerunForm({"seed": stored.seed, "inputs": json.dumps(doc, ensure_ascii=False, indent=1)})
    else:
        form = RerunForm()
    outcome = None
    if form.is_bound and form.is_valid():
        doc = form.cleaned_data["inputs"]
        try:
            result = draw_rules.rerun(doc)
        except (KeyError, TypeError, ValueError):
            form.add_error("inputs", RerunForm.base_fields["inputs"].help_text)
        except ValidationError as exc:  # the draw's own refusal: too few inspectors …
            form.add_error("inputs", exc.messages)
        else:
            published = doc.get("result")
            if stored is not None and stored.algorithm in draw_rules.ALGORITHMS:
                published = stored.result
            outcome = {
                "result": _named(result, doc),
                "compared": published is not None,
                "matches": published == result,
                "seed": doc["seed"],
            }
    return render(
        request, "inspections/draw_rerun.html", {"form": form, "outcome": outcome, "stored": stored}
    )


@public
def draw_method(request):
    seed = EXAMPLE["seed"]
    institutions = [
        {
            **row,
            "key": draw_rules.institution_key(seed, row["id"]),
            "hash": draw_rules.digest(draw_rules.institution_key(seed, row["id"])),
        }
        for row in EXAMPLE["institutions"]
    ]
    result = draw_rules.run_draw(
        seed=seed,
        institutions=EXAMPLE["institutions"],
        inspectors=EXAMPLE["inspectors"],
        links=EXAMPLE["links"],
        sample_count=EXAMPLE["sample_count"],
        per_inspection=EXAMPLE["per_inspection"],
    )
    steps = []
    for entry in result:
        steps.append(
            {
                "institution": entry["institution"],
                "candidates": [
                    {
                        "code": row["code"],
                        "key": draw_rules.inspector_key(seed, entry["institution"], row["code"]),
                        "hash": draw_rules.digest(
                            draw_rules.inspector_key(seed, entry["institution"], row["code"])
                        ),
                        "linked": [row["code"], entry["institution"]] in EXAMPLE["links"],
                    }
                    for row in EXAMPLE["inspectors"]
                ],
                "chosen": entry["inspectors"],
            }
        )
    return render(
        request,
        "inspections/draw_method.html",
        {
            "algorithm": draw_rules.ALGORITHM,
            "example": EXAMPLE,
            "example_json": json.dumps(
                {"algorithm": draw_rules.ALGORITHM, **EXAMPLE, "result": result}, ensure_ascii=False
            ),
            "institutions": sorted(institutions, key=lambda row: (row["hash"], row["id"])),
            "steps": steps,
            "result": result,
        },
    )


@public
def draw_script(request):
    try:
        text = VERIFY_SCRIPT.read_text(encoding="utf-8")
    except OSError:
        raise Http404 from None
    response = HttpResponse(text, content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="verify_draw.py"'
    return response
