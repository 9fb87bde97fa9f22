"""Pages for government staff: the register as Excel."""

from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.excel import xlsx_response

from .selectors import register_for_export


@role_required(*capabilities.GOVERNMENT)
def export_register(request):
    """The whole register, every status, as Excel for officials (a street officer gets their unit only)."""
    rows = register_for_export(
        unit=request.user.unit if capabilities.is_street_officer(request.user) else None
    )
    headers = [
        _("Name"),
        _("Street or town"),
        _("Type"),
        _("Ownership"),
        _("Inclusive (普惠)"),
        _("Status"),
        _("Filing number"),
        _("Filed on"),
        _("Unified social credit code"),
        _("Address"),
        _("Places"),
        _("Enrolled"),
        _("Free places"),
        _("Monthly fee from"),
        _("Latitude (WGS-84)"),
        _("Longitude (WGS-84)"),
        _("Synthetic demo record"),
    ]
    yes, no = _("yes"), _("no")
    data = (
        [
            r.name,
            r.unit.name,
            r.get_type_display(),
            r.get_ownership_display(),
            yes if r.is_puhui else no,
            r.get_status_display(),
            r.filing_number,
            r.filed_on,
            r.uscc,
            r.address,
            r.capacity_total,
            r.enrolled_total,
            r.vacancies,
            float(r.fee_from) if r.fee_from is not None else None,
            r.lat,
            r.lng,
            yes if r.is_demo else no,
        ]
        for r in rows
    )
    filename = quote(f"{_('Childcare register')}-{timezone.localdate():%Y%m%d}.xlsx")
    return xlsx_response(filename=filename, sheet=str(_("Childcare register")), headers=headers, rows=data)
