"""The government's pages of feedback: the handling departments' queue and case page (投诉举报的办理), and
the health commission's review moderation. Views parse, authorise and render; every write is a service.

Who sees the reporter: the handlers (health commission, department officers) when the report is not
anonymous. Street and town officers see the case, never who reported it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import AccessKind
from tuoyu.accounts.services import CountedRows, access_record, describe_filters, export_record
from tuoyu.core.access import role_required
from tuoyu.core.excel import xlsx_response
from tuoyu.core.files import EXTENSIONS, serve_private
from tuoyu.core.forms import add_service_errors
from tuoyu.core.http import query_without_page
from tuoyu.core.workdays import deadline_status

from . import reviews, selectors, services
from .forms import (
    AcknowledgeForm,
    AnswerForm,
    MergeForm,
    ModerateForm,
    NoteForm,
    PlaceForm,
    QueueFilterForm,
    ReassignForm,
)
from .models import Review
from .selectors import (
    QUEUE_PAGE_SIZE,
    access_complaint_for_user,
    can_see_identity,
    complaint_queue,
    due_on,
    export_rows,
    queue_counts,
    sees_identity_columns,
)
from .workflow import OPEN, WORKFLOW_COMPLAINT, awaits_acknowledgement

VIEWERS = capabilities.COMPLAINT_VIEWERS


@role_required(*VIEWERS)
def queue(request):
    form = QueueFilterForm(request.GET)
    on = selectors.today()
    qs = complaint_queue(request.user, form.filters(), on=on)
    page = Paginator(qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    for complaint in page:
        complaint.due = due_on(complaint)
        complaint.awaits_acknowledgement = awaits_acknowledgement(complaint)
    return render(
        request,
        "feedback/handle_queue.html",
        {
            "form": form,
            "page": page,
            "counts": queue_counts(qs, on=on),
            "filter_query": query_without_page(request),
            "filtered": any(request.GET.get(name) for name in form.fields if name != "status"),
        },
    )


@role_required(*VIEWERS)
def queue_export(request):
    form = QueueFilterForm(request.GET)
    qs = complaint_queue(request.user, form.filters())
    identity = sees_identity_columns(request.user)
    headers = [
        _("Tracking number"),
        _("Received"),
        _("What it is about"),
        _("Institution or place"),
        _("Address"),
        _("Street or town"),
        _("Department"),
        _("Status"),
        _("Acknowledge by"),
        _("Answer by"),
        _("Overdue"),
        _("Escalated"),
        _("Finding"),
        _("Answered"),
        _("Answered on time"),
        _("Reporter satisfied"),
    ]
    if identity:
        headers += [_("Reporter's name"), _("Reporter's mobile number")]
    rows = CountedRows(export_rows(qs, identity=identity))
    response = xlsx_response(
        filename=f"complaints-{selectors.today():%Y%m%d}.xlsx",
        sheet=_("Complaints and reports"),
        headers=headers,
        rows=rows,
        note=_("Anonymous reports have no name or number.") if identity else "",
    )
    if identity:
        # The reporter columns make this a personal-data export (accounts.services.PERSONAL_EXPORTS).
        export_record(
            user=request.user,
            export="complaints",
            rows=rows.count,
            filters=describe_filters(form),
            request=request,
        )
    return response


# The actions of the case page, each with its form; merging looks the target up among the user's cases.
ACTION_FORMS = {
    "acknowledge": AcknowledgeForm,
    "reassign": ReassignForm,
    "answer": AnswerForm,
    "merge": MergeForm,
    "note": NoteForm,
}


def _action_form(request, action: str, data=None):
    extra = {"user": request.user} if action == "merge" else {}
    # Five forms on one page: prefix the ids so that every label points at its own field.
    return ACTION_FORMS[action](data, auto_id=f"id_{action}_%s", **extra)


def _messages(form) -> list[str]:
    return [message for errors in form.errors.values() for message in errors]


def _render_case(request, complaint, *, bound: dict | None = None, status: int = 200):
    user, bound = request.user, bound or {}
    handler = services.can_handle(user, complaint)
    suggestions = []
    if handler and complaint.status in OPEN:
        candidates = selectors.duplicate_suggestions(complaint)
        # Only cases this user may open; the others are not theirs to see or to merge into.
        visible = set(
            selectors.complaints_for_user(user)
            .filter(pk__in=[c.pk for c in candidates])
            .values_list("pk", flat=True)
        )
        suggestions = [c for c in candidates if c.pk in visible]
    context = {
        "complaint": complaint,
        "handler": handler,
        "identity": can_see_identity(user, complaint),
        "events": complaint.events.select_related("by", "department"),
        "photos": complaint.photos.all(),
        "co_departments": complaint.co_departments.all(),
        "duplicates": complaint.duplicates.all(),
        "suggestions": suggestions,
        "forms": {action: bound.get(action) or _action_form(request, action) for action in ACTION_FORMS},
        # One summary at the top: a refused action may belong to a form the case's status hides.
        "action_errors": [message for form in bound.values() for message in _messages(form)],
        # The buttons of the case page: the workflow decides which actions this user may take now.
        "actions": WORKFLOW_COMPLAINT.allowed_actions(complaint, user),
        "acknowledge_deadline": (
            deadline_status(due=complaint.acknowledge_due_on)
            if awaits_acknowledgement(complaint) and complaint.acknowledge_due_on
            else None
        ),
        "answer_deadline": (
            deadline_status(due=complaint.answer_due_on)
            if complaint.status in OPEN and complaint.answer_due_on
            else None
        ),
        "overdue": selectors.is_overdue(complaint),
    }
    if context["identity"]:
        # The page shows the reporter's name and mobile: who saw them is kept in the access log.
        access_record(user=user, kind=AccessKind.REPORTER_IDENTITY, obj=complaint, request=request)
    return render(request, "feedback/handle_detail.html", context, status=status)


@role_required(*VIEWERS)
def handle(request, pk: int):
    return _render_case(request, access_complaint_for_user(request.user, pk))


def _run(request, complaint, action: str, form) -> str:
    """Call the action's service with the form's data; returns the message to show on success."""
    data, user = form.cleaned_data, request.user
    if action == "acknowledge":
        services.complaint_acknowledge(complaint=complaint, by=user)
        return _("You have taken up the case. The reporter can see it is being handled.")
    if action == "reassign":
        services.complaint_reassign(
            complaint=complaint, by=user, department=data["department"], reason=data["reason"]
        )
        return _("Passed to %(department)s. The reason is on the public timeline.") % {
            "department": data["department"]
        }
    if action == "answer":
        services.complaint_answer(
            complaint=complaint, by=user, finding=data["finding"], answer=data["answer"]
        )
        return _("Answered. The reporter is told by SMS and can rate the answer.")
    if action == "merge":
        services.complaint_merge(complaint=complaint, into=data["into"], by=user, note=data["note"])
        return _("Merged into %(number)s. Its reporter now follows that report.") % {
            "number": data["into"].tracking_number
        }
    services.complaint_note(complaint=complaint, by=user, text=data["text"])
    return _("Note added.")


@role_required(*VIEWERS)
@require_POST
def handle_action(request, pk: int, action: str):
    if action not in ACTION_FORMS:
        raise Http404
    complaint = access_complaint_for_user(request.user, pk)
    form = _action_form(request, action, request.POST)
    if form.is_valid():
        try:
            message = _run(request, complaint, action, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("feedback:handle", pk=complaint.pk)
    # Nothing was changed: show the case as it is, with what went wrong beside the form.
    complaint = access_complaint_for_user(request.user, pk)
    return _render_case(request, complaint, bound={action: form}, status=400)


@role_required(*VIEWERS)
def handle_photo(request, pk: int, photo_pk: int):
    complaint = access_complaint_for_user(request.user, pk)
    photo = get_object_or_404(complaint.photos, pk=photo_pk)
    extension = EXTENSIONS.get(photo.file_kind, "jpg")
    return serve_private(photo.file, download_name=f"{complaint.tracking_number}-{photo.pk}.{extension}")


@role_required(*VIEWERS)
@require_POST
def handle_place(request, pk: int):
    complaint = access_complaint_for_user(request.user, pk)
    form = PlaceForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_place(
                complaint=complaint,
                lat=form.cleaned_data["lat"],
                lng=form.cleaned_data["lng"],
                by=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Placed on the map. The street or town follows from the point."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    # The case page shows the outcome either way; nothing else on it was filled in.
    return redirect("feedback:handle", pk=complaint.pk)


MODERATORS = capabilities.REVIEW_MODERATORS


@role_required(*MODERATORS)
def moderation(request):
    return render(
        request,
        "feedback/moderation.html",
        {
            "held": reviews.decorate(list(reviews.reviews_held()[:100])),
            "recent": reviews.decorate(reviews.reviews_recently_published()),
        },
    )


@role_required(*MODERATORS)
@require_POST
def moderate(request, pk: int):
    review = get_object_or_404(Review, pk=pk)
    form = ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose whether to publish the review."))
        return redirect("feedback:moderation")
    publish = form.cleaned_data["decision"] == "publish"
    try:
        reviews.review_moderate(
            review=review, by=request.user, publish=publish, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(
            request, _("The review is published.") if publish else _("The review is not published.")
        )
    return redirect("feedback:moderation")
