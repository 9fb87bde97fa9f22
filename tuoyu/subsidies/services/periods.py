"""Periods: create one, propose every institution's entitlements for it, recompute a disputed one,
close it. Each is one transaction under the period's (or the entitlement's) row lock."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.core.notifications import notify_person
from tuoyu.core.statemachine import lock, transition
from tuoyu.institutions.models import InstitutionMembership

from .. import rules
from ..models import (
    Entitlement,
    EntitlementEvent,
    EntitlementLine,
    EntitlementStatus,
    Period,
    PeriodStatus,
)
from ..selectors.compute import compute_period
from ..workflow import ENTITLEMENT_WORKFLOW, PERIOD_WORKFLOW

# Rows per INSERT: one statement of 50,000 lines is slower to build and send than 25 of 2,000.
BULK_BATCH = 2000


def period_create(*, name: str, start: date, end: date, by) -> Period:
    """A new period, open. Refused: no name, the end before the start, a period over two calendar years,
    or one overlapping an existing period: a month's operating subsidy is due in one period only, so a
    district works by half years or by years, never both for the same months (a year proposed after its
    first half would pay January to June twice)."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the period a name.")
    elif len(name) > Period._meta.get_field("name").max_length:
        errors["name"] = _("The name is too long.")
    if start is None or end is None:
        errors["start"] = _("Give the period's first and last day.")
    elif end < start:
        errors["end"] = _("The period ends before it starts.")
    elif start.year != end.year:
        errors["end"] = _("A period lies within one calendar year (a half year or a year).")
    if errors:
        raise ValidationError(errors)
    for other in Period.objects.filter(start__lte=end, end__gte=start).order_by("start")[:1]:
        if other.start == start and other.end == end:
            raise ValidationError(
                {"start": _("A period with these dates exists: %(name)s.") % {"name": other.name}}
            )
        raise ValidationError(
            {
                "start": _("The period overlaps %(name)s: each month is paid in one period only.")
                % {"name": other.name}
            }
        )
    try:
        with transaction.atomic():
            return Period.objects.create(name=name, start=start, end=end, created_by=by)
    except IntegrityError as exc:  # the same dates, created meanwhile
        raise ValidationError({"start": _("A period with these dates exists.")}, code="duplicate") from exc


def _rows(entitlement: Entitlement, computed: rules.ComputedEntitlement) -> list[EntitlementLine]:
    return [
        EntitlementLine(
            entitlement=entitlement,
            position=position,
            kind=line.kind,
            child_id=line.child_id,
            age_group=line.age_group,
            months=line.months,
            rate=line.rate,
            rule_set_id=line.rule_set_id,
            adjusted_period_id=line.adjusted_period_id,
            amount=line.amount,
            reason=line.reason,
            params=line.params,
        )
        for position, line in enumerate(computed.lines, start=1)
    ]


def _notify_due(period: Period, due: dict[int, Decimal]) -> None:
    """Tell each institution with something due, once, with its total (the lines are on its page)."""
    people = defaultdict(list)
    for membership in InstitutionMembership.objects.filter(
        institution_id__in=list(due), user__is_active=True
    ).select_related("user", "institution"):
        people[membership.institution_id].append(membership.user)
    for institution_id, total in due.items():
        body = _(
            "Subsidies for %(period)s are proposed: %(amount)s yuan in all. Open them on the platform, "
            "see how each amount was computed, and confirm or dispute them."
        ) % {"period": period.name, "amount": f"{total:,}"}
        for person in people.get(institution_id, []):
            notify_person(person, subject=_("Subsidies proposed"), body=body)


def period_propose(*, period: Period, by) -> Period:
    """Compute and save every institution's entitlements for an open period (proposed, or nil for a zero
    with its reason), write an event for each, move the period to proposed and tell each institution
    with something due — all in one transaction, under the period's lock. Proposing twice is refused."""
    with transaction.atomic():
        period = lock(PERIOD_WORKFLOW, period)
        if period.status != PeriodStatus.OPEN:
            raise ValidationError(_("This period has already been proposed."), code="status")
        computed = compute_period(period)
        now = timezone.now()
        entitlements = Entitlement.objects.bulk_create(
            [
                Entitlement(
                    period=period,
                    institution_id=item.institution_id,
                    kind=item.kind,
                    amount=item.amount,
                    status=EntitlementStatus.PROPOSED if item.amount > 0 else EntitlementStatus.NIL,
                    nil_reason=item.nil_reason if item.amount == 0 else "",
                    investor_uscc=item.investor_uscc,
                    computed_at=now,
                )
                for item in computed
            ],
            batch_size=BULK_BATCH,
        )
        EntitlementLine.objects.bulk_create(
            [
                row
                for entitlement, item in zip(entitlements, computed, strict=True)
                for row in _rows(entitlement, item)
            ],
            batch_size=BULK_BATCH,
        )
        # The proposal is each entitlement's first status: its event says so ("" → status, by whom).
        EntitlementEvent.objects.bulk_create(
            [
                EntitlementEvent(entitlement=e, from_status="", to_status=e.status, by=by)
                for e in entitlements
            ],
            batch_size=BULK_BATCH,
        )
        due: dict[int, Decimal] = defaultdict(Decimal)
        for entitlement in entitlements:
            if entitlement.amount > 0:
                due[entitlement.institution_id] += entitlement.amount
        _notify_due(period, due)
        return transition(
            PERIOD_WORKFLOW, period, PeriodStatus.PROPOSED, by=by, changes={"proposed_at": now}, locked=True
        )


def entitlement_recompute(*, entitlement: Entitlement, by, note: str = "") -> Entitlement:
    """A disputed entitlement computed again from today's records (after a correction), back to proposed
    with fresh lines. The old lines go: a disputed entitlement was never approved or paid."""
    with transaction.atomic():
        entitlement = lock(ENTITLEMENT_WORKFLOW, entitlement)
        if entitlement.status != EntitlementStatus.DISPUTED:
            raise ValidationError(_("Only a disputed entitlement is computed again."), code="status")
        period = entitlement.period
        fresh = [
            item
            for item in compute_period(period, institution_ids=[entitlement.institution_id])
            if item.kind == entitlement.kind
        ]
        if not fresh:  # the institution is no longer considered (not filed): nothing is due
            item = rules.ComputedEntitlement(
                institution_id=entitlement.institution_id,
                kind=entitlement.kind,
                amount=rules.ZERO,
                lines=(
                    rules.ComputedLine(kind=rules.NIL, amount=rules.ZERO, reason=rules.NilReason.NOT_FILED),
                ),
                nil_reason=rules.NilReason.NOT_FILED,
            )
        else:
            item = fresh[0]
        entitlement.lines.all().delete()
        EntitlementLine.objects.bulk_create(_rows(entitlement, item))
        return transition(
            ENTITLEMENT_WORKFLOW,
            entitlement,
            EntitlementStatus.PROPOSED,
            by=by,
            note=note,
            changes={
                "amount": item.amount,
                "nil_reason": item.nil_reason if item.amount == 0 else "",
                "investor_uscc": item.investor_uscc,
                "computed_at": timezone.now(),
                "dispute_reason": entitlement.dispute_reason,
            },
            locked=True,
        )


def period_close(*, period: Period, by, note: str = "") -> Period:
    """A proposed period closed: nothing more is proposed in it."""
    return transition(PERIOD_WORKFLOW, period, PeriodStatus.CLOSED, by=by, note=note)
