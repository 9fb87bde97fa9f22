"""A period's entitlements computed from the records: the facts read in a fixed number of queries per
batch of institutions (never per child), handed to the pure rules (rules.py). Writes nothing, so the
what-if calls it with unsaved RuleSets and services/periods.py saves what it returns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from tuoyu.bookings.models import Enrolment
from tuoyu.grading.models import DemonstrationLevel, DemonstrationUnit
from tuoyu.inspections.models import Suspension
from tuoyu.institutions.models import Institution

from .. import rules
from ..models import Entitlement, EntitlementLine, EntitlementStatus, LineKind, RuleSet, SubsidyKind
from ..money import MoneySum

BATCH_SIZE = 500
# The queries one batch issues, whatever its rows: paid operating entitlements, adjustment lines,
# once-ever grants, enrolments, suspensions, demonstration titles. docs/performance.md reports it.
QUERIES_PER_BATCH = 6


def period_facts(period) -> rules.PeriodFacts:
    return rules.PeriodFacts(id=period.pk, name=str(period.name), start=period.start, end=period.end)


def period_institutions(period, *, institution_ids: Iterable[int] | None = None):
    """The institutions a period considers: filed on or before its end and not deregistered before its
    start, and those with a paid operating entitlement of an earlier period (a deregistration recorded
    afterwards may still owe an adjustment)."""
    paid_earlier = Entitlement.objects.filter(
        kind=SubsidyKind.OPERATING, status=EntitlementStatus.PAID, period__start__lt=period.start
    ).values("institution_id")
    institutions = Institution.objects.filter(
        Q(filed_on__isnull=False, filed_on__lte=period.end)
        & (Q(deregistered_on__isnull=True) | Q(deregistered_on__gte=period.start) | Q(pk__in=paid_earlier))
    )
    if institution_ids is not None:
        institutions = institutions.filter(pk__in=list(institution_ids))
    return institutions.order_by("name", "pk")


def _base_facts(period, institution_ids) -> list[rules.InstitutionFacts]:
    rows = period_institutions(period, institution_ids=institution_ids).values_list(
        "pk",
        "name",
        "is_puhui",
        "filed_on",
        "deregistered_on",
        "capacity_total",
        "subsidy_profile__investor_uscc",
    )
    return [
        rules.InstitutionFacts(
            id=pk,
            name=name,
            is_puhui=is_puhui,
            filed_on=filed_on,
            deregistered_on=deregistered_on,
            capacity_total=capacity_total,
            investor_uscc=uscc or "",
        )
        for pk, name, is_puhui, filed_on, deregistered_on, capacity_total, uscc in rows
    ]


def _history(period, ids: list[int], usccs: set[str]):
    """The once-ever grants of other periods and this batch's paid operating entitlements (3 queries).
    `ids` are sorted: rows are asked by the range of ids (a long IN list costs more to send than the rows
    of the few institutions in the range that are not in the batch)."""
    lo, hi = ids[0], ids[-1]
    other = Entitlement.objects.exclude(status=EntitlementStatus.NIL)
    if period.pk is not None:
        other = other.exclude(period_id=period.pk)
    construction_institutions, construction_investors = set(), set()
    demonstration_titles = set()
    grants = other.filter(
        Q(kind=SubsidyKind.CONSTRUCTION, institution_id__gte=lo, institution_id__lte=hi)
        | Q(kind=SubsidyKind.CONSTRUCTION, investor_uscc__in=sorted(u for u in usccs if u))
        | Q(kind=SubsidyKind.DEMONSTRATION, institution_id__gte=lo, institution_id__lte=hi)
    ).values_list("kind", "institution_id", "investor_uscc", "period__end")
    for kind, institution_id, uscc, end in grants:
        if kind == SubsidyKind.CONSTRUCTION:
            construction_institutions.add(institution_id)
            if uscc:
                construction_investors.add(uscc)
        else:
            demonstration_titles.add((institution_id, end.year))

    paid = (
        Entitlement.objects.filter(
            kind=SubsidyKind.OPERATING,
            status=EntitlementStatus.PAID,
            institution_id__gte=lo,
            institution_id__lte=hi,
            period__start__lt=period.start,
        )
        .annotate(child_sum=MoneySum("lines__amount", filter=Q(lines__kind=LineKind.CHILD)))
        .values_list(
            "institution_id", "period_id", "period__name", "period__start", "period__end", "child_sum"
        )
    )
    paid = list(paid)
    earlier: dict[tuple[int, int], Decimal] = {}
    # Always asked, even when nothing was paid, so every batch costs the same queries.
    adjustments = EntitlementLine.objects.filter(
        kind=LineKind.ADJUSTMENT,
        entitlement__kind=SubsidyKind.OPERATING,
        entitlement__institution_id__gte=lo,
        entitlement__institution_id__lte=hi,
    )
    if period.pk is not None:
        adjustments = adjustments.exclude(entitlement__period_id=period.pk)
    for institution_id, period_id, total in adjustments.values_list(
        "entitlement__institution_id", "adjusted_period_id"
    ).annotate(total=MoneySum("amount")):
        earlier[(institution_id, period_id)] = total
    paid_operating: dict[int, list[rules.PaidOperating]] = defaultdict(list)
    for institution_id, period_id, name, start, end, child_sum in paid:
        paid_operating[institution_id].append(
            rules.PaidOperating(
                period=rules.PeriodFacts(id=period_id, name=name, start=start, end=end),
                paid=child_sum or rules.ZERO,
                earlier_adjustments=earlier.get((institution_id, period_id), rules.ZERO),
            )
        )
    return rules.History(
        construction_institutions=frozenset(construction_institutions),
        construction_investors=frozenset(construction_investors),
        demonstration_titles=frozenset(demonstration_titles),
        paid_operating={k: tuple(v) for k, v in paid_operating.items()},
    )


def _batch_facts(period, batch: list[rules.InstitutionFacts], history: rules.History):
    """Enrolments, suspensions and titles of one batch (3 queries), from the earliest period the
    adjustments recompute to the period's end."""
    ids = [inst.id for inst in batch]  # sorted: asked by their range, as in _history
    lo, hi = ids[0], ids[-1]
    since = min([period.start] + [p.period.start for i in ids for p in history.paid_operating.get(i, ())])
    enrolments = defaultdict(list)
    for institution_id, child_id, age_group, start, end in Enrolment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=since),
        institution_id__gte=lo,
        institution_id__lte=hi,
        start_date__lte=period.end,
    ).values_list("institution_id", "child_id", "class_group__age_group", "start_date", "end_date"):
        enrolments[institution_id].append(rules.EnrolmentFact(child_id, age_group, start, end))
    suspensions = defaultdict(list)
    for institution_id, starts_on, lifted_at in Suspension.objects.filter(
        Q(lifted_at__isnull=True) | Q(lifted_at__date__gte=since),
        institution_id__gte=lo,
        institution_id__lte=hi,
        starts_on__lte=period.end,
    ).values_list("institution_id", "starts_on", "lifted_at"):
        lifted_on = timezone.localdate(lifted_at) if lifted_at else None
        suspensions[institution_id].append((starts_on, lifted_on))
    titles = defaultdict(list)
    for institution_id, year in DemonstrationUnit.objects.filter(
        institution_id__gte=lo,
        institution_id__lte=hi,
        level=DemonstrationLevel.MUNICIPAL,
        year=period.end.year,
    ).values_list("institution_id", "year"):
        titles[institution_id].append(year)
    return [
        rules.InstitutionFacts(
            **{
                **inst.__dict__,
                "enrolments": tuple(enrolments.get(inst.id, ())),
                "suspensions": tuple(suspensions.get(inst.id, ())),
                "municipal_titles": tuple(titles.get(inst.id, ())),
            }
        )
        for inst in batch
    ]


def compute_period(
    period,
    *,
    rule_sets: Sequence | None = None,
    institution_ids: Iterable[int] | None = None,
    include_adjustments: bool = True,
    batch_size: int = BATCH_SIZE,
) -> list[rules.ComputedEntitlement]:
    """Every considered institution's three entitlements for `period` (operating, construction,
    demonstration, in the institutions' name order). `rule_sets` replaces the saved versions (unsaved
    RuleSet instances are fine: nothing is written). Queries: the rule sets (unless given) and the
    institutions once, then QUERIES_PER_BATCH per batch of `batch_size` institutions."""
    if rule_sets is None:
        rule_sets = list(RuleSet.objects.all())
    rule_sets = sorted(rule_sets, key=lambda r: r.effective_from)
    facts = period_facts(period)
    institutions = _base_facts(period, institution_ids)
    # A chain's members may fall in other batches: the rule sees every member of the investor.
    by_investor = defaultdict(list)
    for inst in institutions:
        if inst.investor_uscc:
            by_investor[inst.investor_uscc].append(inst)
    # Batches of consecutive ids, so each query asks for a range; the answer keeps the name order.
    by_id = sorted(institutions, key=lambda inst: inst.id)
    computed: dict[int, list[rules.ComputedEntitlement]] = {}
    for offset in range(0, len(by_id), batch_size):
        batch = by_id[offset : offset + batch_size]
        ids = [inst.id for inst in batch]
        history = _history(period, ids, {inst.investor_uscc for inst in batch})
        for inst in _batch_facts(period, batch, history):
            computed[inst.id] = rules.compute_institution(
                inst,
                facts,
                rule_sets,
                chain_members=by_investor.get(inst.investor_uscc, ()),
                history=history,
                include_adjustments=include_adjustments,
            )
    return [item for inst in institutions for item in computed[inst.id]]
