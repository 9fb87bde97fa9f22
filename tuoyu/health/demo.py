"""Synthetic child health for the demo (issue 14), made through the real services; every child's name says
示例 and every figure is made up here (sizes computed from the WHO curves at a chosen z-score), never a real
child's.

At the demo operator's first institution: the health staff account `HEALTH_LOGIN` (保健人员, a member of the
institution) and six children enrolled three weeks ago in one class through bookings' `enrolment_record`
(which opens their records). Their records show each case the summary counts: complete records, one with
vaccination doses missing, one underweight child and one overweight, one record without a measurement and
one without the vaccination check (so the rate is not 100 %). A week of morning checks, and today three
children ill with fever in the class, which raises an outbreak alert by the national rule (3 in a day).

The demo family (bookings' `DEMO_FAMILY_PHONE`) gets a second child who applies and is accepted through
bookings' services, so the guardian sees a record with three measurements and the growth chart.

The commission's child-health officer account `CHILD_HEALTH_LOGIN` (hc_child_health) reads every record
and the summary at /health/summary/.

Idempotent: a child, a record's part, a measurement or a day's checks already there is left alone, so a
second run changes nothing.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tuoyu.accounts.models import Role, User
from tuoyu.bookings import services as booking_services
from tuoyu.bookings.demo import DEMO_FAMILY_PHONE
from tuoyu.bookings.models import Child, Enrolment, EnrolmentStatus
from tuoyu.institutions.demo import DEMO_PASSWORD
from tuoyu.institutions.models import (
    AGE_GROUP_MONTHS,
    SERVICE_TYPE_FIELDS,
    ClassGroup,
    Institution,
    InstitutionMembership,
)

from . import growth
from . import services as health_services
from .models import DailyCheck, HealthRecord, Measurement, OutbreakAlert, Session, VaccinationStatus
from .services.rules import outbreak_rules_load, outbreak_rules_loaded

HEALTH_LOGIN = "health"  # the first demo institution's health staff (保健人员)
CHILD_HEALTH_LOGIN = "childhealth"  # the commission's child-health officer (妇幼健康)
HOSPITAL = "示例·开州区妇幼保健院"
ENROLLED_DAYS_AGO = 21
FAMILY_CHILD = "示例·小红"


@dataclass(frozen=True)
class Plan:
    """One demo child: name, sex, the entry check's result, the vaccination status (None: not checked
    yet), and the z-scores of length and weight-for-length of its measurements (None: not measured)."""

    name: str
    sex: str
    result: str
    vaccination: str | None
    sizes: tuple[float, float] | None
    missing_doses: str = ""


CHILDREN = [
    Plan("示例·乐乐", "M", "normal", VaccinationStatus.COMPLETE, (0.2, 0.3)),
    Plan(
        "示例·安安",
        "F",
        "normal",
        VaccinationStatus.MISSING,
        (-0.3, 0.1),
        missing_doses="示例：麻腮风疫苗第2剂",
    ),
    Plan("示例·朵朵", "F", "follow_up", VaccinationStatus.COMPLETE, (-0.8, -2.6)),  # underweight, wasted
    Plan("示例·壮壮", "M", "normal", VaccinationStatus.COMPLETE, (0.1, 2.5)),  # overweight
    Plan("示例·可可", "M", "normal", None, (0.0, 0.0)),  # vaccination certificate not checked yet
    Plan("示例·糖糖", "F", "normal", VaccinationStatus.COMPLETE, None),  # not measured yet
]
FEVERISH = 3  # children ill with fever today: the national rule's "3 in one class in a day"


@dataclass
class Seeded:
    institution: Institution
    children: int = 0  # enrolled by this run
    parts: int = 0  # entry checks, vaccination checks and measurements recorded by this run
    checks: int = 0  # check rows recorded by this run
    alerts: list[OutbreakAlert] = field(default_factory=list)


def _account(username: str, role: str, display_name: str) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"role": role, "display_name": display_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    if settings.TUOYU_DEMO:
        from tuoyu.accounts.otp import demo_totp_device_give

        demo_totp_device_give(user=user)
    return user


def size_at(sex: str, age_days: int, laz: float, wlz: float) -> tuple[Decimal, Decimal, bool]:
    """(weight kg, length cm, lying) of a child of that age at the two z-scores, from the WHO curves."""
    length = Decimal(str(round(growth.value_at(*growth.lms("lfa", sex, age_days), laz), 1)))
    lying = age_days < growth.HEIGHT_FROM_DAYS
    weight = growth.value_at(*growth.lms("wfl" if lying else "wfh", sex, length), wlz)
    return Decimal(str(round(weight, 2))), length, lying


def _class(institution: Institution, wanted: int) -> ClassGroup | None:
    """The class with the most free places (at least `wanted`), toddlers preferred."""
    groups = list(institution.classes.order_by("pk"))
    groups.sort(
        key=lambda g: (g.capacity - g.enrolled < wanted, g.age_group != "toddler", -(g.capacity - g.enrolled))
    )
    if not groups or groups[0].capacity - groups[0].enrolled < 1:
        return None
    return groups[0]


def _service_type(institution: Institution) -> str | None:
    return next((t for t, name in SERVICE_TYPE_FIELDS.items() if getattr(institution, name, False)), None)


def _birth(group: ClassGroup, index: int, start: date) -> date:
    """A birth date that fits the class on the start day and keeps the child in it today."""
    low, high = AGE_GROUP_MONTHS[group.age_group]
    months = min(low + 3 + index, high - 2)
    return start - timedelta(days=int(months * growth.DAYS_PER_MONTH) + 5)


def _enrolled(
    institution: Institution, group: ClassGroup, operator: User, today: date, seeded: Seeded
) -> list:
    start = today - timedelta(days=ENROLLED_DAYS_AGO)
    service_type = _service_type(institution)
    existing = {
        e.child.name: e
        for e in Enrolment.objects.filter(
            institution=institution, child__name__in=[p.name for p in CHILDREN], status=EnrolmentStatus.ACTIVE
        ).select_related("child", "class_group")
    }
    pairs = []
    for index, plan in enumerate(CHILDREN):
        enrolment = existing.get(plan.name)
        if enrolment is None:
            group.refresh_from_db()
            if service_type is None or group.enrolled >= group.capacity:
                continue
            enrolment = booking_services.enrolment_record(
                institution=institution,
                by=operator,
                class_group=group,
                child_name=plan.name,
                sex=plan.sex,
                birth_date=_birth(group, index, start),
                service_type=service_type,
                start_date=start,
            )
            seeded.children += 1
        pairs.append((plan, enrolment))
    return pairs


def _fill(record: HealthRecord, plan: Plan, *, by: User, entry_on: date, measured_on: list[date]) -> int:
    """The record's entry check, vaccination check and measurements by the plan, each only when missing."""
    made = 0
    child = record.child
    if not record.entry_check_on:
        health_services.record_entry_check(
            record=record,
            by=by,
            checked_on=max(entry_on, child.birth_date),
            hospital=HOSPITAL,
            result=plan.result,
            note="示例：复查贫血" if plan.result == "follow_up" else "",
        )
        made += 1
    if plan.vaccination and not record.vaccination_status:
        health_services.record_vaccination(
            record=record,
            by=by,
            checked_on=max(entry_on, child.birth_date),
            status=plan.vaccination,
            missing_doses=plan.missing_doses,
        )
        made += 1
    if plan.sizes is not None:
        done = set(Measurement.objects.filter(record=record).values_list("measured_on", flat=True))
        for day in measured_on:
            if day in done or day < child.birth_date:
                continue
            weight, length, lying = size_at(child.sex, (day - child.birth_date).days, *plan.sizes)
            health_services.measurement_record(
                record=record, by=by, measured_on=day, weight_kg=weight, length_cm=length, lying=lying
            )
            made += 1
    return made


def _morning_checks(group: ClassGroup, children: list[int], *, by: User, today: date) -> tuple[int, list]:
    """A week of morning checks for the class (working days, and today), all present and well except one
    absence, and today FEVERISH children ill with fever: the alert. A day already checked is left alone."""
    days = [today - timedelta(days=n) for n in range(6, 0, -1)]
    days = [d for d in days if d.weekday() < 5] + [today]
    made, raised = 0, []
    for day in days:
        if DailyCheck.objects.filter(class_group=group, day=day, session=Session.MORNING).exists():
            continue
        entries = []
        for index, child_id in enumerate(children):
            if day == today and index < FEVERISH:
                entries.append(
                    {
                        "child_id": child_id,
                        "attendance": "ill",
                        "symptoms": ["fever"],
                        "temperature": f"38.{index + 4}",
                    }
                )
            elif day == days[0] and index == len(children) - 1:
                entries.append({"child_id": child_id, "attendance": "absent", "absence_reason": "personal"})
            else:
                entries.append({"child_id": child_id, "attendance": "present", "temperature": "36.6"})
        done = health_services.checks_record(
            class_group=group, day=day, session=Session.MORNING, by=by, entries=entries
        )
        made += len(done.checks)
        raised.extend(done.raised)
    return made, raised


def _family_child(institution: Institution, operator: User, keeper: User, today: date) -> int:
    """The demo family's second child, applied for and accepted through bookings' services, with a record
    of three measurements for the guardian's growth chart. 0 when there is no family or no place."""
    family = User.objects.filter(phone=DEMO_FAMILY_PHONE, role=Role.FAMILY).first()
    group = _class(institution, 1)
    if family is None or group is None:
        return 0
    child = Child.objects.filter(family=family, name=FAMILY_CHILD).first()
    if child is None:
        low, _high = AGE_GROUP_MONTHS[group.age_group]
        birth = today - timedelta(days=int((low + 5) * growth.DAYS_PER_MONTH))
        child = booking_services.child_add(family=family, name=FAMILY_CHILD, sex="F", birth_date=birth)
        application = booking_services.application_submit(
            family=family,
            child=child,
            institution=institution,
            age_group=group.age_group,
            service_type=_service_type(institution) or "full_day",
            start_date=today,
            idempotency_key=uuid.uuid4().hex,
            notes="示例申请：保健演示",
        )
        booking_services.application_accept(application=application, by=operator)
    record = HealthRecord.objects.filter(child=child).select_related("child").first()
    if record is None:  # no place left: on the waitlist, no record yet
        return 0
    plan = Plan(FAMILY_CHILD, "F", "normal", VaccinationStatus.COMPLETE, (0.4, 0.2))
    return _fill(
        record,
        plan,
        by=keeper,
        entry_on=today - timedelta(days=3),
        measured_on=[today - timedelta(days=90), today - timedelta(days=45), today],
    )


@transaction.atomic
def seed_health() -> Seeded | None:
    """The demo's health data; None when the register and bookings demos have not run yet (no demo operator
    with an institution)."""
    operator = User.objects.filter(username="operator").first()
    membership = (
        InstitutionMembership.objects.filter(user=operator, institution__is_demo=True)
        .select_related("institution")
        .order_by("institution_id")
        .first()
    )
    if operator is None or membership is None:
        return None
    institution = membership.institution
    if not outbreak_rules_loaded():
        outbreak_rules_load()
    today = timezone.localdate()
    keeper = _account(HEALTH_LOGIN, Role.INSTITUTION_HEALTH, "示例·保健医生")
    _account(CHILD_HEALTH_LOGIN, Role.HC_CHILD_HEALTH, "示例·区卫健委妇幼健康科")
    InstitutionMembership.objects.get_or_create(institution=institution, user=keeper)
    seeded = Seeded(institution=institution)
    existing = Enrolment.objects.filter(
        institution=institution, child__name=CHILDREN[0].name, status=EnrolmentStatus.ACTIVE
    ).first()
    group = existing.class_group if existing else _class(institution, len(CHILDREN))
    if group is None:
        return seeded
    start = today - timedelta(days=ENROLLED_DAYS_AGO)
    pairs = _enrolled(institution, group, operator, today, seeded)
    records = {
        r.child_id: r
        for r in HealthRecord.objects.filter(child_id__in=[e.child_id for _p, e in pairs]).select_related(
            "child"
        )
    }
    for plan, enrolment in pairs:
        record = records.get(enrolment.child_id)
        if record is not None:
            seeded.parts += _fill(
                record, plan, by=keeper, entry_on=start - timedelta(days=7), measured_on=[start, today]
            )
    in_class = [e.child_id for _p, e in pairs if e.class_group_id == group.pk]
    if in_class:
        seeded.checks, seeded.alerts = _morning_checks(group, in_class, by=keeper, today=today)
    seeded.parts += _family_child(institution, operator, keeper, today)
    return seeded


def demo_sign_ins() -> list[tuple[str, str, str]]:
    """(who, login, password) for the console: the health staff and the child-health officer."""
    rows = []
    for username in (HEALTH_LOGIN, CHILD_HEALTH_LOGIN):
        user = User.objects.filter(username=username).first()
        if user is not None:
            rows.append((user.display_name, username, DEMO_PASSWORD))
    return rows
