"""The subsidies' workflows, declared once; services move a status with core.statemachine.transition.

- A period: open → proposed (every institution's entitlements computed) → closed.
- An entitlement: proposed → confirmed or disputed (the institution); disputed → proposed (recomputed
  after a correction of the records) or reviewed (the commission answers the dispute); confirmed →
  reviewed (the commission); reviewed → approved (finance, who cannot change the amount); approved → paid
  (finance records the payment). "nil" (nothing due) is a proposal's zero, kept for its reason, final.
"""

from tuoyu.core.statemachine import Action, Workflow, event_writer

from .models import Entitlement, EntitlementEvent, EntitlementStatus, Period, PeriodEvent, PeriodStatus

P = PeriodStatus

PERIOD_TRANSITIONS: dict[str, frozenset[str]] = {
    P.OPEN: frozenset({P.PROPOSED}),
    P.PROPOSED: frozenset({P.CLOSED}),
    P.CLOSED: frozenset(),
}

PERIOD_WORKFLOW = Workflow(
    model=Period,
    transitions=PERIOD_TRANSITIONS,
    record=event_writer(PeriodEvent, "period"),
)

E = EntitlementStatus

ENTITLEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    E.NIL: frozenset(),
    E.PROPOSED: frozenset({E.CONFIRMED, E.DISPUTED}),
    E.DISPUTED: frozenset({E.PROPOSED, E.REVIEWED}),
    E.CONFIRMED: frozenset({E.REVIEWED}),
    E.REVIEWED: frozenset({E.APPROVED}),
    E.APPROVED: frozenset({E.PAID}),
    E.PAID: frozenset(),
}


def _claims(user, entitlement: Entitlement) -> bool:
    from .selectors import may_claim

    return may_claim(user, entitlement)


def _manages(user, entitlement: Entitlement) -> bool:
    from tuoyu.accounts import capabilities

    return capabilities.can_manage_subsidies(user)


def _finance(user, entitlement: Entitlement) -> bool:
    from .selectors import is_finance_officer

    return is_finance_officer(user)


ENTITLEMENT_WORKFLOW = Workflow(
    model=Entitlement,
    transitions=ENTITLEMENT_TRANSITIONS,
    record=event_writer(EntitlementEvent, "entitlement"),
    actions=(
        Action("confirm", E.CONFIRMED, may=_claims),
        Action("dispute", E.DISPUTED, may=_claims),
        Action("recompute", E.PROPOSED, may=_manages),
        Action("review", E.REVIEWED, may=_manages),
        Action("approve", E.APPROVED, may=_finance),
        Action("pay", E.PAID, may=_finance),
    ),
)
