"""Synthetic bookings for the demo, made through the services (every name says 示例): the demo family
has a child, the demo operator's institution publishes visit times and has applications to answer."""

import uuid
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tuoyu.accounts.models import Role, User
from tuoyu.institutions.models import InstitutionMembership

from . import services
from .models import Child, VisitSlot

DEMO_FAMILY_PHONE = "13800138000"


def _months_ago(months: int) -> date:
    today = timezone.localdate()
    year, month = divmod(today.month - 1 - months, 12)
    return date(today.year + year, month + 1, min(today.day, 28))


def seed_bookings() -> int:
    family = User.objects.filter(phone=DEMO_FAMILY_PHONE, role=Role.FAMILY).first()
    membership = (
        InstitutionMembership.objects.filter(user__username="operator")
        .select_related("institution", "user")
        .first()
    )
    if family is None or membership is None or Child.objects.filter(family=family).exists():
        return 0
    institution, operator = membership.institution, membership.user
    made = 0
    tomorrow = timezone.localdate() + timedelta(days=1)
    for day in range(3):
        start = timezone.make_aware(datetime.combine(tomorrow + timedelta(days=day), time(9, 30)))
        if not VisitSlot.objects.filter(institution=institution, starts_at=start).exists():
            services.visit_slot_create(
                institution=institution,
                by=operator,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                capacity=4,
                note="示例参观时段",
            )
            made += 1
    child = services.child_add(family=family, name="示例·小明", sex="M", birth_date=_months_ago(16))
    made += 1
    groups = set(institution.classes.values_list("age_group", flat=True))
    if "toddler" in groups and institution.offers_full_day:
        services.application_submit(
            family=family,
            child=child,
            institution=institution,
            age_group="toddler",
            service_type="full_day",
            start_date=timezone.localdate() + timedelta(days=14),
            idempotency_key=uuid.uuid4().hex,
            notes="示例申请：希望下月入托。",
        )
        made += 1
    return made
