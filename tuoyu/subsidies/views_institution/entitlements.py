"""An entitlement's pages, one set for everyone who handles it: the institution's operators (their own,
the children named), the commission and finance (every entitlement; finance sees the children masked).
Which entitlements a person may open is selectors.entitlements_for; another's is a 404.

The page shows the amount, the explanation line by line (rules.explain, the same words as the notice PDF
and the Excel), the reason for a zero, the rounding rule and the timeline, with a form for each action
ENTITLEMENT_WORKFLOW.allowed_actions offers the person now. Each action is a POST to its own route that
calls its service; a refusal is shown on the page (400, or 409 when the status no longer allows it).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors
from tuoyu.core.statemachine import REFUSED_CODE
from tuoyu.institutions.selectors import institutions_of

from ..forms.entitlements import ConfirmForm, DisputeForm, NoteForm, PaymentForm
from ..notice import notice_pdf
from ..selectors.entitlements import (
    awaits_institution,
    entitlement_events,
    entitlement_for,
    entitlements_listed,
    explain_rule,
    explained_lines,
    next_step,
    nil_reason_label,
    payment_of,
    sees_child_names,
)
from ..services.entitlements import (
    entitlement_approve,
    entitlement_confirm,
    entitlement_dispute,
    entitlement_review,
)
from ..services.payments import payment_record
from ..workflow import ENTITLEMENT_WORKFLOW

CLAIMANTS = capabilities.SUBSIDY_CLAIMANTS
MANAGERS = capabilities.SUBSIDY_MANAGERS
APPROVERS = capabilities.SUBSIDY_APPROVERS
# Who may knock on an entitlement's page; which one they may open is entitlements_for.
READERS = CLAIMANTS | MANAGERS | APPROVERS

# The forms of the page, by action: (prefix, form class).
FORMS = {
    "confirm": ("confirm", ConfirmForm),
    "dispute": ("dispute", DisputeForm),
    "recompute": ("recompute", NoteForm),
    "review": ("review", NoteForm),
    "approve": ("approve", NoteForm),
    "pay": ("pay", PaymentForm),
}


@role_required(*CLAIMANTS)
def mine(request):
    """The operator's entitlements, newest period first, with whose turn it is."""
    entitlements = list(entitlements_listed(request.user))
    for entitlement in entitlements:
        entitlement.next_step = next_step(entitlement)
        entitlement.awaits_us = awaits_institution(entitlement)
    return render(
        request,
        "subsidies/mine.html",
        {
            "entitlements": entitlements,
            "institutions": list(institutions_of(request.user).order_by("name")),
            "waiting": sum(1 for e in entitlements if e.awaits_us),
        },
    )


def _render(request, entitlement, *, status: int = 200, failed: tuple[str, object] | None = None):
    forms = {action: form_class(prefix=prefix) for action, (prefix, form_class) in FORMS.items()}
    if failed:
        forms[failed[0]] = failed[1]
    names = sees_child_names(request.user)
    lines = explained_lines(entitlement, names=names)
    return render(
        request,
        "subsidies/entitlement.html",
        {
            "e": entitlement,
            "lines": lines,
            "names": names,
            "with_children": any(line.child_id for line in lines),
            "nil_reason": nil_reason_label(entitlement),
            "rounding_rule": explain_rule(),
            "events": entitlement_events(entitlement),
            "payment": payment_of(entitlement),
            "actions": ENTITLEMENT_WORKFLOW.allowed_actions(entitlement, request.user),
            "forms": forms,
        },
        status=status,
    )


@role_required(*READERS)
def entitlement(request, pk: int):
    return _render(request, entitlement_for(request.user, pk))


def _act(request, pk: int, *, action: str, act, done: str):
    """One POST of the page: the action's form, then its service, then back to the page."""
    found = entitlement_for(request.user, pk)
    prefix, form_class = FORMS[action]
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            act(found, form.cleaned_data)
        except ValidationError as exc:
            # A message about the whole (a refused status) goes on the form, one about a field on the field.
            add_service_errors(form, exc)
            codes = {getattr(exc, "code", None)} | {
                e.code for errors in getattr(exc, "error_dict", {}).values() for e in errors
            }
            conflict = bool(codes & {REFUSED_CODE, "duplicate", "status"})
            return _render(
                request,
                entitlement_for(request.user, pk),
                status=409 if conflict else 400,
                failed=(action, form),
            )
        messages.success(request, done)
        return redirect("subsidies:entitlement", pk=pk)
    return _render(request, found, status=400, failed=(action, form))


@require_POST
@role_required(*CLAIMANTS)
def entitlement_confirm_view(request, pk: int):
    return _act(
        request,
        pk,
        action="confirm",
        act=lambda e, data: entitlement_confirm(entitlement=e, by=request.user),
        done=_("You confirmed the entitlement."),
    )


@require_POST
@role_required(*CLAIMANTS)
def entitlement_dispute_view(request, pk: int):
    return _act(
        request,
        pk,
        action="dispute",
        act=lambda e, data: entitlement_dispute(entitlement=e, by=request.user, reason=data["reason"]),
        done=_("Your dispute was sent to the health commission."),
    )


@require_POST
@role_required(*MANAGERS)
def entitlement_review_view(request, pk: int):
    return _act(
        request,
        pk,
        action="review",
        act=lambda e, data: entitlement_review(entitlement=e, by=request.user, note=data["note"]),
        done=_("The entitlement is reviewed and goes to finance."),
    )


@require_POST
@role_required(*MANAGERS)
def entitlement_recompute_view(request, pk: int):
    # The computation is the periods' service (engine's), the same that proposed the period.
    from ..services.periods import entitlement_recompute

    return _act(
        request,
        pk,
        action="recompute",
        act=lambda e, data: entitlement_recompute(entitlement=e, by=request.user, note=data["note"]),
        done=_("The entitlement was recomputed from the records and proposed again."),
    )


@require_POST
@role_required(*APPROVERS)
def entitlement_approve_view(request, pk: int):
    # Only the note is read: an amount posted with it is not a field of the form and changes nothing.
    return _act(
        request,
        pk,
        action="approve",
        act=lambda e, data: entitlement_approve(entitlement=e, by=request.user, note=data["note"]),
        done=_("The entitlement is approved."),
    )


@require_POST
@role_required(*APPROVERS)
def entitlement_pay_view(request, pk: int):
    return _act(
        request,
        pk,
        action="pay",
        act=lambda e, data: payment_record(
            entitlement=e, by=request.user, paid_on=data["paid_on"], voucher_number=data["voucher_number"]
        ),
        done=_("The payment is in the ledger."),
    )


@role_required(*READERS)
def entitlement_notice(request, pk: int):
    """The notice (补贴核定通知) as a PDF: the same explanation as the page."""
    found = entitlement_for(request.user, pk)
    pdf = notice_pdf(found, names=sees_child_names(request.user))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="subsidy-notice-{found.pk}.pdf"'
    return response
