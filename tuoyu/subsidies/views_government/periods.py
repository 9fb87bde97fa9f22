"""The commission's periods: the list with a form to create one, a period's totals and entitlements
(filtered by kind and status) with the button that proposes it, its Excel (every entitlement, and every
line with its explanation and the child's name: the one place the commission sees the names together),
and the rules page (the versions, their rates, the part-month and rounding rules). Finance reads the
periods; a new rule version is added in the Django admin."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.accounts.services import export_record
from tuoyu.core.access import role_required
from tuoyu.core.excel import new_workbook, workbook_bytes
from tuoyu.core.forms import add_service_errors
from tuoyu.core.http import query_without_page

from .. import rules
from ..forms.periods import PeriodFilterForm, PeriodForm
from ..models import PeriodStatus
from ..selectors.periods import (
    period_entitlements,
    period_for,
    period_lines,
    period_totals,
    periods_for,
    rule_sets,
)
from ..services.periods import period_create, period_propose

MANAGERS = capabilities.SUBSIDY_MANAGERS
READERS = capabilities.SUBSIDY_MANAGERS | capabilities.SUBSIDY_APPROVERS
PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _render_periods(request, form, *, status=200):
    return render(
        request,
        "subsidies/periods.html",
        {
            "periods": periods_for(request.user),
            "form": form,
            "manages": capabilities.can_manage_subsidies(request.user),
        },
        status=status,
    )


@role_required(*READERS, write=MANAGERS)
def periods(request):
    # Department officers other than finance hold finance's role: periods_for shows them an empty list.
    if request.method != "POST":
        return _render_periods(request, PeriodForm())
    form = PeriodForm(request.POST)
    if form.is_valid():
        try:
            period = period_create(**form.cleaned_data, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="name")
        else:
            messages.success(request, _("Period %(name)s created.") % {"name": period.name})
            return redirect("subsidies:period", pk=period.pk)
    return _render_periods(request, form, status=400)


@role_required(*READERS)
def period(request, pk: int):
    period = period_for(request.user, pk)
    form = PeriodFilterForm(request.GET or None)
    entitlements = period_entitlements(period, **form.filters())
    page = Paginator(entitlements, PAGE_SIZE).get_page(request.GET.get("page"))
    for entitlement in page:
        entitlement.nil_reason_label = _nil_label(entitlement.nil_reason)
    return render(
        request,
        "subsidies/period.html",
        {
            "period": period,
            "totals": period_totals(period),
            "form": form,
            "page": page,
            "filter_query": query_without_page(request),
            "manages": capabilities.can_manage_subsidies(request.user),
            "may_propose": capabilities.can_manage_subsidies(request.user)
            and period.status == PeriodStatus.OPEN,
            "rounding_rule": rules.explain_rule(),
        },
    )


@require_POST
@role_required(*MANAGERS)
def period_propose_view(request, pk: int):
    period = period_for(request.user, pk)
    try:
        period = period_propose(period=period, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The period's entitlements are proposed and the institutions told."))
    return redirect("subsidies:period", pk=period.pk)


def _nil_label(reason: str) -> str:
    return str(rules.NilReason(reason).label) if reason in rules.NilReason.values else ""


def _entitlement_headers() -> list[str]:
    return [
        _("Institution"),
        _("Street or town"),
        _("Kind"),
        _("Amount (yuan)"),
        _("Status"),
        _("Why nothing is due"),
    ]


def _line_headers() -> list[str]:
    return [
        _("Institution"),
        _("Kind"),
        _("Line"),
        _("Child"),
        _("Class"),
        _("Months"),
        _("Rate per year (yuan)"),
        _("Amount (yuan)"),
        _("Explanation"),
    ]


@role_required(*MANAGERS)
def period_xlsx(request, pk: int):
    period = period_for(request.user, pk)
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = _("Entitlements")[:31]
    sheet.append(_entitlement_headers())
    for e in period_entitlements(period).iterator(chunk_size=2000):
        sheet.append(
            [
                e.institution.name,
                e.institution.unit.name,
                e.get_kind_display(),
                e.amount,  # a Decimal: Excel keeps it a number, to the fen
                e.get_status_display(),
                _nil_label(e.nil_reason),
            ]
        )
    lines = workbook.create_sheet(_("Lines")[:31])
    lines.append(_line_headers())
    # Only the commission downloads it (finance reads the page): the children are named, so the download
    # is a personal-data export, logged like the others.
    rows = 0
    for line in period_lines(period).iterator(chunk_size=2000):
        rows += 1
        lines.append(
            [
                line.entitlement.institution.name,
                line.entitlement.get_kind_display(),
                line.position,
                line.child.name if line.child_id else "",
                rules.age_group_label(line.age_group) if line.age_group else "",
                line.months,
                line.rate,
                line.amount,
                rules.explain(line),
            ]
        )
    lines.append([])
    lines.append([rules.explain_rule()])
    export_record(user=request.user, export="subsidy_lines", rows=rows, filters=period.name, request=request)
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''subsidy-period-{period.pk}.xlsx"
    return response


@role_required(*capabilities.SUBSIDY_VIEWERS)
def rules_page(request):
    versions = list(rule_sets())
    for version in versions:
        version.part_month_rule = rules.explain_part_month(version.count_day)
    return render(
        request,
        "subsidies/rules.html",
        {
            "versions": versions,
            "rounding_rule": rules.explain_rule(),
            "may_edit": request.user.is_staff and capabilities.can_manage_subsidies(request.user),
        },
    )
