"""Synthetic workforce for the demo (issue 13), made through the real services; every name says 示例 and
every ID number is made up here (开县's area code, a birth date and sequence from a counter, a real
check digit), never a real person's.

The first three filed demo institutions get their staff: a head, health staff, a cook and the carers
each class needs, assigned to it, with certificates. The demo operator's institution (the `operator`
persona's) shows every case the rules know: one class short of carers, a new hire with no certificate
and no class yet, a certificate and a health check expiring within 30 days, a certificate that has
expired, and a carer who works at the second institution too (挂靠: the same ID number, matched by its
blind index, flagged to both operators and counted at the second only, where they started first). The
other two institutions are kept by a second operator account, `WF_OPERATOR_LOGIN`.

The district's training: an in-service course held last month with attendance recorded, and a
pre-service course open for enrolment. The expert pool: seven experts across the fields, one of them the
guidance centre's account (`GUIDANCE_LOGIN`), one working at a demo institution (never drawn for it).

Idempotent: a person, course or expert that exists already is left alone, so a second run changes nothing.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from tuoyu.accounts.models import Role, User
from tuoyu.core.crypto import blind_index
from tuoyu.institutions.demo import DEMO_PASSWORD
from tuoyu.institutions.models import ClassGroup, Institution, InstitutionMembership, InstitutionStatus

from .models import (
    CertificateCategory,
    CertificateKind,
    Course,
    Employment,
    Expert,
    Post,
    RatioRule,
    StaffingStandard,
    StaffMember,
)
from .services import experts as expert_services
from .services import rules as rules_services
from .services import staff as staff_services
from .services import training as training_services

INSTITUTIONS = 3  # the first filed demo institutions get staff
WF_OPERATOR_LOGIN = "wf-operator"  # keeps the second and third institutions' staff
GUIDANCE_LOGIN = "guidance"  # the guidance centre (指导中心): runs courses, sits in the expert pool
# 开县: the synthetic numbers pass the same checks (area, birth date, check digit) as real ones.
AREA = "500234"
ISSUER_SKILLS = "示例·重庆市职业技能鉴定指导中心"
ISSUER_HEALTH = "示例·开州区妇幼保健院"
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高"
GIVEN = ["敏", "静", "丽", "芳", "婷", "娟", "霞", "燕", "玲", "红", "梅", "雪", "琳", "颖", "洁", "慧"]
COURSE_HELD = "示例·2026年托育从业人员在岗培训（第一期）"
COURSE_OPEN = "示例·托育机构保育人员岗前培训"
# The expert pool: number, name, field, title, unit, purposes (inspection, grading, guidance).
EXPERTS = [
    ("KZ-ZJ-0001", "示例·专家甲", "health", "主任医师", "示例·开州区妇幼保健院", (False, True, True)),
    ("KZ-ZJ-0002", "示例·专家乙", "care", "副教授", "示例·重庆三峡职业学院", (False, True, True)),
    ("KZ-ZJ-0003", "示例·专家丙", "nutrition", "主管营养师", "示例·开州区人民医院", (True, True, True)),
    ("KZ-ZJ-0004", "示例·专家丁", "safety", "高级工程师", "示例·开州区消防救援支队", (True, False, False)),
    ("KZ-ZJ-0005", "示例·专家戊", "management", "高级经济师", "示例·开州区托育服务协会", (True, True, False)),
    ("KZ-ZJ-0006", "示例·专家己", "psychology", "副主任医师", "示例·开州区精神卫生中心", (False, True, True)),
    ("KZ-ZJ-0007", "示例·专家庚", "education", "高级教师", "示例·开州区实验幼儿园", (True, True, True)),
]
TWICE = 999  # the number of the person at the first and the second institution (挂靠)
GUIDANCE_EXPERT = "KZ-ZJ-0001"  # the guidance centre's account: an assessor, not an inspector
EMPLOYED_EXPERT = "KZ-ZJ-0005"  # works at the second demo institution: recused from its draws


@dataclass
class Seeded:
    institutions: list[Institution]
    staff: int  # staff rows made by this run
    courses: int
    experts: int


def demo_id_number(n: int) -> str:
    """The n-th synthetic ID number: 开县's area code (Kaizhou's before 2016, valid for births from 1997,
    when Chongqing's codes begin), born 1997–2004 on a day from n, sequence n, a real check digit."""
    born = date(1997, 1, 1) + timedelta(days=(n * 37) % 2900)
    stem = f"{AREA}{born:%Y%m%d}{n % 1000:03d}"
    return stem + ric.calc_check_digit(stem + "0")  # stdnum expects a placeholder check digit


def _name(n: int) -> str:
    return f"示例·{SURNAMES[n % len(SURNAMES)]}{GIVEN[(n * 7) % len(GIVEN)]}"


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 - months, 12)
    return date(day.year + year, month + 1, min(day.day, 28))


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


def _rules() -> None:
    """The certificate kinds, post rules and national standard, loaded from the app's data files once."""
    if not rules_services.workforce_rules_loaded():
        rules_services.workforce_rules_load_files()


def _kind(code: str) -> CertificateKind:
    """A certificate kind by its code in `data/certificate_kinds.json`."""
    return CertificateKind.objects.get(code=code)


@dataclass
class Plan:
    """One person the demo adds: who, where, and which certificates (kind, days from issue to today,
    days from today to expiry or None)."""

    n: int
    post: str
    class_group: ClassGroup | None = None
    employment: str = Employment.FULL_TIME
    started_days_ago: int = 600
    health_checked_days_ago: int | None = 90
    certificates: tuple[tuple[CertificateKind, int, int | None], ...] = ()


class _Staffer:
    """Adds the planned people to one institution through the staff services, as its operator."""

    def __init__(self, institution: Institution, by: User, today: date):
        self.institution, self.by, self.today = institution, by, today
        self.made = 0

    def add(self, plan: Plan) -> StaffMember:
        number = demo_id_number(plan.n)
        existing = StaffMember.objects.filter(
            institution=self.institution, id_number_index=blind_index(number)
        ).first()
        if existing is not None:
            return existing
        health_checked = (
            self.today - timedelta(days=plan.health_checked_days_ago)
            if plan.health_checked_days_ago is not None
            else None
        )
        staff = staff_services.staff_add(
            institution=self.institution,
            by=self.by,
            fields={
                "name": _name(plan.n),
                "id_number": number,
                "mobile": f"139{plan.n:08d}",
                "post": plan.post,
                "employment": plan.employment,
                "started_on": self.today - timedelta(days=plan.started_days_ago),
                "background_checked_on": self.today - timedelta(days=plan.started_days_ago + 7),
                "health_checked_on": health_checked,
            },
        )
        if plan.class_group is not None:
            staff = staff_services.staff_assign_class(staff=staff, by=self.by, class_group=plan.class_group)
        for index, (kind, issued_days_ago, expires_in) in enumerate(plan.certificates, start=1):
            staff_services.certificate_add(
                staff=staff,
                by=self.by,
                kind=kind,
                number=f"示例{plan.n:04d}{index:02d}",
                issuer=ISSUER_HEALTH if kind.category != CertificateCategory.SKILL else ISSUER_SKILLS,
                issued_on=self.today - timedelta(days=issued_days_ago),
                expires_on=None if expires_in is None else self.today + timedelta(days=expires_in),
            )
        self.made += 1
        return staff


def _needed(group: ClassGroup, ratios: dict[str, int]) -> int:
    per = ratios.get(group.age_group)
    return math.ceil(group.enrolled / per) if per and group.enrolled else 0


def _staff_institution(
    institution: Institution, by: User, *, serial: int, today: date, first: bool, second: bool
) -> tuple[int, list[StaffMember]]:
    """The institution's people, numbered from `serial`; the first institution shows every case, and
    the person at two institutions (`TWICE`) works at the first and the second."""
    ratios = dict(
        RatioRule.objects.filter(
            standard=StaffingStandard.objects.order_by("-effective_from").first()
        ).values_list("age_group", "children_per_carer")
    )
    skill4, skill5 = _kind("baoyushi-4"), _kind("yuyingyuan-5")
    one_plus_x, teacher = _kind("care-1x-junior"), _kind("teacher")
    health_training, health_card = _kind("health-training"), _kind("health-certificate")
    one_year = 365
    staffer = _Staffer(institution, by, today)
    n = serial
    added: list[StaffMember] = []

    def plan(**values) -> Plan:
        nonlocal n
        n += 1
        return Plan(n=n, **values)

    added.append(staffer.add(plan(post=Post.PRINCIPAL, certificates=((teacher, 2000, None),))))
    added.append(
        staffer.add(
            plan(
                post=Post.HEALTH,
                certificates=((health_training, 400, None), (health_card, 200, one_year - 200)),
            )
        )
    )
    # The cook's health certificate (健康证) runs out in 12 days: listed and reminded.
    added.append(staffer.add(plan(post=Post.COOK, certificates=((health_card, one_year - 12, 12),))))
    classes = list(institution.classes.order_by("pk"))
    # The first institution's class that needs the most carers is one short.
    short = max(classes, key=lambda g: _needed(g, ratios)) if first and classes else None
    short = short if short is not None and _needed(short, ratios) > 0 else None
    # The extra carers below go to another class, so that one stays short.
    extra = next((g for g in classes if g != short), None)
    for group in classes:
        carers = _needed(group, ratios) - (1 if group == short else 0)
        for i in range(carers):
            certificates = [((skill4, skill5, one_plus_x)[i % 3], 300 + 30 * i, None)]
            if first and group == classes[0] and i == 0:
                certificates = [(skill4, one_year * 3 - 20, 20)]  # runs out in 20 days
            added.append(
                staffer.add(plan(post=Post.CARER, class_group=group, certificates=tuple(certificates)))
            )
    if first:
        # An expired 育婴员 certificate: still a carer in the class (suitable), no longer certified.
        group = extra
        added.append(
            staffer.add(
                plan(post=Post.CARER, class_group=group, certificates=((skill5, one_year * 3 + 40, -40),))
            )
        )
        # A health check that runs out in 9 days.
        added.append(
            staffer.add(
                plan(
                    post=Post.CARER,
                    employment=Employment.PART_TIME,
                    class_group=group,
                    health_checked_days_ago=one_year - 9,
                    certificates=((skill4, 700, None),),
                )
            )
        )
        # A new hire this week: no certificate and no class yet.
        added.append(staffer.add(plan(post=Post.CARER, started_days_ago=3)))
    # The person at two institutions: at the second since long ago, at the first since this spring.
    if first or second:
        twice_plan = Plan(
            n=TWICE,
            post=Post.CARER,
            class_group=classes[0] if classes and second else None,
            started_days_ago=120 if first else 900,
            certificates=((skill4, 1000, None),),
        )
        added.append(staffer.add(twice_plan))
    return staffer.made, added


def _courses(manager: User, staff: list[StaffMember], operators: dict[int, User], today: date) -> int:
    made = 0
    if not Course.objects.filter(title=COURSE_HELD).exists():
        course = training_services.course_create(
            by=manager,
            title=COURSE_HELD,
            kind="in_service",
            organiser="示例·开州区婴幼儿照护服务指导中心",
            place="示例·开州区妇幼保健院三楼会议室",
            starts_on=today + timedelta(days=1),
            ends_on=today + timedelta(days=2),
            hours=16,
            capacity=30,
            description="示例课程：婴幼儿回应性照护、安全防护与伤害预防。",
        )
        training_services.course_publish(course=course, by=manager)
        enrolments = [
            training_services.course_enrol(course=course, staff=person, by=operators[person.institution_id])
            for person in staff[:6]
        ]
        # Held a month ago (but this year, so its hours count this year): the demo moves its dates back,
        # then records the attendance as the organiser would.
        held = max(today - timedelta(days=30), date(today.year, 1, 1))
        Course.objects.filter(pk=course.pk).update(starts_on=held, ends_on=held + timedelta(days=1))
        course.refresh_from_db()
        training_services.attendance_record(
            course=course,
            by=manager,
            rows=[
                {"enrolment": e.pk, "attended": i != 2, "hours": 12 if i == 4 else None}
                for i, e in enumerate(enrolments)
            ],
        )
        training_services.course_close(course=course, by=manager)
        made += 1
    if not Course.objects.filter(title=COURSE_OPEN).exists():
        course = training_services.course_create(
            by=manager,
            title=COURSE_OPEN,
            kind="pre_service",
            organiser="示例·开州区婴幼儿照护服务指导中心",
            place="示例·开州区妇幼保健院三楼会议室",
            starts_on=today + timedelta(days=21),
            ends_on=today + timedelta(days=23),
            hours=24,
            capacity=40,
            description="示例课程：新入职保育人员的岗前培训，含职业道德、卫生保健和应急处置。",
        )
        training_services.course_publish(course=course, by=manager)
        for person in staff[6:8]:
            training_services.course_enrol(course=course, staff=person, by=operators[person.institution_id])
        made += 1
    return made


def _experts(manager: User, guidance: User, employer: Institution) -> int:
    made = 0
    for code, name, field, title, unit, (inspection, grading, guidance_) in EXPERTS:
        if Expert.objects.filter(code=code).exists():
            continue
        expert_services.expert_add(
            by=manager,
            code=code,
            name=name,
            field=field,
            title=title,
            unit=unit,
            mobile="",
            user=guidance if code == GUIDANCE_EXPERT else None,
            employer=employer if code == EMPLOYED_EXPERT else None,
            for_inspection=inspection,
            for_grading=grading,
            for_guidance=guidance_,
        )
        made += 1
    return made


@transaction.atomic
def seed_workforce() -> Seeded | None:
    """The demo's staff, courses and experts; None when the register has no demo institutions or
    personas yet (run seed_demo first)."""
    operator = User.objects.filter(username="operator").first()
    manager = User.objects.filter(username="hcadmin").first()
    first = (
        InstitutionMembership.objects.filter(user=operator, institution__is_demo=True)
        .select_related("institution")
        .order_by("institution_id")
        .first()
    )
    if operator is None or manager is None or first is None:
        return None
    others = list(
        Institution.objects.filter(is_demo=True, status=InstitutionStatus.FILED)
        .exclude(pk=first.institution_id)
        .order_by("pk")[: INSTITUTIONS - 1]
    )
    if len(others) < INSTITUTIONS - 1:
        return None
    _rules()
    today = timezone.localdate()
    keeper = _account(WF_OPERATOR_LOGIN, Role.INSTITUTION_OPERATOR, "示例·第二托育机构负责人")
    guidance = _account(GUIDANCE_LOGIN, Role.GUIDANCE_CENTRE, "示例·婴幼儿照护服务指导中心")
    for institution in others:
        InstitutionMembership.objects.get_or_create(institution=institution, user=keeper)
    institutions = [first.institution, *others]
    operators = {first.institution_id: operator, **{i.pk: keeper for i in others}}
    made = 0
    staff: list[StaffMember] = []
    # The second institution first: the person at both started there, so they count there.
    for index in (1, 2, 0):
        institution = institutions[index]
        count, added = _staff_institution(
            institution,
            operators[institution.pk],
            serial=(index + 1) * 100,
            today=today,
            first=index == 0,
            second=index == 1,
        )
        made += count
        staff.extend(p for p in added if p.post == Post.CARER and p.class_group_id)
    courses = _courses(guidance, staff, operators, today)
    experts = _experts(manager, guidance, institutions[1])
    return Seeded(institutions=institutions, staff=made, courses=courses, experts=experts)


def demo_sign_ins() -> list[tuple[str, str, str]]:
    """(who, login, password) for the console: the second operator and the guidance centre."""
    rows = []
    for username in (WF_OPERATOR_LOGIN, GUIDANCE_LOGIN):
        user = User.objects.filter(username=username).first()
        if user is not None:
            rows.append((user.display_name, username, DEMO_PASSWORD))
    return rows
