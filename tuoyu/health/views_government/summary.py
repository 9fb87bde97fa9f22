"""Officials' summary of child health (医育结合): `/health/summary/` records opened and complete (the
e-health-record rate, indicator 8), checks done, vaccination gaps, growth flags by kind and open alerts,
per institution, per street or town and for the district, with Excel for the maternal and child health
hospital (the guidance centre).

Counts only, never a child: no name, no record. A street or town officer sees their own unit only. Every
number comes from `selectors.summary.summary` (the same reading as the indicator's sources), read in a fixed
number of queries whatever the institutions and children.
"""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.excel import xlsx_response
from tuoyu.core.workdays import beijing_today
from tuoyu.regions.models import Unit

from ..selectors.summary import CHECK_DAYS, FLAG_KINDS, FLAG_LABELS, Summary, summary, unit_for

GRASSROOTS = (Unit.Level.STREET, Unit.Level.TOWN, Unit.Level.TOWNSHIP)
PAGE_INSTITUTIONS = 300  # a district's whole register fits; a city's is asked street by street


class UnitFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Street or town"),
        required=False,
        queryset=Unit.objects.filter(level__in=GRASSROOTS).order_by("path"),
        empty_label=gettext_lazy("All"),
    )


def summary_for(request) -> tuple[UnitFilterForm, Summary | None]:
    """The form and the summary the person may see (None: a street officer without a unit sees nothing).
    A unit that is not a street or town is ignored, as the form's choices say: the district is shown."""
    form = UnitFilterForm(request.GET)
    chosen = form.cleaned_data.get("unit") if form.is_valid() else None
    unit, allowed = unit_for(request.user, chosen)
    if not allowed:
        return form, None
    return form, summary(unit, on=beijing_today())


def _total_name(found: Summary) -> str:
    return found.unit.name if found.unit else _("The district")


@role_required(*capabilities.HEALTH_SUMMARY_VIEWERS)
@require_safe  # a read: any other method is a 405
def summary_page(request):
    form, found = summary_for(request)
    # A city's thousands of institutions make a page of megabytes that takes seconds to render and no phone
    # wants (bench/health_summary.py: 2,878 rows, 1.8 MB): past PAGE_INSTITUTIONS the page shows the streets
    # and towns and asks for one; the Excel always holds every institution.
    institutions = found.institutions if found else []
    too_many = len(institutions) > PAGE_INSTITUTIONS
    return render(
        request,
        "health/summary.html",
        {
            "form": form,
            "summary": found,
            "institutions": [] if too_many else institutions,
            "too_many": too_many,
            "on": found.on if found else beijing_today(),
            "total_name": _total_name(found) if found else "",
            "check_days": CHECK_DAYS,
            "street_officer": capabilities.is_street_officer(request.user),
            "query": request.GET.urlencode(),
        },
    )


def headers() -> list[str]:
    return [
        _("Institution"),
        _("Street or town"),
        _("Enrolled children"),
        _("Records opened"),
        _("Complete records"),
        _("Complete record rate (%)"),
        _("Check entries in the last %(days)s days") % {"days": CHECK_DAYS},
        _("Vaccination gaps"),
        *[str(FLAG_LABELS[kind]) for kind in FLAG_KINDS],
        _("Alerts open"),
    ]


def figures_row(first: str, second: str, f) -> list:
    return [
        first,
        second,
        f.enrolled,
        f.records,
        f.complete,
        f.rate,
        f.checks,
        f.vaccination_gaps,
        *[f.flags[kind] for kind in FLAG_KINDS],
        f.alerts_open,
    ]


@role_required(*capabilities.HEALTH_SUMMARY_VIEWERS)
@require_safe
def summary_xlsx(request):
    _form, found = summary_for(request)
    on = found.on if found else beijing_today()
    data = []
    if found is not None:
        for institution, f in found.institutions:
            data.append(figures_row(institution.name, institution.unit.name, f))
        for f in found.units:
            data.append(figures_row(_("Total"), f.name, f))
        data.append(figures_row(_("Total"), _total_name(found), found.total))
    return xlsx_response(
        filename=f"child-health-{on:%Y%m%d}.xlsx",
        sheet=_("Child health"),
        headers=headers(),
        rows=data,
        note=_(
            "As on %(date)s. Complete record rate = enrolled children whose record has the entry check, the "
            "vaccination certificate check and a growth measurement ÷ enrolled children. Growth flags: the "
            "latest measurement of each child. Counts only, never a child."
        )
        % {"date": on.isoformat()},
    )
