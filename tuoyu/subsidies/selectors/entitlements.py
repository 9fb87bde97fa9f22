"""Entitlements, approvals and the ledger as their readers see them, built on the object rules of
selectors/__init__.py (entitlements_for, payments_for): one entitlement with its explanation line by line
and its timeline, an operator's list, finance's queues, the ledger with its totals. Fixed queries whatever
the rows.

Children's names: the institution and the commission see them; finance sees them masked (张*明), because
it approves the basis of an amount, not the child.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts import capabilities

from .. import rules
from ..models import Entitlement, EntitlementEvent, EntitlementLine, EntitlementStatus, Payment, SubsidyKind
from ..money import MoneySum
from . import entitlements_for, is_finance_officer, payments_for

E = EntitlementStatus
ZERO = Decimal("0.00")

# Who acts next, by status: the words of an operator's list ("what to do next"). What a person may do is
# still ENTITLEMENT_WORKFLOW.allowed_actions; this only names whose turn it is.
NEXT_STEP = {
    E.NIL: _("Nothing is due: the reason is on the entitlement."),
    E.PROPOSED: _("Check the explanation, then confirm or dispute it."),
    E.DISPUTED: _("The health commission answers your dispute."),
    E.CONFIRMED: _("The health commission reviews it."),
    E.REVIEWED: _("Finance approves it."),
    E.APPROVED: _("Finance pays it."),
    E.PAID: _("Paid."),
}


def next_step(entitlement: Entitlement) -> str:
    return str(NEXT_STEP.get(entitlement.status, ""))


def awaits_institution(entitlement: Entitlement) -> bool:
    """The operator's turn: the proposal can still be confirmed or disputed (the workflow's table)."""
    from ..workflow import ENTITLEMENT_WORKFLOW

    return ENTITLEMENT_WORKFLOW.can(entitlement.status, E.CONFIRMED)


def entitlement_for(user, pk: int) -> Entitlement:
    """One entitlement this person may open, or 404 (never 403: ids cannot be probed)."""
    entitlement = entitlements_for(user).select_related("institution__unit").filter(pk=pk).first()
    if entitlement is None:
        raise Http404
    return entitlement


def sees_child_names(user) -> bool:
    """The institution's operators and the commission see children's names; finance sees them masked."""
    return not is_finance_officer(user) and (
        capabilities.can_manage_subsidies(user) or capabilities.claims_subsidies(user)
    )


def mask_name(name: str) -> str:
    """张*明, 李*, 欧阳**华: the first and the last character, the rest starred."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def explain(line: EntitlementLine) -> str:
    """The line's words, from the rules (the same in the page, the PDF notice and the Excel)."""
    return str(rules.explain(line))


def nil_reason_label(entitlement: Entitlement) -> str:
    """Why nothing is due, in words (rules.NilReason); blank when something is."""
    reason = entitlement.nil_reason
    if not reason:
        return ""
    return str(rules.NilReason(reason).label) if reason in rules.NilReason.values else reason


def explain_rule() -> str:
    """How amounts are rounded, stated once under every explanation."""
    return str(rules.explain_rule())


def explained_lines(entitlement: Entitlement, *, names: bool) -> list[EntitlementLine]:
    """The entitlement's lines in order, each with `explanation` (the words) and `child_label` (the
    child's name, masked without `names`); one query."""
    lines = list(
        EntitlementLine.objects.filter(entitlement=entitlement)
        .select_related("child", "rule_set", "adjusted_period")
        .order_by("position")
    )
    for line in lines:
        child = line.child
        line.child_label = "" if child is None else (child.name if names else mask_name(child.name))
        line.explanation = explain(line)
    return lines


def entitlement_events(entitlement: Entitlement) -> list[EntitlementEvent]:
    """The timeline, oldest first, with who acted; one query."""
    return list(entitlement.events.select_related("by").order_by("at", "id"))


def payment_of(entitlement: Entitlement) -> Payment | None:
    return Payment.objects.select_related("recorded_by").filter(entitlement=entitlement).first()


def entitlements_listed(
    user, *, period=None, institution=None, kind: str = "", status: str = ""
) -> QuerySet[Entitlement]:
    """The entitlements a person may see, newest period first; the filters narrow them (an unknown kind or
    status: none)."""
    found = entitlements_for(user).select_related("institution__unit")
    if period is not None:
        found = found.filter(period=period)
    if institution is not None:
        found = found.filter(institution=institution)
    if kind:
        found = found.filter(kind=kind) if kind in SubsidyKind.values else found.none()
    if status:
        found = found.filter(status=status) if status in E.values else found.none()
    return found.order_by("-period__start", "institution__name", "kind", "pk")


@dataclass(frozen=True)
class Totals:
    count: int
    amount: Decimal


def totals(queryset) -> Totals:
    """How many and how much, summed in the database (one query)."""
    found = queryset.order_by().aggregate(n=Count("pk"), total=MoneySum("amount"))
    return Totals(count=found["n"] or 0, amount=found["total"] or ZERO)


def awaiting_approval(user) -> QuerySet[Entitlement]:
    """Reviewed by the commission, waiting for finance's approval."""
    return (
        entitlements_for(user).filter(status=E.REVIEWED).order_by("period__start", "institution__name", "pk")
    )


def awaiting_payment(user) -> QuerySet[Entitlement]:
    """Approved by finance, waiting for the payment to be recorded."""
    return (
        entitlements_for(user).filter(status=E.APPROVED).order_by("period__start", "institution__name", "pk")
    )


def ledger(user, *, year: int | None = None, period=None, kind: str = "") -> QuerySet[Payment]:
    """The payments a person may see (payments_for), newest first, by the year paid, the period and kind."""
    found = payments_for(user).select_related("entitlement__institution__unit")
    if year is not None:
        found = found.filter(paid_on__year=year)
    if period is not None:
        found = found.filter(entitlement__period=period)
    if kind:
        found = found.filter(entitlement__kind=kind) if kind in SubsidyKind.values else found.none()
    return found.order_by("-paid_on", "-pk")


def ledger_years(user) -> list[int]:
    """The years with a payment this person may see, newest first (for the filter)."""
    return sorted({d.year for d in payments_for(user).order_by().dates("paid_on", "year")}, reverse=True)
