"""Officials' pages of the workforce: `/workforce/` the certified rate (indicator 9) and ratio compliance per
institution, per street or town and for the district, with Excel; `/workforce/flags/` the people behind
the flags (one person at two institutions, unsuitable carers), for the health commission only, with Excel
recorded as a personal export.

Every official sees counts, never a person: a street or town officer their own unit only. Every number
comes from `selectors.compliance.staffing_of` (the same rules as the operator's page, the public page and
the inspection's carer-ratio item), read in a fixed number of queries whatever the institutions.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.accounts import capabilities
from tuoyu.accounts.services import export_record
from tuoyu.core.access import role_required
from tuoyu.core.excel import xlsx_response
from tuoyu.core.workdays import beijing_today
from tuoyu.institutions.models import Institution, InstitutionStatus
from tuoyu.regions.models import Unit

from .. import rules
from ..models import Post, StaffMember
from ..selectors.compliance import (
    DUAL_EMPLOYMENT,
    NO_BACKGROUND_CHECK,
    NO_HEALTH_CHECK,
    staffing_of,
)

ON_REGISTER = (InstitutionStatus.FILED, InstitutionStatus.SUSPENDED)
GRASSROOTS = (Unit.Level.STREET, Unit.Level.TOWN, Unit.Level.TOWNSHIP)


class UnitFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Street or town"),
        required=False,
        queryset=Unit.objects.filter(level__in=GRASSROOTS).order_by("path"),
        empty_label=gettext_lazy("All"),
    )


@dataclass
class Totals:
    """Sums over a street or town, or the district: counts, never a person."""

    name: str
    unit_id: int | None = None
    institutions: int = 0
    reporting: int = 0  # with staff on file
    carers: int = 0
    health_staff: int = 0
    certified: int = 0
    certifiable: int = 0
    classes: int = 0
    classes_met: int = 0
    institutions_all_met: int = 0
    flags: dict = field(default_factory=dict)

    @property
    def certified_rate(self) -> Decimal | None:
        return rules.certified_rate(self.certified, self.certifiable)

    def add(self, staffing) -> None:
        self.institutions += 1
        if not staffing.has_staff:
            return
        self.reporting += 1
        self.carers += staffing.carers
        self.health_staff += staffing.health_staff
        self.certified += staffing.certified
        self.certifiable += staffing.certifiable
        known = [c for c in staffing.classes if c.met is not None]
        self.classes += len(known)
        self.classes_met += sum(1 for c in known if c.met)
        self.institutions_all_met += staffing.all_classes_met is True


def _scope(user, unit: Unit | None):
    """The institutions on the register the user may count: a street or town officer's unit only; the
    other officials the district, or the street or town they chose."""
    qs = Institution.objects.filter(status__in=ON_REGISTER)
    if capabilities.is_street_officer(user):
        if not user.unit_id:
            return qs.none(), user.unit
        unit = user.unit
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs, unit


def _overview(request):
    form = UnitFilterForm(request.GET)
    chosen = form.cleaned_data.get("unit") if form.is_valid() else None
    institutions_qs, unit = _scope(request.user, chosen)
    on = beijing_today()
    institutions = list(
        institutions_qs.select_related("unit").only("pk", "name", "unit", "unit__name").order_by("name", "pk")
    )
    staffing = staffing_of([i.pk for i in institutions], on=on)
    total = Totals(name=unit.name if unit else _("The district"), unit_id=unit.pk if unit else None)
    by_unit: dict[int, Totals] = {}
    rows = []
    for institution in institutions:
        found = staffing[institution.pk]
        total.add(found)
        part = by_unit.setdefault(
            institution.unit_id, Totals(name=institution.unit.name, unit_id=institution.unit_id)
        )
        part.add(found)
        rows.append((institution, found))
    units = sorted(by_unit.values(), key=lambda t: t.name)
    return form, on, total, units, rows


@role_required(*capabilities.WORKFORCE_VIEWERS)
def overview(request):
    form, on, total, units, rows = _overview(request)
    return render(
        request,
        "workforce/government/overview.html",
        {
            "form": form,
            "on": on,
            "total": total,
            "units": units,
            "rows": rows,
            "street_officer": capabilities.is_street_officer(request.user),
            "may_see_flags": capabilities.can_oversee_workforce(request.user),
            "query": request.GET.urlencode(),
        },
    )


def _yes_no(value) -> str:
    if value is None:
        return "—"
    return _("Yes") if value else _("No")


@role_required(*capabilities.WORKFORCE_VIEWERS)
def overview_xlsx(request):
    form, on, total, units, rows = _overview(request)
    headers = [
        _("Institution"),
        _("Street or town"),
        _("Carers counted"),
        _("Health staff"),
        _("Certified"),
        _("Posts needing a certificate"),
        _("Certified rate (%)"),
        _("Classes meeting the ratio"),
        _("Classes"),
        _("Every class meets its ratio"),
        _("Health staff enough"),
    ]
    data = []
    for institution, s in rows:
        if not s.has_staff:
            data.append([institution.name, institution.unit.name, _("No staff on file")] + [None] * 8)
            continue
        known = [c for c in s.classes if c.met is not None]
        data.append(
            [
                institution.name,
                institution.unit.name,
                s.carers,
                s.health_staff,
                s.certified,
                s.certifiable,
                s.certified_rate,
                sum(1 for c in known if c.met),
                len(known),
                _yes_no(s.all_classes_met),
                _yes_no(s.health_met),
            ]
        )
    for t in [*units, total]:
        data.append(
            [
                _("Total"),
                t.name,
                t.carers,
                t.health_staff,
                t.certified,
                t.certifiable,
                t.certified_rate,
                t.classes_met,
                t.classes,
                f"{t.institutions_all_met}/{t.reporting}",
                None,
            ]
        )
    return xlsx_response(
        filename=f"workforce-{on:%Y%m%d}.xlsx",
        sheet=_("Workforce"),
        headers=headers,
        rows=data,
        note=_("As on %(date)s. Certified rate = certified ÷ staff in posts that need a certificate.")
        % {"date": on.isoformat()},
    )


# --- the flags: people, for the commission only ---------------------------------------------------


@dataclass
class DualEmployment:
    """One person active at two or more institutions: their rows, earliest start first (the one that
    counts)."""

    name: str
    masked_id_number: str
    rows: list  # [(institution name, street or town, started_on, counts)]


def _flags(on):
    ids = list(
        StaffMember.objects.filter(started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .filter(institution__status__in=ON_REGISTER)
        .order_by()
        .values_list("institution_id", flat=True)
        .distinct()
    )
    staffing = staffing_of(ids, on=on)
    wanted: dict[int, set[str]] = defaultdict(set)
    for found in staffing.values():
        for flag in found.flags:
            if flag.kind in (DUAL_EMPLOYMENT, NO_HEALTH_CHECK, NO_BACKGROUND_CHECK):
                wanted[flag.staff_id].add(flag.kind)
    staff = {
        s.pk: s
        for s in StaffMember.objects.filter(pk__in=list(wanted))
        .select_related("institution__unit")
        .order_by("name", "started_on", "pk")
    }
    dual: dict[str, DualEmployment] = {}
    unsuitable = []
    for staff_id, kinds in wanted.items():
        member = staff.get(staff_id)
        if member is None:
            continue
        if DUAL_EMPLOYMENT in kinds:
            entry = dual.setdefault(
                member.id_number_index, DualEmployment(member.name, member.masked_id_number, rows=[])
            )
            entry.rows.append(member)
        if member.post == Post.CARER and kinds & {NO_HEALTH_CHECK, NO_BACKGROUND_CHECK}:
            unsuitable.append((member, sorted(kinds - {DUAL_EMPLOYMENT})))
    for entry in dual.values():
        entry.rows.sort(key=lambda m: (m.started_on, m.pk))
    people = sorted(dual.values(), key=lambda e: (e.name, e.masked_id_number))
    unsuitable.sort(key=lambda pair: (pair[0].institution.name, pair[0].name, pair[0].pk))
    return people, unsuitable


FLAG_LABELS = {
    NO_HEALTH_CHECK: gettext_lazy("No valid health certificate or health check"),
    NO_BACKGROUND_CHECK: gettext_lazy("No background check (入职查询) on file"),
}


@role_required(*capabilities.WORKFORCE_OVERSEERS)
def flags(request):
    on = beijing_today()
    people, unsuitable = _flags(on)
    return render(
        request,
        "workforce/government/flags.html",
        {
            "on": on,
            "people": people,
            "unsuitable": [(m, [FLAG_LABELS[k] for k in kinds]) for m, kinds in unsuitable],
        },
    )


@role_required(*capabilities.WORKFORCE_OVERSEERS)
def flags_xlsx(request):
    on = beijing_today()
    people, unsuitable = _flags(on)
    data = []
    for person in people:
        for index, member in enumerate(person.rows):
            data.append(
                [
                    _("Employed at two institutions"),
                    person.name,
                    person.masked_id_number,
                    member.institution.name,
                    member.institution.unit.name,
                    member.started_on,
                    _("Counted here") if index == 0 else _("Not counted here"),
                ]
            )
    for member, kinds in unsuitable:
        data.append(
            [
                _("Unsuitable carer"),
                member.name,
                member.masked_id_number,
                member.institution.name,
                member.institution.unit.name,
                member.started_on,
                "；".join(str(FLAG_LABELS[k]) for k in kinds),
            ]
        )
    response = xlsx_response(
        filename=f"workforce-flags-{on:%Y%m%d}.xlsx",
        sheet=_("Workforce flags"),
        headers=[
            _("Flag"),
            _("Name"),
            _("ID number"),
            _("Institution"),
            _("Street or town"),
            _("Employed from"),
            _("Detail"),
        ],
        rows=data,
    )
    # Names make this a personal-data export (accounts.services.PERSONAL_EXPORTS).
    export_record(user=request.user, export="workforce_flags", rows=len(data), request=request)
    return response
