"""The ledger (拨付台账): every payment with its day, voucher number, institution, period, kind and amount,
filtered by the year paid, the period and the kind, with the total; and the same rows as Excel.
Finance and the commission see every payment, an operator their own institutions' (payments_for);
another department's officer sees an empty ledger."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.excel import xlsx_response
from tuoyu.core.http import query_without_page
from tuoyu.core.workdays import beijing_today

from ..forms.entitlements import LedgerFilterForm
from ..selectors.entitlements import ledger, ledger_years, totals

READERS = capabilities.SUBSIDY_MANAGERS | capabilities.SUBSIDY_APPROVERS | capabilities.SUBSIDY_CLAIMANTS
PAGE_SIZE = 100


def _filtered(request):
    form = LedgerFilterForm(request.GET or None, years=ledger_years(request.user))
    return form, ledger(request.user, **form.filters())


@role_required(*READERS)
def ledger_page(request):
    form, payments = _filtered(request)
    page = Paginator(payments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "subsidies/ledger.html",
        {
            "form": form,
            "page": page,
            "totals": totals(payments),
            "filter_query": query_without_page(request),
        },
    )


def headers() -> list[str]:
    return [
        _("Paid on"),
        _("Voucher number"),
        _("Institution"),
        _("Street or town"),
        _("Subsidy period"),
        _("Kind"),
        _("Amount (yuan)"),
    ]


@role_required(*READERS)
def ledger_xlsx(request):
    _form, payments = _filtered(request)
    rows = [
        [
            p.paid_on,
            p.voucher_number,
            p.entitlement.institution.name,
            p.entitlement.institution.unit.name if p.entitlement.institution.unit_id else "",
            p.entitlement.period.name,
            p.entitlement.get_kind_display(),
            p.amount,  # a Decimal: Excel keeps it a number, to the fen
        ]
        for p in payments.iterator(chunk_size=2000)
    ]
    found = totals(payments)
    rows.append(["", "", _("Total"), "", "", "", found.amount])
    return xlsx_response(
        filename=f"subsidy-ledger-{beijing_today():%Y%m%d}.xlsx",
        sheet=_("Payment ledger"),
        headers=headers(),
        rows=rows,
        note=_("%(count)s payments. Amounts in yuan.") % {"count": found.count},
    )
