"""Finance's queue (and the commission's view of it): the entitlements reviewed and waiting for approval,
and those approved and waiting for the payment to be recorded, each with its count and total. Which
entitlements are listed is selectors.entitlements_for: another department's officer sees an empty queue.
"""

from django.shortcuts import render

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required

from ..selectors.entitlements import awaiting_approval, awaiting_payment, totals

VIEWERS = capabilities.SUBSIDY_MANAGERS | capabilities.SUBSIDY_APPROVERS
# A queue longer than this is worked from the top; the totals always cover the whole queue.
LIMIT = 500


@role_required(*VIEWERS)
def approvals(request):
    to_approve = awaiting_approval(request.user)
    to_pay = awaiting_payment(request.user)
    return render(
        request,
        "subsidies/approvals.html",
        {
            "to_approve": list(to_approve.select_related("institution__unit")[:LIMIT]),
            "to_pay": list(to_pay.select_related("institution__unit")[:LIMIT]),
            "approve_totals": totals(to_approve),
            "pay_totals": totals(to_pay),
            "limit": LIMIT,
        },
    )
