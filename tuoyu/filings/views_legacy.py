"""The health commission imports existing unfiled institutions (存量机构, §8) from its own Excel sheet.

The last import's report is kept in the session (post/redirect/get), so reloading the page never
imports the file twice, and the error list downloads as Excel for fixing and re-importing.
"""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tuoyu.accounts.capabilities import FILING_REVIEWERS
from tuoyu.core.access import role_required
from tuoyu.core.excel import XLSX, xlsx_response
from tuoyu.core.files import clean_original_name, content_disposition
from tuoyu.core.forms import add_service_errors

from .importer import COLUMNS, MAX_ROWS, import_legacy_institutions, legacy_template

REVIEWERS = tuple(FILING_REVIEWERS)
SESSION_KEY = "tuoyu_legacy_import_report"


class LegacyImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx, up to 5 MB)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


def _for_session(report, filename: str) -> dict:
    return {
        "file": filename,
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "total": report.total,
        "skipped_examples": report.skipped_examples,
        "failed_rows": report.failed_rows,
        "created": [
            {
                "name": institution.name,
                "uscc": institution.uscc,
                "unit": institution.unit.name,
                "capacity": institution.capacity_total,
                "enrolled": institution.enrolled_total,
            }
            for institution in report.created
        ],
        "errors": [list(error) for error in report.errors],
    }


@role_required(*REVIEWERS)
def legacy_import(request):
    form = LegacyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_legacy_institutions(file=upload, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="file")
        else:
            request.session[SESSION_KEY] = _for_session(report, clean_original_name(upload.name or ""))
            if report.errors:
                messages.warning(
                    request,
                    ngettext(
                        "%(created)s institution imported; rows with problems are listed below.",
                        "%(created)s institutions imported; rows with problems are listed below.",
                        len(report.created),
                    )
                    % {"created": len(report.created)},
                )
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(created)s institution imported as an unfiled draft.",
                        "%(created)s institutions imported as unfiled drafts.",
                        len(report.created),
                    )
                    % {"created": len(report.created)},
                )
            return redirect("filings:legacy_import")
    return render(
        request,
        "filings/legacy_import.html",
        {
            "form": form,
            "report": request.session.get(SESSION_KEY),
            "columns": COLUMNS,
            "max_rows": MAX_ROWS,
        },
    )


@role_required(*REVIEWERS)
def legacy_template_download(request):
    response = HttpResponse(legacy_template(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition(
        _("Import template for existing institutions.xlsx"), inline=False
    )
    return response


@role_required(*REVIEWERS)
def legacy_errors(request):
    """The last import's problems as a sheet: row, column, problem, in the order of the file."""
    report = request.session.get(SESSION_KEY)
    if not report:
        messages.info(request, _("There is no import report yet. Import a file first."))
        return redirect("filings:legacy_import")
    return xlsx_response(
        filename=quote(_("Import problems.xlsx")),
        sheet=_("Problems"),
        headers=[_("Row"), _("Column"), _("Problem")],
        rows=([row, column or "—", message] for row, column, message in report["errors"]),
        note=_("File %(file)s, imported %(at)s.") % {"file": report["file"], "at": report["at"]},
    )
