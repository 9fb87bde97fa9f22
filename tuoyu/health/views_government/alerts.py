"""Outbreak alerts, one set of pages for everyone who receives them: the institution's health staff and
operator (their own institution's alerts, the children named), the commission and the guidance centre
(every alert, the children numbered, never named). Which alerts a person sees is `alerts_for`; another's
is a 404. The institution and the child-health officers acknowledge and close (with a note what was done);
the others follow."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors
from tuoyu.core.http import query_without_page

from .. import services
from ..forms.checks import NoteForm
from ..models import AlertStatus
from ..selectors import sees_case_names
from ..selectors.alerts import alert_case_rows_for, alert_events, alert_for, alerts_listed
from ..workflow import ALERT_WORKFLOW

VIEWERS = capabilities.ALERT_VIEWERS
HANDLERS = capabilities.ALERT_HANDLERS_INSTITUTION | capabilities.CHILD_HEALTH_OFFICERS
PAGE_SIZE = 50


@role_required(*VIEWERS)
def alerts(request):
    status = request.GET.get("status") or ""
    page = Paginator(alerts_listed(request.user, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "health/alerts.html",
        {
            "page": page,
            "status": status,
            "statuses": AlertStatus.choices,
            "filter_query": query_without_page(request),
        },
    )


def _render_alert(request, alert, *, status: int = 200, ack_form=None, close_form=None):
    return render(
        request,
        "health/alert.html",
        {
            "alert": alert,
            "cases": alert_case_rows_for(request.user, alert),
            "with_names": sees_case_names(request.user, alert),
            "events": alert_events(alert),
            "actions": ALERT_WORKFLOW.allowed_actions(alert, request.user),
            "ack_form": ack_form or NoteForm(prefix="ack"),
            "close_form": close_form or NoteForm(prefix="close"),
        },
        status=status,
    )


@role_required(*VIEWERS)
def alert(request, pk: int):
    return _render_alert(request, alert_for(request.user, pk))


def _act(request, pk: int, *, prefix: str, act, done: str):
    """One POST on the alert's page: the note form, then the service. A refusal is shown next to the
    note on the alert's page (400, 409 when the status no longer allows it)."""
    alert = alert_for(request.user, pk)
    form = NoteForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            act(alert, form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="note")
            conflict = getattr(exc, "code", None) == "transition"
            return _render_alert(
                request,
                alert_for(request.user, pk),
                status=409 if conflict else 400,
                **{f"{prefix}_form": form},
            )
        messages.success(request, done)
        return redirect("health:alert", pk=pk)
    return _render_alert(request, alert, status=400, **{f"{prefix}_form": form})


@require_POST
@role_required(*HANDLERS)
def alert_acknowledge(request, pk: int):
    return _act(
        request,
        pk,
        prefix="ack",
        act=lambda alert, note: services.alert_acknowledge(alert=alert, by=request.user, note=note),
        done=_("The alert is acknowledged."),
    )


@require_POST
@role_required(*HANDLERS)
def alert_close(request, pk: int):
    return _act(
        request,
        pk,
        prefix="close",
        act=lambda alert, note: services.alert_close(alert=alert, by=request.user, note=note),
        done=_("The alert is closed."),
    )
