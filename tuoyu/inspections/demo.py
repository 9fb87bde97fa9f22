"""Synthetic supervision for the demo (issue 12), made through the real services (every name says 示例).

A joint 双随机 plan of 市场监管, 消防 and 卫健 over the district's filed demo institutions is drawn with a
fixed, published seed, so the demo's draw is the same on every machine and can be re-run on the public
draw page. Of the drawn inspections, one is closed with nothing found, one is submitted with an open fire
finding, one has the institution's evidence waiting for the inspector, one is overdue (its deadline moved
into the past, then escalated by the daily job's own service), one was put right and closed; the results
of the finished ones are published, so /inspections/results/ has rows. The rest stay assigned: every
inspector of the roster has work waiting on 我的检查任务.
"""

import io
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from tuoyu.accounts.models import Role, User
from tuoyu.institutions.demo import DEMO_PASSWORD
from tuoyu.institutions.models import Institution, InstitutionMembership, InstitutionStatus
from tuoyu.regions.models import Department

from . import services
from .models import (
    Answer,
    ChecklistItem,
    Domain,
    Finding,
    FindingStatus,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    Inspector,
)
from .services import inspecting
from .services.draws import draw_plan
from .services.inspecting import checklist_load_file
from .services.plans import plan_create
from .services.publication import inspection_publish

PLAN_TITLE = "示例·2026年托育机构多部门联合双随机抽查"
# A fixed seed, so the demo draws the same institutions and inspectors everywhere (a real draw takes a
# fresh one from the service); published with the draw like any other.
DEMO_SEED = "5ea1ed0d3e0c2026a11ce0f0ca5ca1ed"
SAMPLE_SIZE = 9  # 9 inspections × 2 inspectors over a roster of 6: three each
STAGES = 5  # the inspections the demo carries through (below); the rest stay assigned
DOMAINS = [Domain.FIRE, Domain.FOOD, Domain.HEALTH, Domain.CARE]
# The roster (执法检查人员名录): username, name, department, role, certificate number. The existing demo
# persona `inspector` (市场监管) is on it, so its sign-in has inspections waiting.
ROSTER = [
    ("inspector", "示例·市场监管执法员甲", "KZ-SCJG", Role.DEPARTMENT_OFFICER, "KZ-SCJG-ZF-0001"),
    ("insp-scjg", "示例·市场监管执法员乙", "KZ-SCJG", Role.DEPARTMENT_OFFICER, "KZ-SCJG-ZF-0002"),
    ("insp-xf1", "示例·消防监督员甲", "KZ-XF", Role.DEPARTMENT_OFFICER, "KZ-XF-ZF-0001"),
    ("insp-xf2", "示例·消防监督员乙", "KZ-XF", Role.DEPARTMENT_OFFICER, "KZ-XF-ZF-0002"),
    ("insp-wjw1", "示例·卫生监督员甲", "KZ-WJW", Role.HC_REVIEWER, "KZ-WJW-ZF-0001"),
    ("insp-wjw2", "示例·卫生监督员乙", "KZ-WJW", Role.HC_REVIEWER, "KZ-WJW-ZF-0002"),
]
# The institution's side of the demo: one account acting for the inspected institutions with findings,
# so a visitor sees 整改通知 and uploads evidence (the `operator` persona keeps its own institution).
INSTITUTION_LOGIN = "inspected"
FIRE_ITEM = "FIRE-01"  # 疏散通道、安全出口畅通: the demo's failed fire item
FIRE_NOTE = "示例：二楼疏散通道堆放杂物，安全出口被锁闭。"
FOOD_ITEM = "FOOD-04"
FOOD_NOTE = "示例：午餐留样不足48小时。"


@dataclass
class Seeded:
    plan: InspectionPlan
    stages: list[tuple[str, Inspection]]  # (what the demo made of it, the inspection)


def evidence_png(text: str = "DEMO") -> SimpleUploadedFile:
    """A small real PNG (a drawn 'photo' of the cleared exit), as an institution would upload."""
    image = Image.new("RGB", (320, 240), (235, 245, 235))
    ImageDraw.Draw(image).text((20, 20), f"DEMO {text}", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("evidence.png", buffer.getvalue(), content_type="image/png")


def _load_checklist() -> None:
    # The on-site helper's loader of the district's checklist file (by code: running it again changes
    # nothing an administrator edited away from the file's items).
    if not ChecklistItem.objects.exists():
        checklist_load_file()


def _roster(planner: User) -> list[Inspector]:
    from django.conf import settings

    from tuoyu.accounts.otp import demo_totp_device_give

    people = []
    for username, name, code, role, certificate in ROSTER:
        department = Department.objects.get(code=code)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "display_name": name, "department": department},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if settings.TUOYU_DEMO:
            demo_totp_device_give(user=user)
        inspector, _ = Inspector.objects.get_or_create(
            user=user,
            defaults={"name": name, "department": department, "certificate_number": certificate},
        )
        people.append(inspector)
    return people


def _institution_account(institutions: list[Institution]) -> User:
    user, created = User.objects.get_or_create(
        username=INSTITUTION_LOGIN,
        defaults={"role": Role.INSTITUTION_OPERATOR, "display_name": "示例·受检机构负责人"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    for institution in institutions:
        InstitutionMembership.objects.get_or_create(institution=institution, user=user)
    return user


def _carry_out(inspection: Inspection, *, fail: dict[str, str]) -> Inspection:
    """The drawn inspectors' visit, through the on-site services: every item answered (those in `fail`
    failed with their note, the rest passed), both signatures, the submission."""
    first, *others = list(inspection.inspectors.select_related("user").order_by("certificate_number"))
    inspecting.inspection_start(inspection=inspection, by=first.user)
    answers = {
        row.item_id: {
            "answer": Answer.FAIL if row.item.code in fail else Answer.PASS,
            "note": fail.get(row.item.code, ""),
        }
        for row in inspection.answers.select_related("item")
    }
    inspecting.answers_save(inspection=inspection, by=first.user, answers=answers)
    for signer in (first, *others):
        inspecting.inspection_sign(inspection=inspection, by=signer.user, name=signer.name)
    return inspecting.inspection_submit(
        inspection=inspection,
        by=first.user,
        summary="示例检查记录：现场检查按清单逐项进行。",
        institution_signatory="示例·园长",
    )


def _fire_finding(inspection: Inspection) -> Finding:
    return inspection.findings.get(item__code=FIRE_ITEM)


@transaction.atomic
def seed_inspections() -> Seeded | None:
    """The demo's plan, draw and inspections; None when already seeded or when the register has no demo
    institutions or personas yet (run seed_demo first)."""
    if InspectionPlan.objects.filter(title=PLAN_TITLE).exists():
        return None
    planner = User.objects.filter(username="hcadmin").first()
    candidates = list(Institution.objects.filter(is_demo=True, status=InstitutionStatus.FILED).order_by("pk"))
    if planner is None or len(candidates) < STAGES:
        return None
    _load_checklist()
    roster = _roster(planner)
    departments = list(Department.objects.filter(code__in=["KZ-SCJG", "KZ-XF", "KZ-WJW"]).order_by("code"))
    today = timezone.localdate()
    plan = plan_create(
        by=planner,
        title=PLAN_TITLE,
        lead_department=Department.objects.get(code="KZ-SCJG"),
        departments=departments,
        period_start=today - timedelta(days=30),
        period_end=today + timedelta(days=60),
        domains=DOMAINS,
        checklist=list(ChecklistItem.objects.filter(active=True, domain__in=DOMAINS).order_by("pk")),
        inspectors=roster,
        institutions=candidates,
        sample_size=min(SAMPLE_SIZE, len(candidates)),
    )
    draw_plan(plan=plan, by=planner, seed=DEMO_SEED)
    inspections = list(plan.inspections.select_related("institution").order_by("pk"))
    # The existing persona `inspector` keeps every inspection drawn for it assigned, so its sign-in has
    # work waiting; the demo carries the others through.
    persona = roster[0]
    mine = set(persona.inspections.filter(plan=plan).values_list("pk", flat=True))
    order = [i for i in inspections if i.pk not in mine] + [i for i in inspections if i.pk in mine]
    compliant, fire_open, with_evidence, overdue, rectified = order[:5]
    account = _institution_account([i.institution for i in (fire_open, with_evidence, overdue, rectified)])
    stages: list[tuple[str, Inspection]] = []

    _carry_out(compliant, fail={})
    stages.append(("closed, nothing found", compliant))

    _carry_out(fire_open, fail={FIRE_ITEM: FIRE_NOTE})
    stages.append(("fire finding open", fire_open))

    _carry_out(with_evidence, fail={FIRE_ITEM: FIRE_NOTE})
    services.evidence_submit(
        finding=_fire_finding(with_evidence),
        by=account,
        note="示例：已清理疏散通道杂物，安全出口改为推闩门，全天开启。",
        upload=evidence_png("exit cleared"),
    )
    stages.append(("evidence waiting for the inspector", with_evidence))

    _carry_out(overdue, fail={FOOD_ITEM: FOOD_NOTE})
    # Its deadline moved into the past, so the daily job's service escalates it as it would in life.
    overdue.findings.update(deadline=today - timedelta(days=7))
    services.escalate_overdue(today=today)
    stages.append(("finding overdue, escalated", overdue))

    _carry_out(rectified, fail={FIRE_ITEM: FIRE_NOTE})
    finding = _fire_finding(rectified)
    services.evidence_submit(
        finding=finding,
        by=account,
        note="示例：疏散通道已清空，安全出口已解锁并张贴标识。",
        upload=evidence_png("exit unlocked"),
    )
    decider = rectified.inspectors.select_related("user").order_by("certificate_number").first().user
    services.evidence_accept(finding=finding, by=decider, note="示例：现场复核，整改到位。")
    stages.append(("put right and closed", rectified))

    for _what, inspection in stages:
        inspection.refresh_from_db()
        if inspection.status in (InspectionStatus.SUBMITTED, InspectionStatus.CLOSED):
            inspection_publish(inspection=inspection, by=planner)
    plan.refresh_from_db()  # the services moved it (drawn) on their own locked copy
    return Seeded(plan=plan, stages=stages)


def demo_sign_ins() -> list[tuple[str, str, str, int]]:
    """(who, login, password, how many wait) for the console, the first time and every time after: each
    roster inspector's assigned inspections, the institution account's findings to put right."""
    rows = []
    on_roster = Inspector.objects.filter(user__username__in=[row[0] for row in ROSTER]).select_related("user")
    for inspector in sorted(on_roster, key=lambda i: i.certificate_number):
        waiting = inspector.inspections.filter(status=InspectionStatus.ASSIGNED).count()
        rows.append((inspector.name, inspector.user.username, DEMO_PASSWORD, waiting))
    if User.objects.filter(username=INSTITUTION_LOGIN).exists():
        open_findings = Finding.objects.filter(
            inspection__institution__memberships__user__username=INSTITUTION_LOGIN,
            status__in=[FindingStatus.OPEN, FindingStatus.OVERDUE],
        ).count()
        rows.append(("示例·受检机构负责人", INSTITUTION_LOGIN, DEMO_PASSWORD, open_findings))
    return rows
