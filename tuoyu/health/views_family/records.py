"""The guardian's side of the records: their children's records and the moves waiting for their consent
(`my/`), who looked at a record and when (`records/<pk>/access/`, for the guardian and the commission's
child-health officer), and the answer to a move (`transfers/<pk>/consent/`): online by the guardian, or on
paper by the new institution's health staff, who saw the signed form.

A record or transfer outside the person's rule is a 404 (selectors.records_for, transfers_for).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required

from .. import services
from ..forms.records import ConsentForm
from ..selectors.records import describe_accesses, family_records, record_accesses, record_for, transfer_for
from ..services.records import CONSENT_ONLINE, CONSENT_PAPER
from ..views_institution.records import records_context

GUARDIANS = capabilities.FAMILIES
# Who sees the access log of a record: the guardian, and the officer who answers a guardian's question.
ACCESS_READERS = capabilities.FAMILIES | capabilities.CHILD_HEALTH_OFFICERS
# Who answers a move: the guardian online, the new institution's health staff from a signed form.
DECIDERS = capabilities.FAMILIES | capabilities.HEALTH_KEEPERS
ACCESS_PAGE_SIZE = 30


def _family_page(request, *, status: int = 200):
    return render(
        request, "health/family_records.html", {"rows": family_records(request.user)}, status=status
    )


@require_http_methods(["GET", "HEAD"])
@role_required(*GUARDIANS)
def my_records(request):
    return _family_page(request)


@require_http_methods(["GET", "HEAD"])
@role_required(*ACCESS_READERS)
def record_access(request, pk: int):
    """Who read this record and when, newest first: a person's name (never a guardian's user name, their
    mobile number), their role and institution. Reading this list reads no health data, so it is not a read
    of the record itself."""
    record = record_for(request.user, pk)
    page = Paginator(record_accesses(record), ACCESS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "record": record,
        "child": record.child,
        "page": page,
        "accesses": describe_accesses(page.object_list, viewer=request.user),
    }
    return render(request, "health/record_access.html", context)


def _back(request, *, status: int = 200):
    """The page the answer was given from: the guardian's records, or the health staff's list."""
    if capabilities.is_family(request.user):
        return _family_page(request, status=status)
    return render(request, "health/records.html", records_context(request), status=status)


@require_POST
@role_required(*DECIDERS)
def transfer_consent(request, pk: int):
    transfer = transfer_for(request.user, pk)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to consent or to refuse."))
        return _back(request, status=400)
    paper = not capabilities.is_family(request.user)
    if paper and not form.cleaned_data["form_seen"]:
        messages.error(request, _("Confirm that you have seen the consent form signed by the guardian."))
        return _back(request, status=400)
    consent = form.cleaned_data["decision"] == "consent"
    try:
        services.transfer_consent(
            transfer=transfer,
            by=request.user,
            consent=consent,
            kind=CONSENT_PAPER if paper else CONSENT_ONLINE,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _back(request, status=409 if getattr(exc, "code", None) == "status" else 400)
    except PermissionDenied:
        # A health staff member of the institution the record is leaving, or anyone the rule no longer
        # admits: the transfer is not theirs to answer, and looks like none.
        raise Http404 from None
    if consent:
        messages.success(
            request,
            _("%(child)s's record is now kept by %(institution)s.")
            % {"child": transfer.record.child.name, "institution": transfer.to_institution.name},
        )
    else:
        messages.success(
            request,
            _("%(child)s's record stays with %(institution)s.")
            % {"child": transfer.record.child.name, "institution": transfer.from_institution.name},
        )
    return redirect("health:family_records" if not paper else "health:records")
