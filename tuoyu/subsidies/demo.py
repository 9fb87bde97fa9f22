"""Synthetic subsidies for the demo (issue 15), made through the real services; every child's name and
account says 示例 and every figure is made up here.

On the register's demo (and grading's, whose demonstration unit earns an award): the finance officer
`FINANCE_LOGIN` (a department officer of settings.TUOYU_FINANCE_DEPARTMENT_CODE) and `CHAIN_LOGIN`, the
operator of an invented investing body's three institutions; Kaizhou's rules (data/kaizhou.json); the
district's budget for this year and the last; the investor's subsidy profiles (the construction
subsidy's chain rule) and two institutions on state-owned premises, one whose three rent-free years end
within the reminder's window (reminded, as the daily job does); children enrolled over the previous half year at the demo operator's
institution and the investor's 普惠 ones (recorded and ended through bookings' services, so no place is
taken today); that half year proposed, and its entitlements moved through the workflow's services so
each page has something: the demo operator's operating subsidy waits for its answer, its demonstration
award is paid, and the investor's are confirmed, disputed, reviewed and approved.

Idempotent: an account, rule set, budget, profile or child already there is left alone, and a period
already proposed is not moved again, so a second run changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from tuoyu.accounts.models import Role, User
from tuoyu.bookings import services as booking_services
from tuoyu.bookings.models import Enrolment
from tuoyu.institutions.demo import DEMO_PASSWORD
from tuoyu.institutions.models import (
    AGE_GROUP_MONTHS,
    SERVICE_TYPE_FIELDS,
    ClassGroup,
    Institution,
    InstitutionMembership,
    InstitutionStatus,
    Ownership,
)
from tuoyu.regions.models import Department

from .models import (
    Budget,
    Entitlement,
    EntitlementStatus,
    Period,
    PeriodStatus,
    RuleSet,
    SubsidyKind,
    SubsidyProfile,
)
from .services.budget import budget_set
from .services.entitlements import (
    entitlement_approve,
    entitlement_confirm,
    entitlement_dispute,
    entitlement_review,
)
from .services.payments import payment_record
from .services.periods import period_create, period_propose
from .services.profiles import profile_save
from .services.reminders import rent_free_reminders_send
from .services.rules import subsidy_rules_load

FINANCE_LOGIN = "finance"  # 区财政局: approves and records payments
CHAIN_LOGIN = "chain"  # the operator of the investing body's three institutions
INVESTOR_NAME = "示例·开州区童乐托育投资有限公司"
INVESTOR_USCC_STEM = "91500154MA7DEMX01"
CHAIN_SIZE = 3
BUDGETS = {0: Decimal("3000000.00"), -1: Decimal("2500000.00")}  # this year, last year
VOUCHER = "示例-开财拨〔{year}〕001"
DISPUTE = "示例：三月份有一名幼儿在园，未计入补贴月数，请核实。"
CHILD_PREFIX = "示例·补贴"
E = EntitlementStatus
# Where the demo's non-nil entitlements end up, in order: the demo operator's award paid, then the
# investor's approved, reviewed, disputed and confirmed. The demo operator's operating subsidy stays
# proposed, for the operator to answer.
TARGETS = (E.PAID, E.APPROVED, E.REVIEWED, E.DISPUTED, E.CONFIRMED)


@dataclass
class Seeded:
    period: Period | None = None
    rule_sets: int = 0
    budgets: int = 0
    profiles: int = 0
    children: int = 0
    reminders: int = 0
    moved: dict[str, int] = field(default_factory=dict)


def investor_uscc() -> str:
    return INVESTOR_USCC_STEM + uscc.calc_check_digit(INVESTOR_USCC_STEM)


def previous_half_year(today: date) -> tuple[str, date, date]:
    """The last whole half year before today: (name, first day, last day)."""
    if today.month > 6:
        return f"{today.year}年上半年", date(today.year, 1, 1), date(today.year, 6, 30)
    year = today.year - 1
    return f"{year}年下半年", date(year, 7, 1), date(year, 12, 31)


def _account(username: str, role: str, display_name: str, **extra) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"role": role, "display_name": display_name, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    if settings.TUOYU_DEMO:
        from tuoyu.accounts.otp import demo_totp_device_give

        demo_totp_device_give(user=user)
    return user


def _rules() -> int:
    if RuleSet.objects.exists():
        return 0
    return subsidy_rules_load()


def _budgets(by: User, today: date) -> int:
    made = 0
    for offset, amount in BUDGETS.items():
        year = today.year + offset
        if not Budget.objects.filter(year=year).exists():
            budget_set(year=year, amount=amount, by=by, note="示例预算")
            made += 1
    return made


def _chain(first: Institution) -> list[Institution]:
    """The investor's institutions: filed demo ones of at least 50 slots, 普惠 first (their operating
    subsidies have something to show), then the largest; never the demo operator's."""
    candidates = list(
        Institution.objects.filter(is_demo=True, status=InstitutionStatus.FILED).exclude(pk=first.pk)
    )
    candidates.sort(key=lambda i: (i.capacity_total < 50, not i.is_puhui, -i.capacity_total, i.pk))
    return sorted(candidates[:CHAIN_SIZE], key=lambda i: i.pk)


def _state_premises(exclude: set[int]) -> list[Institution]:
    """Two publicly owned demo institutions on state-owned premises (§13)."""
    return list(
        Institution.objects.filter(
            is_demo=True,
            status=InstitutionStatus.FILED,
            ownership__in=[Ownership.PUBLIC, Ownership.PUBLIC_BUILT_PRIVATE_RUN],
        )
        .exclude(pk__in=exclude)
        .order_by("pk")[:2]
    )


def _profiles(chain: list[Institution], premises: list[Institution], by: User, today: date) -> int:
    made = 0
    existing = set(
        SubsidyProfile.objects.filter(institution__in=[*chain, *premises]).values_list(
            "institution_id", flat=True
        )
    )
    for institution in chain:
        if institution.pk not in existing:
            profile_save(
                institution=institution, by=by, investor_name=INVESTOR_NAME, investor_uscc=investor_uscc()
            )
            made += 1
    # The first one's three rent-free years end within the reminder's 60 days; the second's run on.
    starts = [today - timedelta(days=3 * 365 - 50), today - timedelta(days=400)]
    for institution, start in zip(premises, starts, strict=False):
        if institution.pk not in existing:
            profile_save(
                institution=institution,
                by=by,
                state_premises=True,
                rent_free_from=start,
                premises_note="示例：街道闲置公房改建，免租三年",
            )
            made += 1
    return made


def _birth(group: ClassGroup, start: date) -> date:
    """A birth date that puts the child in the class's age range on the start day."""
    low, _high = AGE_GROUP_MONTHS[group.age_group]
    return start - timedelta(days=int((low + 2) * 30.5))


def _service_type(institution: Institution) -> str | None:
    return next((t for t, name in SERVICE_TYPE_FIELDS.items() if getattr(institution, name, False)), None)


def _enrolments(institution: Institution, by: User, start: date, end: date, today: date) -> int:
    """Three children over the half year in each class with a free place: two through it (one from its
    second month), one who left in its middle. Each is recorded and then ended through bookings'
    services, so the class's places today are as they were."""
    service_type = _service_type(institution)
    if service_type is None:
        return 0
    made = 0
    left_on = min(end + timedelta(days=45), today - timedelta(days=1))
    plans = [
        (start - timedelta(days=20), left_on),
        (start + timedelta(days=40), left_on),
        (start - timedelta(days=20), start + timedelta(days=100)),
    ]
    done = set(
        Enrolment.objects.filter(institution=institution, child__name__startswith=CHILD_PREFIX).values_list(
            "child__name", flat=True
        )
    )
    for group in institution.classes.order_by("pk"):
        for index, (enrolled_on, ended_on) in enumerate(plans, start=1):
            name = f"{CHILD_PREFIX}{group.pk}-{index}"
            if name in done:
                continue
            group.refresh_from_db()
            if group.enrolled >= group.capacity:
                break
            enrolment = booking_services.enrolment_record(
                institution=institution,
                by=by,
                class_group=group,
                child_name=name,
                sex="F" if index % 2 else "M",
                birth_date=_birth(group, enrolled_on),
                service_type=service_type,
                start_date=enrolled_on,
            )
            booking_services.enrolment_end(enrolment=enrolment, by=by, end_date=ended_on, reason="示例：离园")
            made += 1
    return made


def _period(name: str, start: date, end: date, by: User) -> tuple[Period, bool]:
    """The half year, proposed; True when this run proposed it."""
    period = Period.objects.filter(start=start, end=end).first()
    if period is None:
        period = period_create(name=name, start=start, end=end, by=by)
    if period.status != PeriodStatus.OPEN:
        return period, False
    return period_propose(period=period, by=by), True


def _move(
    period: Period, first: Institution, claimants: dict[int, User], manager: User, finance: User, today: date
) -> dict[str, int]:
    """Each of TARGETS once, through the workflow's services, on the period's non-nil proposals: the demo
    operator's demonstration award first, then the investor's entitlements (construction first)."""
    proposed = list(
        Entitlement.objects.filter(
            period=period, status=E.PROPOSED, institution_id__in=list(claimants)
        ).select_related("period", "institution")
    )
    order = {SubsidyKind.DEMONSTRATION: 0, SubsidyKind.CONSTRUCTION: 1, SubsidyKind.OPERATING: 2}
    # The demo operator's operating subsidy waits for its answer.
    proposed = [e for e in proposed if not (e.institution_id == first.pk and e.kind == SubsidyKind.OPERATING)]
    proposed.sort(key=lambda e: (e.institution_id != first.pk, order[e.kind], e.institution_id))
    moved: dict[str, int] = {}
    for entitlement, target in zip(proposed, TARGETS, strict=False):
        claimant = claimants[entitlement.institution_id]
        if target == E.DISPUTED:
            entitlement_dispute(entitlement=entitlement, by=claimant, reason=DISPUTE)
        else:
            entitlement = entitlement_confirm(entitlement=entitlement, by=claimant)
            if target != E.CONFIRMED:
                entitlement = entitlement_review(
                    entitlement=entitlement, by=manager, note="示例：已核对在园记录"
                )
            if target in (E.APPROVED, E.PAID):
                entitlement = entitlement_approve(entitlement=entitlement, by=finance, note="示例：同意拨付")
            if target == E.PAID:
                payment_record(
                    entitlement=entitlement,
                    by=finance,
                    paid_on=today,
                    voucher_number=VOUCHER.format(year=today.year),
                )
        moved[target] = moved.get(target, 0) + 1
    return moved


@transaction.atomic
def seed_subsidies() -> Seeded | None:
    """The demo's subsidies; None when the register's demo and personas are not there yet."""
    operator = User.objects.filter(username="operator").first()
    manager = User.objects.filter(username="hcadmin").first()
    membership = (
        InstitutionMembership.objects.filter(user=operator, institution__is_demo=True)
        .select_related("institution")
        .order_by("institution_id")
        .first()
    )
    department = Department.objects.filter(code=settings.TUOYU_FINANCE_DEPARTMENT_CODE).first()
    if operator is None or manager is None or membership is None or department is None:
        return None
    first = membership.institution
    today = timezone.localdate()
    finance = _account(FINANCE_LOGIN, Role.DEPARTMENT_OFFICER, "示例·区财政局社保科", department=department)
    keeper = _account(CHAIN_LOGIN, Role.INSTITUTION_OPERATOR, "示例·童乐托育投资公司负责人")
    seeded = Seeded()
    seeded.rule_sets = _rules()
    seeded.budgets = _budgets(manager, today)
    chain = _chain(first)
    for institution in chain:
        InstitutionMembership.objects.get_or_create(institution=institution, user=keeper)
    premises = _state_premises({first.pk, *(i.pk for i in chain)})
    seeded.profiles = _profiles(chain, premises, manager, today)
    # The daily job's reminder, once per end date: the premises whose rent-free years end soon are told.
    seeded.reminders = rent_free_reminders_send()
    name, start, end = previous_half_year(today)
    claimants = {first.pk: operator, **{i.pk: keeper for i in chain}}
    if not Period.objects.filter(start=start, end=end).exclude(status=PeriodStatus.OPEN).exists():
        for institution in [first, *chain]:
            if institution.is_puhui:
                seeded.children += _enrolments(institution, claimants[institution.pk], start, end, today)
    seeded.period, proposed_now = _period(name, start, end, manager)
    if proposed_now:
        seeded.moved = _move(seeded.period, first, claimants, manager, finance, today)
    return seeded


def demo_sign_ins() -> list[tuple[str, str, str]]:
    """(who, login, password) for the console: finance and the investor's operator."""
    rows = []
    for username in (FINANCE_LOGIN, CHAIN_LOGIN):
        user = User.objects.filter(username=username).first()
        if user is not None:
            rows.append((user.display_name, username, DEMO_PASSWORD))
    return rows
