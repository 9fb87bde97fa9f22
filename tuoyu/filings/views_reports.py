"""Semester reports (§14): kindergartens with 托班 send them; the education office and the health
commission read them, filter them and download them as Excel. Rules live in reports.py."""

from itertools import chain
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tuoyu.accounts.capabilities import HEALTH_COMMISSION
from tuoyu.accounts.models import Role
from tuoyu.core.access import role_required
from tuoyu.core.excel import xlsx_response
from tuoyu.core.forms import add_service_errors
from tuoyu.regions.selectors import grassroots_units

from .reports import (
    MAX_NOTE,
    recent_semesters,
    report_semesters,
    report_totals,
    reportable_institutions,
    reports_filtered,
    reports_for_user,
    sees_all_reports,
    semester_label,
    semester_report_submit,
)

OPERATOR = Role.INSTITUTION_OPERATOR
OFFICIALS = (Role.DEPARTMENT_OFFICER, *HEALTH_COMMISSION)


class SemesterReportForm(forms.Form):
    institution = forms.TypedChoiceField(label=gettext_lazy("Kindergarten"), coerce=int)
    semester = forms.ChoiceField(label=gettext_lazy("Semester"))
    class_count = forms.IntegerField(label=gettext_lazy("Nursery classes (托班)"), min_value=0)
    children = forms.IntegerField(label=gettext_lazy("Children in nursery classes"), min_value=0)
    staff = forms.IntegerField(
        label=gettext_lazy("Staff of the nursery classes"),
        min_value=0,
        help_text=gettext_lazy("Teachers, caregivers and health staff working with the nursery classes."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, institutions, semesters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [(i.pk, i.name) for i in institutions]
        self.fields["semester"].choices = [(s, semester_label(s)) for s in semesters]


def _filters(request, qs):
    """Parse the officials' filters; unknown values are ignored rather than refused."""
    units = list(grassroots_units())
    semester = request.GET.get("semester", "")
    semesters = report_semesters(qs)
    if semester not in semesters:
        semester = ""
    unit_code = request.GET.get("unit", "")
    unit = next((u for u in units if u.code == unit_code), None)
    return semester, unit, semesters, units


@role_required(OPERATOR, *OFFICIALS)
def report_list(request):
    user = request.user
    qs = reports_for_user(user)
    if user.role == OPERATOR:
        return render(
            request,
            "filings/report_list.html",
            {
                "rows": [(r, semester_label(r.semester)) for r in qs],
                "is_operator": True,
                "can_report": reportable_institutions(user).exists(),
            },
        )
    if not sees_all_reports(user):
        # Another department's officer may use the reports menu but receives nothing: an explained empty
        # page rather than a refusal, since the role itself is allowed here.
        return render(request, "filings/report_list.html", {"rows": [], "not_addressed": True})
    semester, unit, semesters, units = _filters(request, qs)
    qs = reports_filtered(qs, semester=semester, unit=unit)
    return render(
        request,
        "filings/report_list.html",
        {
            "rows": [(r, semester_label(r.semester)) for r in qs],
            "totals": report_totals(qs),
            "semesters": [(s, semester_label(s)) for s in semesters],
            "semester": semester,
            "units": units,
            "unit": unit,
            "query": request.GET.urlencode(),
        },
    )


@role_required(OPERATOR)
def report_new(request):
    institutions = list(reportable_institutions(request.user))
    if not institutions:
        return render(request, "filings/report_new.html", {"form": None})
    form = SemesterReportForm(request.POST or None, institutions=institutions, semesters=recent_semesters())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        institution = next(i for i in institutions if i.pk == data["institution"])
        try:
            semester_report_submit(
                institution=institution,
                by=request.user,
                semester=data["semester"],
                class_count=data["class_count"],
                children=data["children"],
                staff=data["staff"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Report sent. The education office and the health commission can see it now.")
            )
            return redirect("filings:reports")
    return render(request, "filings/report_new.html", {"form": form})


@role_required(*OFFICIALS)
def report_export(request):
    user = request.user
    if not sees_all_reports(user):
        raise Http404  # other departments receive no reports; there is nothing to download
    qs = reports_for_user(user)
    semester, unit, _semesters, _units = _filters(request, qs)
    qs = reports_filtered(qs, semester=semester, unit=unit)
    totals = report_totals(qs)
    headers = [
        _("Semester"),
        _("Institution"),
        _("Filing number"),
        _("Street or town"),
        _("Nursery classes"),
        _("Children"),
        _("Staff"),
        _("Note"),
        _("Submitted by"),
        _("Submitted at"),
    ]
    rows = (
        [
            semester_label(r.semester),
            r.institution.name,
            r.institution.filing_number,
            r.institution.unit.name,
            r.class_count,
            r.children,
            r.staff,
            r.note,
            str(r.submitted_by),
            r.submitted_at,
        ]
        for r in qs.iterator(chunk_size=500)
    )
    total_row = [
        _("Total"),
        ngettext("%(count)s report", "%(count)s reports", totals["reports"]) % {"count": totals["reports"]},
        "",
        "",
        totals["class_count"],
        totals["children"],
        totals["staff"],
        "",
        "",
        "",
    ]
    scope = " · ".join(
        part for part in (semester_label(semester) if semester else "", unit.name if unit else "") if part
    )
    return xlsx_response(
        filename=quote(_("Semester reports.xlsx")),
        sheet=_("Semester reports"),
        headers=headers,
        rows=chain(rows, [total_row]),
        note=_("Filter: %(scope)s") % {"scope": scope} if scope else "",
    )
