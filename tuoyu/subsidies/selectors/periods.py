"""Periods for the commission (and finance, who read): the list with totals, one period's totals by kind
and status, its entitlements filtered, and the lines of its Excel. Another role's period is a 404."""

from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404

from ..models import Entitlement, EntitlementLine, EntitlementStatus, Period, RuleSet, SubsidyKind
from ..money import MoneySum
from . import sees_all_entitlements

ZERO = Decimal("0.00")


def periods_for(user):
    """Every period with its count of entitlements due and their total, for the commission and finance."""
    if not sees_all_entitlements(user):
        return Period.objects.none()
    due = ~Q(entitlements__status=EntitlementStatus.NIL)
    return Period.objects.annotate(
        due_count=Count("entitlements", filter=due),
        due_amount=MoneySum("entitlements__amount", filter=due),
    ).order_by("-start", "-end", "pk")


def period_for(user, pk) -> Period:
    period = periods_for(user).filter(pk=pk).first() if str(pk).isdigit() and int(pk) < 2**31 else None
    if period is None:
        raise Http404
    return period


def period_totals(period: Period) -> dict:
    """{"by_kind": [{kind, label, count, amount}], "by_status": [...], "count", "amount"} of what is due
    (nil entitlements counted apart as `nil_count`), in one query."""
    rows = list(
        Entitlement.objects.filter(period=period)
        .values("kind", "status")
        .annotate(count=Count("pk"), amount=MoneySum("amount"))
        .order_by()
    )
    kinds = {
        k: {"kind": k, "label": str(label), "count": 0, "amount": ZERO} for k, label in SubsidyKind.choices
    }
    statuses = {
        s: {"status": s, "label": str(label), "count": 0, "amount": ZERO}
        for s, label in EntitlementStatus.choices
    }
    count, amount, nil_count = 0, ZERO, 0
    for row in rows:
        statuses[row["status"]]["count"] += row["count"]
        statuses[row["status"]]["amount"] += row["amount"]
        if row["status"] == EntitlementStatus.NIL:
            nil_count += row["count"]
            continue
        kinds[row["kind"]]["count"] += row["count"]
        kinds[row["kind"]]["amount"] += row["amount"]
        count += row["count"]
        amount += row["amount"]
    return {
        "by_kind": list(kinds.values()),
        "by_status": [s for s in statuses.values() if s["count"]],
        "count": count,
        "amount": amount,
        "nil_count": nil_count,
    }


def period_entitlements(period: Period, *, kind: str = "", status: str = ""):
    entitlements = Entitlement.objects.filter(period=period).select_related("institution__unit")
    if kind:
        entitlements = entitlements.filter(kind=kind)
    if status:
        entitlements = entitlements.filter(status=status)
    return entitlements.order_by("institution__name", "institution_id", "kind")


def period_lines(period: Period):
    """Every line of the period, with its entitlement's institution and the child (for the commission's
    Excel only: the one place the children's names are listed)."""
    return (
        EntitlementLine.objects.filter(entitlement__period=period)
        .select_related("entitlement__institution__unit", "child")
        .order_by(
            "entitlement__institution__name", "entitlement__institution_id", "entitlement__kind", "position"
        )
    )


def rule_sets():
    return RuleSet.objects.order_by("-effective_from")
