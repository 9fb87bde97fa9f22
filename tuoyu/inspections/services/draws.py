"""The draw of a plan (双随机) and its redraw. Both run draw.run_draw over the plan's lists, read and sorted
here, and store everything needed to re-run it: the seed, the algorithm, the input lists as published,
the result. A redraw never replaces a draw silently: the earlier one stays, superseded, with its reason.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.core.statemachine import lock, refuse, transition
from tuoyu.core.validators import required_text
from tuoyu.institutions import workflow as institution_workflow
from tuoyu.workforce.selectors.experts import experts_available

from .. import draw as draw_rules
from ..models import Draw, Inspection, InspectionPlan, InspectionStatus, Inspector, InspectorLink, PlanStatus
from ..workflow import INSPECTION_WORKFLOW, PLAN_WORKFLOW
from .plans import guard_planner


def new_seed() -> str:
    """128 bits from the operating system's secure source; published with the draw."""
    return secrets.token_hex(16)


def draw_inputs(plan: InspectionPlan) -> dict:
    """The plan's lists as the draw publishes them: institutions [{id, name}] by id, the active
    inspectors of the pool [{code, name, department}] by code, and the declared links between the two
    [[code, institution id]]; when the plan asks for experts, its experts still available for inspections
    [{code, name, field, unit}] by code and their recusals [[code, institution id]] (where they work)."""
    # An institution deregistered since the plan was made is no longer there to inspect (a suspended one
    # is: its inspection is how it comes back).
    candidates = plan.institutions.exclude(status__in=institution_workflow.GONE)
    institutions = [
        {"id": pk, "name": name} for pk, name in candidates.order_by("pk").values_list("pk", "name")
    ]
    pool = list(
        plan.inspectors.filter(active=True).select_related("department").order_by("certificate_number")
    )
    inspectors = [
        {"code": i.certificate_number, "name": i.name, "department": i.department.name} for i in pool
    ]
    links = InspectorLink.objects.filter(
        inspector__in=[i.pk for i in pool], institution__in=[row["id"] for row in institutions]
    ).values_list("inspector__certificate_number", "institution_id")
    # Experts only when the plan asks for them: the plan's pool, those still available for inspections;
    # an expert is never drawn for the institution they work at (the employer, 回避).
    expert_pool = []
    if plan.experts_per_inspection:
        available = experts_available("inspection").values("pk")
        expert_pool = list(plan.experts.filter(pk__in=available).order_by("code"))
    ids = {row["id"] for row in institutions}
    return {
        "institutions": draw_rules.canonical_institutions(institutions),
        "inspectors": draw_rules.canonical_inspectors(inspectors),
        "links": draw_rules.canonical_links(links),
        "pool": {i.certificate_number: i for i in pool},
        "experts": draw_rules.canonical_experts(
            {"code": e.code, "name": e.name, "field": e.field, "unit": e.unit} for e in expert_pool
        ),
        "expert_links": draw_rules.canonical_links(
            (e.code, e.employer_id) for e in expert_pool if e.employer_id in ids
        ),
        "expert_pool": {e.code: e for e in expert_pool},
    }


def _make_draw(*, plan: InspectionPlan, by, number: int, seed: str | None = None) -> Draw:
    inputs = draw_inputs(plan)
    sample_count = draw_rules.sample_count_for(
        candidates=len(inputs["institutions"]),
        sample_percent=plan.sample_percent,
        sample_size=plan.sample_size,
    )
    seed = seed or new_seed()
    result = draw_rules.run_draw(
        seed=seed,
        institutions=inputs["institutions"],
        inspectors=inputs["inspectors"],
        links=inputs["links"],
        sample_count=sample_count,
        per_inspection=plan.inspectors_per_inspection,
        experts=inputs["experts"],
        expert_links=inputs["expert_links"],
        experts_per_inspection=plan.experts_per_inspection,
    )
    with_experts = plan.experts_per_inspection > 0
    row = Draw.objects.create(
        plan=plan,
        number=number,
        algorithm=draw_rules.algorithm_for(plan.experts_per_inspection),
        seed=seed,
        institution_list=inputs["institutions"],
        inspector_list=inputs["inspectors"],
        links=inputs["links"],
        sample_count=sample_count,
        inspectors_per_inspection=plan.inspectors_per_inspection,
        expert_list=inputs["experts"] if with_experts else [],
        expert_links=inputs["expert_links"] if with_experts else [],
        experts_per_inspection=plan.experts_per_inspection,
        result=result,
        drawn_by=by,
    )
    pool: dict[str, Inspector] = inputs["pool"]
    expert_pool = inputs["expert_pool"]
    for entry in result:
        inspection = Inspection.objects.create(plan=plan, draw=row, institution_id=entry["institution"])
        inspection.inspectors.set([pool[code] for code in entry["inspectors"]])
        if entry.get("experts"):
            inspection.experts.set([expert_pool[code] for code in entry["experts"]])
    return row


@transaction.atomic
def draw_plan(*, plan: InspectionPlan, by, seed: str | None = None) -> Draw:
    """Draw a draft plan: a Draw row, one Inspection (assigned) per drawn institution, the plan drawn.
    Refused with the draw's own message (too few inspectors, after recusal too); then nothing is saved.
    `seed` is for tests and the demo only: a real draw takes a fresh one."""
    guard_planner(by, plan=plan)
    locked = lock(PLAN_WORKFLOW, plan)
    if locked.status != PlanStatus.DRAFT:
        # A drawn plan is drawn again only by a redraw, with a reason on record.
        raise refuse(locked.status, PlanStatus.DRAWN, model=InspectionPlan)
    row = _make_draw(plan=locked, by=by, number=1, seed=seed)
    transition(
        PLAN_WORKFLOW,
        locked,
        PlanStatus.DRAWN,
        by=by,
        note=_("Draw %(number)d: %(count)d institutions.") % {"number": row.number, "count": len(row.result)},
        locked=True,
    )
    return row


def _started(inspection: Inspection) -> bool:
    return (
        inspection.status != InspectionStatus.ASSIGNED
        or inspection.inspected_on is not None
        or inspection.submitted_at is not None
        or inspection.has_answers
    )


@transaction.atomic
def redraw_plan(*, plan: InspectionPlan, by, reason: str, seed: str | None = None) -> Draw:
    """Draw a drawn plan again, for a reason on record: the current draw is kept, marked superseded with
    the reason, its inspections cancelled; the new draw is number n+1. Refused once any of its
    inspections has started (answers, a date on site, a submission): that work stands."""
    guard_planner(by, plan=plan)
    locked = lock(PLAN_WORKFLOW, plan)
    if locked.status != PlanStatus.DRAWN or not PLAN_WORKFLOW.can(locked.status, PlanStatus.DRAWN):
        raise refuse(locked.status, PlanStatus.DRAWN, model=InspectionPlan)
    reason = required_text(
        reason, field="reason", message=_("Say why the draw is made again; the reason is published.")
    )
    current = locked.draws.select_for_update().filter(superseded_at__isnull=True).order_by("-number").first()
    inspections = []
    if current is not None:
        inspections = list(
            current.inspections.select_for_update().select_related("institution").order_by("pk")
        )
        answered = set(
            Inspection.objects.filter(pk__in=[i.pk for i in inspections], answers__isnull=False).values_list(
                "pk", flat=True
            )
        )
        for inspection in inspections:
            inspection.has_answers = inspection.pk in answered
        started = [i for i in inspections if i.status != InspectionStatus.CANCELLED and _started(i)]
        if started:
            raise ValidationError(
                _(
                    "The draw cannot be made again: the inspection of %(institutions)s has already started "
                    "(answers recorded, a date on site or a submission). That work stands."
                )
                % {"institutions": "、".join(i.institution.name for i in started)},
                code="started",
            )
    number = (locked.draws.aggregate(n=Max("number"))["n"] or 0) + 1
    if current is not None:
        current.superseded_at = timezone.now()
        current.superseded_reason = reason
        current.save(update_fields=["superseded_at", "superseded_reason"])
        for inspection in inspections:
            if inspection.status == InspectionStatus.ASSIGNED:
                transition(
                    INSPECTION_WORKFLOW,
                    inspection,
                    InspectionStatus.CANCELLED,
                    by=by,
                    note=reason,
                    locked=True,
                )
    row = _make_draw(plan=locked, by=by, number=number, seed=seed)
    transition(PLAN_WORKFLOW, locked, PlanStatus.DRAWN, by=by, note=reason, locked=True)
    return row
