"""Synthetic complaints, reports and reviews for the demo, made through the services (every text says
示例): one case in each stage so a visitor can follow the whole journey, and a review of a real visit."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tuoyu.accounts.models import Role, User
from tuoyu.bookings.models import Visit, VisitSlot, VisitStatus
from tuoyu.institutions.models import InstitutionMembership

from . import services
from .models import Complaint

DEMO_FAMILY_PHONE = "13800138000"


@transaction.atomic
def seed_feedback() -> list[tuple[str, str, str]]:
    """Returns (what, tracking number, query code) rows for the console; nothing when already seeded."""
    membership = (
        InstitutionMembership.objects.filter(user__username="operator").select_related("institution").first()
    )
    handler = User.objects.filter(username="reviewer").first()
    market = User.objects.filter(username="inspector").first()
    if membership is None or handler is None or market is None or Complaint.objects.exists():
        return []
    institution = membership.institution

    def file(what, **fields):
        # `what` names the stage for this code only; the console shows the stage in words (stage()).
        return services.complaint_file(**fields).complaint

    answered = file(
        "answered",
        category="food",
        institution=institution,
        description="示例：午餐的菜是凉的，孩子回家说肚子不舒服。",
        anonymous=False,
        reporter_name="示例·王女士",
        reporter_phone="13800138001",
    )
    services.complaint_acknowledge(complaint=answered, by=market)
    services.complaint_answer(
        complaint=answered,
        by=market,
        finding="partly",
        answer="示例答复：经现场检查，该园午餐保温设备故障已更换，已责令规范留样。",
    )
    handling = file(
        "being handled",
        category="fees",
        institution=institution,
        description="示例：园方另收“兴趣班”费用，没有公示。",
    )
    services.complaint_acknowledge(complaint=handling, by=market)
    street = institution.unit
    file(
        "unlicensed place",
        category="unlicensed",
        place_name="示例·某小区家庭托儿点",
        address="示例路 8 号 2 单元",
        lat=street.center_lat,
        lng=street.center_lng,
        description="示例：小区内有人在家里收托十几个孩子，没有任何标识。",
    )
    overdue = file(
        "overdue",
        category="safety",
        institution=institution,
        description="示例：二楼楼梯护栏松动，孩子可以钻过去。",
    )
    # Received three weeks ago, so the deadlines have passed and escalation shows in the demo.
    received = timezone.now() - timedelta(days=21)
    Complaint.objects.filter(pk=overdue.pk).update(
        received_at=received,
        acknowledge_due_on=received.date() + timedelta(days=1),
        answer_due_on=received.date() + timedelta(days=14),
    )
    services.complaints_escalate_overdue()
    _seed_review(institution, membership.user)
    return demo_cases()


def stage(complaint: Complaint) -> str:
    """The case's stage in words, in the active language: its status, and whether it was escalated."""
    label = complaint.get_status_display()
    return f"{label} · {gettext('Escalated')}" if complaint.escalated_at else label


def demo_cases() -> list[tuple[str, str, str]]:
    """The synthetic cases, so `make run` can print their numbers and codes the first time and every
    time after, with the same words."""
    return [
        (stage(c), c.tracking_number, c.query_code)
        for c in Complaint.objects.filter(description__startswith="示例").order_by("id")
    ]


def _seed_review(institution, operator) -> None:
    family = User.objects.filter(phone=DEMO_FAMILY_PHONE, role=Role.FAMILY).first()
    if family is None:
        return
    from .reviews import review_submit

    # A visit last week that the institution recorded as attended: the proof a review needs.
    start = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=7), time(9, 30)))
    slot = VisitSlot.objects.create(
        institution=institution,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=4,
        booked=1,
        note="示例参观时段",
    )
    visit = Visit.objects.create(
        slot=slot, family=family, status=VisitStatus.ATTENDED, idempotency_key="demo-review"
    )
    review_submit(
        family=family,
        visit=visit,
        overall=4,
        aspects={"safety": 5, "care": 4, "meals": 4, "communication": 4, "fees": 3},
        text="示例评价：老师很耐心，环境干净；收费表可以写得更清楚。",
    )
