"""§13's lists for the offices that act on them, each with Excel (every official reads; the commission
keeps the profiles behind them, linked from each row):

- /subsidies/lists/utilities/: filed 普惠 institutions, entitled to residential prices for water,
  electricity and gas (for the water, power and gas companies);
- /subsidies/lists/rent-free/: institutions on state-owned premises with their rent-free years (for the
  state-asset office, 区国资委), the soonest to end first.
"""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.excel import xlsx_response
from tuoyu.core.workdays import beijing_today

from ..selectors.lists import rent_free_list, utilities_list

VIEWERS = capabilities.SUBSIDY_VIEWERS


@role_required(*VIEWERS)
@require_safe
def utilities(request):
    return render(
        request,
        "subsidies/lists_utilities.html",
        {
            "institutions": list(utilities_list()),
            "manages": capabilities.can_manage_subsidies(request.user),
            "on": beijing_today(),
        },
    )


@role_required(*VIEWERS)
@require_safe
def utilities_xlsx(request):
    on = beijing_today()
    return xlsx_response(
        filename=f"puhui-utilities-{on:%Y%m%d}.xlsx",
        sheet=_("Residential utility prices"),
        headers=[
            _("Institution"),
            _("Street or town"),
            _("Address"),
            _("Filing number"),
            _("Filed on"),
            _("Unified social credit code"),
        ],
        rows=(
            [i.name, i.unit.name, i.address, i.filing_number, i.filed_on, i.uscc] for i in utilities_list()
        ),
        note=_(
            "As on %(date)s: filed inclusive (普惠) institutions, entitled to residential prices for water, "
            "electricity and gas."
        )
        % {"date": on.isoformat()},
    )


@role_required(*VIEWERS)
@require_safe
def rent_free(request):
    on = beijing_today()
    return render(
        request,
        "subsidies/lists_rent_free.html",
        {"rows": rent_free_list(on=on), "manages": capabilities.can_manage_subsidies(request.user), "on": on},
    )


@role_required(*VIEWERS)
@require_safe
def rent_free_xlsx(request):
    on = beijing_today()
    return xlsx_response(
        filename=f"rent-free-{on:%Y%m%d}.xlsx",
        sheet=_("Rent-free premises"),
        headers=[
            _("Institution"),
            _("Street or town"),
            _("Address"),
            _("Premises"),
            _("Rent-free from"),
            _("Rent-free until"),
            _("Days left"),
            _("Inclusive (普惠)"),
        ],
        rows=(
            [
                r.institution.name,
                r.institution.unit.name,
                r.institution.address,
                r.profile.premises_note,
                r.starts_on,
                r.ends_on,
                r.days_left,
                _("Yes") if r.puhui else _("No: the rent-free years are for inclusive service"),
            ]
            for r in rent_free_list(on=on)
        ),
        note=_(
            "As on %(date)s: institutions on state-owned premises. The last rent-free day is the day before the "
            "start's anniversary; a negative number of days left means the years have ended."
        )
        % {"date": on.isoformat()},
    )
