"""What happens to an entitlement after it is proposed: the institution confirms or disputes it, the
commission reviews it (answering a dispute), finance approves it. Payment is services/payments.py.

Each service is one transaction: the entitlement's row is locked, the guard checked under the lock, the
status moved through core.statemachine.transition (ENTITLEMENT_WORKFLOW), which writes the event row (who,
from, to, when, note) that the entitlement's page shows as its timeline. Nothing here takes an amount:
finance approves what the rules computed and cannot edit it (a wrong amount is disputed and recomputed).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.core.notifications import notify_person
from tuoyu.core.statemachine import lock, refuse, transition
from tuoyu.institutions.models import InstitutionMembership

from ..models import Entitlement, EntitlementStatus
from ..selectors import is_finance_officer, may_claim
from ..workflow import ENTITLEMENT_WORKFLOW

E = EntitlementStatus

REASON_MIN = 5
REASON_MAX = 1000
NOTE_MAX = 1000


def claimants_of(institution_id: int) -> list:
    """The operators who answer for the institution's subsidies, told by the outbox."""
    return [
        m.user
        for m in InstitutionMembership.objects.filter(
            institution_id=institution_id,
            user__is_active=True,
            user__role__in=capabilities.SUBSIDY_CLAIMANTS,
        )
        .select_related("user")
        .order_by("user_id")
    ]


def tell_claimants(entitlement: Entitlement, *, subject: str, body: str) -> None:
    """Outbox rows in the caller's transaction: a refused change leaves no message behind."""
    for person in claimants_of(entitlement.institution_id):
        notify_person(person, subject=subject, body=body)


def _locked(entitlement: Entitlement, to: str) -> Entitlement:
    """The row under its lock, refused at once when its status (as it is now, not as the caller read it)
    does not lead to `to`: two approvals at once, the second sees the first's status and is refused."""
    current = lock(ENTITLEMENT_WORKFLOW, entitlement)
    if not ENTITLEMENT_WORKFLOW.can(current.status, to):
        raise refuse(current.status, to, model=Entitlement)
    return current


def _note(value: str | None, *, field: str = "note") -> str:
    value = (value or "").strip()
    if len(value) > NOTE_MAX:
        raise ValidationError(
            {field: [_("Keep it under %(max)s characters.") % {"max": NOTE_MAX}]}, code="max_length"
        )
    return value


@transaction.atomic
def entitlement_confirm(*, entitlement: Entitlement, by) -> Entitlement:
    """The institution agrees with the proposal and its explanation."""
    if not may_claim(by, entitlement):
        raise PermissionDenied
    current = _locked(entitlement, E.CONFIRMED)
    return transition(ENTITLEMENT_WORKFLOW, current, E.CONFIRMED, by=by, locked=True)


@transaction.atomic
def entitlement_dispute(*, entitlement: Entitlement, by, reason: str) -> Entitlement:
    """The institution disagrees, saying why (a child missing, a month wrong …): the commission answers
    it by a review, or corrects the records and recomputes."""
    if not may_claim(by, entitlement):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise ValidationError(
            {"reason": [_("Say what is wrong, in at least %(min)s characters.") % {"min": REASON_MIN}]},
            code="required",
        )
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": [_("Keep the reason under %(max)s characters.") % {"max": REASON_MAX}]},
            code="max_length",
        )
    current = _locked(entitlement, E.DISPUTED)
    return transition(
        ENTITLEMENT_WORKFLOW,
        current,
        E.DISPUTED,
        by=by,
        note=reason,
        changes={"dispute_reason": reason},
        locked=True,
    )


@transaction.atomic
def entitlement_review(*, entitlement: Entitlement, by, note: str = "") -> Entitlement:
    """The commission has checked the entitlement and sends it to finance. A disputed one needs a note
    that answers the dispute, and the institution is told the answer."""
    if not capabilities.can_manage_subsidies(by):
        raise PermissionDenied
    note = _note(note)
    current = _locked(entitlement, E.REVIEWED)
    was_disputed = current.status == E.DISPUTED
    if was_disputed and not note:
        raise ValidationError({"note": [_("Answer the institution's dispute in the note.")]}, code="required")
    reviewed = transition(ENTITLEMENT_WORKFLOW, current, E.REVIEWED, by=by, note=note, locked=True)
    if was_disputed:
        facts = {
            "period": reviewed.period.name,
            "kind": reviewed.get_kind_display(),
            "amount": reviewed.amount,
            "note": note,
        }
        tell_claimants(
            reviewed,
            subject=_("Your subsidy dispute was answered"),
            body=_(
                "%(period)s %(kind)s: the health commission answered your dispute and kept %(amount)s yuan: "
                "%(note)s"
            )
            % facts,
        )
    return reviewed


@transaction.atomic
def entitlement_approve(*, entitlement: Entitlement, by, note: str = "") -> Entitlement:
    """Finance approves the reviewed amount as it is: there is no amount to pass, so none can be changed."""
    if not is_finance_officer(by):
        raise PermissionDenied
    note = _note(note)
    current = _locked(entitlement, E.APPROVED)
    return transition(ENTITLEMENT_WORKFLOW, current, E.APPROVED, by=by, note=note, locked=True)
