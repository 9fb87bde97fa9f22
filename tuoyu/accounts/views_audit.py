"""The access log page of the health commission's administrators: who read reporters' identities, full
ID numbers and personal data exports. Views parse, authorise and render; the log is written by
accounts.services.access_record and searched by accounts.selectors.access_log_search."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.core.access import role_required
from tuoyu.core.excel import xlsx_response
from tuoyu.core.http import query_without_page

from . import capabilities
from .models import AccessKind
from .selectors import ACCESS_LOG_PAGE_SIZE, AccessLogFilters, access_log_search
from .services import CountedRows, describe_filters, export_record

# Only the programme's administrators audit the people who handle personal data; reviewers and
# officers are among the people audited.
AUDITORS = tuple(capabilities.HEALTH_COMMISSION_ADMINS)


class AccessLogFilterForm(forms.Form):
    user = forms.CharField(label=gettext_lazy("User"), max_length=150, required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("What was read"),
        choices=[("", gettext_lazy("All")), *AccessKind.choices],
        required=False,
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    object = forms.CharField(
        label=gettext_lazy("Object (e.g. a tracking number)"), max_length=200, required=False
    )

    def filters(self) -> AccessLogFilters:
        """The valid filters; a value that does not parse is shown as an error and otherwise ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return AccessLogFilters(
            user=(data.get("user") or "").strip(),
            kind=data.get("kind") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            object=(data.get("object") or "").strip(),
        )


@role_required(*AUDITORS)
def access_log(request):
    form = AccessLogFilterForm(request.GET)
    page = Paginator(access_log_search(form.filters()), ACCESS_LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/access_log.html",
        {
            "form": form,
            "page": page,
            "filter_query": query_without_page(request),
            "filtered": any(request.GET.get(name) for name in form.fields),
        },
    )


@role_required(*AUDITORS)
def access_log_export(request):
    form = AccessLogFilterForm(request.GET)
    entries = access_log_search(form.filters())
    rows = CountedRows(
        [
            entry.at,
            entry.username,
            entry.user.display_name if entry.user_id else "",
            entry.get_kind_display(),
            entry.object_label,
            entry.detail,
            entry.ip or "",
        ]
        for entry in entries.iterator(chunk_size=500)
    )
    response = xlsx_response(
        filename=f"access-log-{timezone.localdate():%Y%m%d}.xlsx",
        sheet=_("Access log"),
        headers=[
            _("When"),
            _("User name"),
            _("Name"),
            _("What was read"),
            _("Object"),
            _("Detail"),
            _("Client address"),
        ],
        rows=rows,
    )
    # The log names the people who handle personal data and where they work from: exporting it is
    # itself a read worth recording.
    export_record(
        user=request.user,
        export="access_log",
        rows=rows.count,
        filters=describe_filters(form),
        request=request,
    )
    return response
