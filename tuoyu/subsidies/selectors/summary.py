"""What was proposed, approved and paid against the year's budget, per kind and per street or town (the
dashboard, its Excel and the summary API), and what was paid to whom (the public list, 公开).

A period belongs to the year it starts in. The figures of an entitlement:
- proposed: every entitlement with something due (a "nil" zero is no proposal), whatever became of it;
- approved: approved by finance, paid or not yet (statuses approved and paid);
- paid: the ledger's payments.
The share of the budget used is approved ÷ budget (what is committed), and paid ÷ budget beside it.

Aggregated in the database: the dashboard is four queries and the public list one, whatever the rows.
Amounts only, never a child.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.db.models.functions import ExtractYear

from tuoyu.institutions.models import Institution

from ..models import Budget, Entitlement, EntitlementStatus, Payment, Period, SubsidyKind
from ..money import MoneySum
from .compute import compute_period

ZERO = Decimal("0.00")
APPROVED = (EntitlementStatus.APPROVED, EntitlementStatus.PAID)
KINDS = tuple(SubsidyKind.values)
KIND_LABELS = dict(SubsidyKind.choices)


def share(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """Per cent with one decimal; None without a budget (no share, rather than a division by zero)."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Amounts:
    proposed: Decimal = ZERO
    approved: Decimal = ZERO
    paid: Decimal = ZERO

    def add(self, other: "Amounts") -> None:
        self.proposed += other.proposed
        self.approved += other.approved
        self.paid += other.paid


@dataclass
class UnitAmounts:
    unit_id: int
    name: str
    total: Amounts = field(default_factory=Amounts)
    by_kind: dict[str, Amounts] = field(default_factory=lambda: {kind: Amounts() for kind in KINDS})


@dataclass
class Dashboard:
    year: int
    budget: Budget | None
    total: Amounts
    by_kind: dict[str, Amounts]
    units: list[UnitAmounts]  # by name

    @property
    def budget_amount(self) -> Decimal | None:
        return self.budget.amount if self.budget else None

    @property
    def approved_share(self) -> Decimal | None:
        return share(self.total.approved, self.budget_amount)

    @property
    def paid_share(self) -> Decimal | None:
        return share(self.total.paid, self.budget_amount)

    @property
    def left(self) -> Decimal | None:
        """What the budget has left after what was approved (negative: over budget)."""
        return None if self.budget is None else self.budget.amount - self.total.approved

    @property
    def kind_rows(self) -> list[tuple[str, str, Amounts]]:
        return [(kind, KIND_LABELS[kind], self.by_kind[kind]) for kind in KINDS]


def _sum(expression, condition=None):
    return MoneySum(expression, filter=condition)


def years() -> list[int]:
    """The years that have a period or a budget, newest first (two queries)."""
    found = set(Period.objects.annotate(y=ExtractYear("start")).values_list("y", flat=True).distinct())
    found |= set(Budget.objects.values_list("year", flat=True))
    return sorted(found, reverse=True)


def dashboard(year: int) -> Dashboard:
    """The year's budget and its amounts per kind and per street or town: two queries."""
    budget = Budget.objects.filter(year=year).first()
    rows = (
        Entitlement.objects.filter(period__start__year=year)
        .order_by()
        .values("kind", "institution__unit_id", "institution__unit__name")
        .annotate(
            proposed=_sum("amount", ~Q(status=EntitlementStatus.NIL)),
            approved=_sum("amount", Q(status__in=APPROVED)),
            paid=_sum("payment__amount"),
        )
    )
    total = Amounts()
    by_kind = {kind: Amounts() for kind in KINDS}
    units: dict[int, UnitAmounts] = {}
    for row in rows:
        amounts = Amounts(row["proposed"], row["approved"], row["paid"])
        total.add(amounts)
        by_kind.setdefault(row["kind"], Amounts()).add(amounts)
        unit = units.setdefault(
            row["institution__unit_id"],
            UnitAmounts(unit_id=row["institution__unit_id"], name=row["institution__unit__name"]),
        )
        unit.total.add(amounts)
        unit.by_kind.setdefault(row["kind"], Amounts()).add(amounts)
    return Dashboard(
        year=year,
        budget=budget,
        total=total,
        by_kind=by_kind,
        units=sorted(units.values(), key=lambda u: (u.name, u.unit_id)),
    )


def public_payments(year: int | None = None):
    """What was paid, summed by year (the period's), kind and institution, with the street or town: one
    query of plain rows (dicts), the newest year first, then by street or town and name. Never a child:
    the rows are read from the ledger's totals, not from an entitlement's lines."""
    qs = Payment.objects.all()
    if year is not None:
        qs = qs.filter(entitlement__period__start__year=year)
    return (
        qs.annotate(year=ExtractYear("entitlement__period__start"))
        .order_by()
        .values(
            "year",
            "entitlement__kind",
            "entitlement__institution_id",
            "entitlement__institution__name",
            "entitlement__institution__unit_id",
            "entitlement__institution__unit__name",
        )
        .annotate(amount=MoneySum("amount"))
        .order_by(
            "-year",
            "entitlement__institution__unit__name",
            "entitlement__institution__name",
            "entitlement__institution_id",
            "entitlement__kind",
        )
    )


def public_rows(year: int | None = None) -> list[dict]:
    """public_payments as the page, the Excel and the API show them."""
    return [
        {
            "year": row["year"],
            "kind": row["entitlement__kind"],
            "kind_label": KIND_LABELS.get(row["entitlement__kind"], row["entitlement__kind"]),
            "institution_id": row["entitlement__institution_id"],
            "institution_name": row["entitlement__institution__name"],
            "unit_id": row["entitlement__institution__unit_id"],
            "unit_name": row["entitlement__institution__unit__name"],
            "amount": row["amount"],
        }
        for row in public_payments(year)
    ]


def paid_years() -> list[int]:
    """The years something was paid for, newest first (one query)."""
    return sorted(
        set(
            Payment.objects.annotate(y=ExtractYear("entitlement__period__start"))
            .values_list("y", flat=True)
            .distinct()
        ),
        reverse=True,
    )


# --- what-if ---
# The same computation as a proposal (selectors/compute.py), once with the rules on record and once with
# an unsaved rule set in force over the whole period; adjustments of earlier periods are left out of both,
# so the difference is the rates' alone. Nothing is written.


@dataclass
class Compared:
    current: Decimal = ZERO
    whatif: Decimal = ZERO

    @property
    def difference(self) -> Decimal:
        return self.whatif - self.current


@dataclass
class WhatIfRow:
    institution_id: int
    name: str
    unit_name: str
    amounts: Compared


@dataclass
class WhatIf:
    period: Period
    budget: Budget | None
    total: Compared
    by_kind: dict[str, Compared]
    units: list[tuple[str, Compared]]  # by name
    institutions: list[WhatIfRow]  # the largest rise first

    @property
    def kind_rows(self) -> list[tuple[str, str, Compared]]:
        return [(kind, KIND_LABELS[kind], self.by_kind[kind]) for kind in KINDS]

    @property
    def budget_amount(self) -> Decimal | None:
        return self.budget.amount if self.budget else None

    @property
    def left_current(self) -> Decimal | None:
        return None if self.budget is None else self.budget.amount - self.total.current

    @property
    def left_whatif(self) -> Decimal | None:
        return None if self.budget is None else self.budget.amount - self.total.whatif


def whatif(period: Period, rule_set) -> WhatIf:
    """Compare the period's entitlements under the rules on record and under `rule_set` (unsaved, in force
    from the period's start): per kind, per street or town, per institution, against the year's budget."""
    current = compute_period(period, include_adjustments=False)
    changed = compute_period(period, rule_sets=[rule_set], include_adjustments=False)
    by_kind = {kind: Compared() for kind in KINDS}
    by_institution: dict[int, Compared] = {}
    total = Compared()
    for side, results in (("current", current), ("whatif", changed)):
        for entitlement in results:
            amount = entitlement.amount
            compared = by_institution.setdefault(entitlement.institution_id, Compared())
            for target in (compared, by_kind.setdefault(entitlement.kind, Compared()), total):
                setattr(target, side, getattr(target, side) + amount)
    institutions = (
        Institution.objects.filter(pk__in=list(by_institution))
        .select_related("unit")
        .only("pk", "name", "unit__name")
    )
    rows = []
    units: dict[str, Compared] = {}
    for institution in institutions:
        compared = by_institution[institution.pk]
        rows.append(WhatIfRow(institution.pk, institution.name, institution.unit.name, compared))
        unit = units.setdefault(institution.unit.name, Compared())
        unit.current += compared.current
        unit.whatif += compared.whatif
    rows.sort(key=lambda r: (-r.amounts.difference, -r.amounts.whatif, r.name, r.institution_id))
    return WhatIf(
        period=period,
        budget=Budget.objects.filter(year=period.start.year).first(),
        total=total,
        by_kind=by_kind,
        units=sorted(units.items()),
        institutions=rows,
    )
