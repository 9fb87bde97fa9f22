"""The ledger: finance records that an approved entitlement was paid, with the day and the voucher number
(凭证号). The Payment row and the move to "paid" are one transaction under the entitlement's lock, so two
clerks recording the same payment at once write one row: the second finds it paid and is refused. The
amount paid is the entitlement's, never typed in.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.core.statemachine import transition
from tuoyu.core.workdays import SHANGHAI, beijing_today

from ..models import EntitlementEvent, EntitlementStatus, Payment
from ..selectors import is_finance_officer
from ..workflow import ENTITLEMENT_WORKFLOW
from .entitlements import _locked, tell_claimants

VOUCHER_MAX = Payment._meta.get_field("voucher_number").max_length


def _approved_on(entitlement) -> date | None:
    """The day (Beijing time) finance approved the entitlement: the latest approval on its timeline."""
    event = (
        EntitlementEvent.objects.filter(entitlement=entitlement, to_status=EntitlementStatus.APPROVED)
        .order_by("-at", "-id")
        .first()
    )
    return timezone.localdate(event.at, timezone=SHANGHAI) if event else None


def _duplicate_voucher() -> ValidationError:
    # The code sits on the field's message, where the API looks for a conflict (a 409, not a 400).
    return ValidationError(
        {
            "voucher_number": [
                ValidationError(_("This voucher number is already in the ledger."), code="duplicate")
            ]
        }
    )


@transaction.atomic
def payment_record(*, entitlement, by, paid_on: date, voucher_number: str) -> Payment:
    """Record the payment of an approved entitlement: approved → paid and the ledger's row, or nothing."""
    if not is_finance_officer(by):
        raise PermissionDenied
    voucher_number = (voucher_number or "").strip()
    errors: dict[str, list[str]] = {}
    if not voucher_number:
        errors["voucher_number"] = [_("Enter the voucher number.")]
    elif len(voucher_number) > VOUCHER_MAX:
        errors["voucher_number"] = [
            _("Keep the voucher number under %(max)s characters.") % {"max": VOUCHER_MAX}
        ]
    if not isinstance(paid_on, date):
        errors["paid_on"] = [_("Enter the day it was paid.")]
    elif paid_on > beijing_today():
        errors["paid_on"] = [_("The day it was paid cannot be in the future.")]
    if errors:
        raise ValidationError(errors, code="invalid")

    current = _locked(entitlement, EntitlementStatus.PAID)
    approved_on = _approved_on(current)
    if approved_on and paid_on < approved_on:
        raise ValidationError(
            {
                "paid_on": [
                    _("The day it was paid cannot be before the approval (%(day)s).")
                    % {"day": approved_on.isoformat()}
                ]
            },
            code="invalid",
        )
    if current.amount <= 0:
        # An adjustment that recovers an overpayment can leave nothing to pay: there is no payment to record.
        raise ValidationError(
            _("Nothing is due on this entitlement, so there is no payment to record."), code="status"
        )
    if Payment.objects.filter(voucher_number=voucher_number).exists():
        raise _duplicate_voucher()
    try:
        # The unique voucher number is the last guard: two payments of two entitlements with one voucher
        # at the same instant both pass the check above; the database refuses the second.
        with transaction.atomic():
            payment = Payment.objects.create(
                entitlement=current,
                amount=current.amount,
                paid_on=paid_on,
                voucher_number=voucher_number,
                recorded_by=by,
            )
    except IntegrityError as exc:
        raise _duplicate_voucher() from exc
    note = _("Voucher %(voucher)s, paid on %(day)s") % {"voucher": voucher_number, "day": paid_on.isoformat()}
    paid = transition(ENTITLEMENT_WORKFLOW, current, EntitlementStatus.PAID, by=by, note=note, locked=True)
    tell_claimants(
        paid,
        subject=_("Your subsidy was paid"),
        body=_("%(period)s %(kind)s: %(amount)s yuan paid on %(day)s (voucher %(voucher)s).")
        % {
            "period": paid.period.name,
            "kind": paid.get_kind_display(),
            "amount": paid.amount,
            "day": paid_on.isoformat(),
            "voucher": voucher_number,
        },
    )
    return payment
