"""The record pages: the health staff's list of their institution's children (or, for the commission's
child-health officer, a search by institution and name), one record's page shared by every reader, the
three forms of the health staff on pages of their own, and the entry check's report.

Who reads which record is `selectors.records_for`: anyone else, an operator included, meets a 404 whatever
id they try. Every read of a record's page, form or report writes an `accounts.AccessLog` row
(`services.record_read`) that the guardian sees; a list writes one row naming what was listed.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.files import serve_private
from tuoyu.core.forms import add_service_errors
from tuoyu.core.http import query_without_page

from .. import services
from ..charts import growth_section
from ..forms.records import DetailsForm, EntryCheckForm, RecordSearchForm, VaccinationForm
from ..selectors import may_write_record
from ..selectors.records import (
    incoming_transfers,
    kept_institutions,
    pending_transfer_of,
    record_completeness,
    record_flags,
    record_for,
    records_of_institution,
    records_search,
    summarise,
)

READERS = capabilities.HEALTH_RECORD_READERS
KEEPERS = capabilities.HEALTH_KEEPERS
# The list: the health staff's children; the officer's search. A guardian's list is views_family's.
LISTERS = capabilities.HEALTH_KEEPERS | capabilities.CHILD_HEALTH_OFFICERS
SEARCH_PAGE_SIZE = 25


def _picked_institution(request):
    """(the institution whose records the list shows, all the health staff's institutions). None: they
    keep no institution's records; another's id in `?institution=` is a 404."""
    institutions = list(kept_institutions(request.user))
    if not institutions:
        return None, institutions
    wanted = request.GET.get("institution") or request.POST.get("institution")
    if not wanted:
        return institutions[0], institutions
    for institution in institutions:
        if str(institution.pk) == str(wanted):
            return institution, institutions
    raise Http404


def records_context(request) -> dict:
    """The health staff's list: their institution's records with completeness and flags, and the children
    enrolled here whose record waits for consent to come (a fixed number of queries)."""
    institution, institutions = _picked_institution(request)
    context = {"institution": institution, "institutions": institutions, "mode": "staff"}
    if institution is None:
        return context
    rows = records_of_institution(request.user, institution)
    services.records_listed(by=request.user, label=f"{institution.name}: {len(rows)}", request=request)
    context.update(
        {
            "rows": rows,
            "complete": sum(1 for r in rows if r.completeness.complete),
            "incoming": incoming_transfers(request.user, institution),
        }
    )
    return context


def _search(request):
    form = RecordSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    found = records_search(request.user, institution=data.get("institution"), name=data.get("name", ""))
    page = Paginator(found, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = summarise(page.object_list)
    services.records_listed(
        by=request.user, label=f"search, page {page.number}: {len(rows)}", request=request
    )
    context = {
        "mode": "search",
        "form": form,
        "page": page,
        "rows": rows,
        "query": query_without_page(request),
    }
    return render(
        request, "health/records.html", context, status=400 if form.is_bound and form.errors else 200
    )


@require_http_methods(["GET", "HEAD"])
@role_required(*LISTERS)
def records(request):
    if capabilities.is_child_health_officer(request.user):
        return _search(request)
    return render(request, "health/records.html", records_context(request))


@require_http_methods(["GET", "HEAD"])
@role_required(*READERS)
def record(request, pk: int):
    """One record, to the guardian, the keeping health staff and the child-health officer; each view is
    written down (services.record_read) before the page is sent."""
    record = record_for(request.user, pk)
    services.record_read(record=record, by=request.user, what="page", request=request)
    user = request.user
    context = {
        "record": record,
        "child": record.child,
        "completeness": record_completeness(record),
        "flags": record_flags(record),
        "pending": pending_transfer_of(record),
        "growth": growth_section(record, user=user),
        # The record's writers are its keeping health staff; record_for has already limited them to it.
        "can_record": capabilities.keeps_health_records(user),
        "is_guardian": capabilities.is_family(user),
        "sees_accesses": capabilities.is_family(user) or capabilities.is_child_health_officer(user),
    }
    return render(request, "health/record.html", context)


def _writable(request, pk: int):
    """A record the health staff keep, or 404 (another institution's looks like none)."""
    record = record_for(request.user, pk)
    if not may_write_record(request.user, record):
        raise Http404
    return record


def _record_form(request, pk: int, *, form_class, initial, act, template: str, done: str):
    """A form page of the record: GET shows it filled with the record (a read, written down); POST hands the
    parsed fields to the service, whose refusal is shown next to the fields (400, nothing stored)."""
    record = _writable(request, pk)
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                act(record, form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect("health:record", pk=record.pk)
        status = 400
    else:
        form = form_class(initial=initial(record))
        services.record_read(record=record, by=request.user, what="form", request=request)
    return render(request, template, {"record": record, "child": record.child, "form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(*KEEPERS)
def entry_check(request, pk: int):
    return _record_form(
        request,
        pk,
        form_class=EntryCheckForm,
        initial=lambda r: {
            "checked_on": r.entry_check_on,
            "hospital": r.entry_check_hospital,
            "result": r.entry_check_result,
            "note": r.entry_check_note,
        },
        act=lambda r, data: services.record_entry_check(
            record=r,
            by=request.user,
            checked_on=data["checked_on"],
            hospital=data["hospital"],
            result=data["result"],
            note=data["note"],
            report=data["report"] or None,
        ),
        template="health/record_entry_check.html",
        done=_("The entry health check is saved."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(*KEEPERS)
def vaccination(request, pk: int):
    return _record_form(
        request,
        pk,
        form_class=VaccinationForm,
        initial=lambda r: {
            "checked_on": r.vaccination_checked_on,
            "status": r.vaccination_status,
            "missing_doses": r.missing_doses,
        },
        act=lambda r, data: services.record_vaccination(
            record=r,
            by=request.user,
            checked_on=data["checked_on"],
            status=data["status"],
            missing_doses=data["missing_doses"],
        ),
        template="health/record_vaccination.html",
        done=_("The vaccination check is saved."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(*KEEPERS)
def details(request, pk: int):
    return _record_form(
        request,
        pk,
        form_class=DetailsForm,
        initial=DetailsForm.initial_of,
        act=lambda r, data: services.record_details(
            record=r,
            by=request.user,
            allergies=data["allergies"],
            special_needs=data["special_needs"],
            family_doctor=data["family_doctor"],
        ),
        template="health/record_details.html",
        done=_("Allergies, special needs and the family doctor are saved."),
    )


@require_http_methods(["GET", "HEAD"])
@role_required(*READERS)
def report(request, pk: int):
    """The entry check's report, to the record's readers only, each download written down."""
    record = record_for(request.user, pk)
    if not record.entry_check_report.name:
        raise Http404
    services.record_read(record=record, by=request.user, what="report", request=request)
    extension = record.entry_check_report.name.rsplit(".", 1)[-1]
    return serve_private(record.entry_check_report, download_name=f"entry-check-{record.pk}.{extension}")
