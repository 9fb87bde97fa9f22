"""The inspector on site: their inspections and the checklist on a phone.

Phone first: one column, large tap targets, plain form posts that work without JavaScript. The checklist
is one multipart form: 保存 saves every answer, note and photo chosen; each item's photo button saves the
same way and comes back to that item; 去签字提交 saves and goes to the review, where each drawn inspector
signs on their own phone and one of them submits.

Access: only the inspectors drawn for an inspection open its checklist (anyone else: 404, even of the
same department); the read-only record is for `selectors.may_open_record` (its inspectors and the health
commission). Views parse, authorise and render; every write is a service.
"""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.files import EXTENSIONS, serve_private

from . import selectors
from .forms.inspector import ChecklistSheet, SignForm, SubmitForm
from .models import Answer, Domain, Inspection, InspectionPhoto, InspectionStatus, Severity
from .services import inspecting
from .workflow import INSPECTION_WORKFLOW

INSPECTORS = capabilities.INSPECTORS
MY_PAGE_SIZE = 50


def _drawn_inspection(user, pk: int) -> Inspection:
    """The inspection, if this person was drawn for it; anyone else gets a 404 (not even its existence)."""
    return get_object_or_404(
        selectors.drawn_for(user).select_related("plan", "institution", "institution__unit"), pk=pk
    )


def _rows(inspection: Inspection):
    photos = Prefetch("photos", queryset=InspectionPhoto.objects.order_by("uploaded_at", "pk"))
    return list(
        inspection.answers.select_related("item")
        .prefetch_related(photos)
        .order_by("item__domain", "item__sort_order", "item__code")
    )


def _by_domain(lines, key=lambda line: line.row.item.domain):
    """[(domain label, [lines])] in the order of the Domain choices."""
    order = {value: index for index, value in enumerate(Domain.values)}
    ordered = sorted(lines, key=lambda line: order.get(key(line), len(order)))
    return [(Domain(domain).label, list(group)) for domain, group in groupby(ordered, key=key)]


# --- My inspections -------------------------------------------------------------------------------


@role_required(*INSPECTORS)
def my_inspections(request):
    qs = (
        selectors.drawn_for(request.user)
        .select_related("plan", "institution")
        .prefetch_related("inspectors")
        .annotate(
            waiting=Case(
                When(status=InspectionStatus.ASSIGNED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "-plan__period_start", "-pk")
    )
    page = Paginator(qs, MY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/inspect_mine.html", {"page": page})


# --- The checklist --------------------------------------------------------------------------------


def _render_sheet(request, inspection, sheet: ChecklistSheet, *, status=200):
    lines = sheet.lines()
    counts = {
        "total": len(lines),
        "answered": sum(1 for line in lines if line.row.answer),
        "failed": sum(1 for line in lines if line.row.answer == Answer.FAIL),
    }
    return render(
        request,
        "inspections/inspect_sheet.html",
        {
            "inspection": inspection,
            "domains": _by_domain(lines),
            "counts": counts,
            "general_errors": sheet.general_errors(),
            "answer_choices": [
                (Answer.PASS, pgettext("checklist answer", "Complies")),
                (Answer.FAIL, pgettext("checklist answer", "Does not comply")),
                (Answer.NOT_APPLICABLE, pgettext("checklist answer", "Not applicable")),
            ],
            "signatures": list(inspection.signatures.select_related("inspector").order_by("signed_at")),
        },
        status=status,
    )


def _save_sheet(request, inspection) -> ChecklistSheet | None:
    """Save the posted answers, notes and photos at once. Returns None when saved, else the sheet with its
    errors (and nothing saved)."""
    sheet = ChecklistSheet(_rows(inspection), request.POST, request.FILES)
    photos = sheet.photos()
    if sheet.errors:
        return sheet
    try:
        with transaction.atomic():
            outcome = inspecting.answers_save(inspection=inspection, by=request.user, answers=sheet.answers())
            for row, upload in photos:
                inspecting.photo_add(inspection=inspection, answer=row, by=request.user, upload=upload)
    except ValidationError as exc:
        sheet.add_service_errors(exc)
        return sheet
    if photos or outcome.changed:
        messages.success(request, _("Saved."))
    if outcome.signatures_cleared:
        messages.warning(
            request,
            _("The record changed after it was signed: the signatures were withdrawn. Please sign again."),
        )
    return None


@role_required(*INSPECTORS)
def inspect(request, pk: int):
    inspection = _drawn_inspection(request.user, pk)
    if inspection.status != InspectionStatus.ASSIGNED:
        return redirect("inspections:record", pk=inspection.pk)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "start" or not inspecting.is_started(inspection):
            try:
                inspecting.inspection_start(inspection=inspection, by=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect("inspections:inspect", pk=inspection.pk)
        failed = _save_sheet(request, inspection)
        if failed is not None:
            return _render_sheet(request, inspection, failed, status=400)
        if action == "review":
            return redirect("inspections:inspect_submit", pk=inspection.pk)
        return redirect(reverse("inspections:inspect", args=[inspection.pk]) + _anchor(request))
    if not inspecting.is_started(inspection):
        return render(request, "inspections/inspect_start.html", {"inspection": inspection})
    return _render_sheet(request, inspection, ChecklistSheet(_rows(inspection)))


def _anchor(request) -> str:
    code = request.POST.get("item", "")
    return f"#item-{code}" if code and code.replace("-", "").isalnum() else ""


@role_required(*INSPECTORS)
@require_POST
def inspect_photo(request, pk: int):
    """A photo button: saves the sheet as posted (so nothing typed is lost) and comes back to the item.
    Also takes a bare post of `photo` (the inspection) or `photo-<code>` with `item`."""
    inspection = _drawn_inspection(request.user, pk)
    if inspection.status != InspectionStatus.ASSIGNED:
        return redirect("inspections:record", pk=inspection.pk)
    if not inspecting.is_started(inspection):
        return redirect("inspections:inspect", pk=inspection.pk)
    failed = _save_sheet(request, inspection)
    if failed is not None:
        return _render_sheet(request, inspection, failed, status=400)
    return redirect(reverse("inspections:inspect", args=[inspection.pk]) + _anchor(request))


# --- Sign and submit ------------------------------------------------------------------------------


def _submit_context(request, inspection, *, submit_form=None, sign_form=None):
    rows = _rows(inspection)
    today = timezone.localdate()
    failed = [
        (row, inspecting.default_deadline(row.item, today=today)) for row in rows if row.answer == Answer.FAIL
    ]
    signatures = list(inspection.signatures.select_related("inspector").order_by("signed_at"))
    me = selectors.inspector_of(request.user)
    return {
        "inspection": inspection,
        "unanswered": [row for row in rows if not row.answer],
        "no_note": [row for row, _deadline in failed if not row.note.strip()],
        "counts": {
            "total": len(rows),
            "pass": sum(1 for row in rows if row.answer == Answer.PASS),
            "fail": len(failed),
            "na": sum(1 for row in rows if row.answer == Answer.NOT_APPLICABLE),
        },
        "form": submit_form or SubmitForm(failed=failed),
        "sign_form": sign_form or SignForm(),
        "signatures": signatures,
        "signed": me is not None and any(s.inspector_id == me.pk for s in signatures),
        "needed": inspecting.MIN_SIGNATURES,
        "drawn": list(inspection.inspectors.order_by("certificate_number")),
        "serious": Severity.SERIOUS,
        "actions": INSPECTION_WORKFLOW.allowed_actions(inspection, request.user),
    }


@role_required(*INSPECTORS)
def inspect_submit(request, pk: int):
    inspection = _drawn_inspection(request.user, pk)
    if inspection.status != InspectionStatus.ASSIGNED:
        return redirect("inspections:record", pk=inspection.pk)
    if not inspecting.is_started(inspection):
        return redirect("inspections:inspect", pk=inspection.pk)
    if request.method == "POST":
        context = _submit_context(request, inspection)
        failed = context["form"].failed
        form = SubmitForm(request.POST, failed=failed)
        if form.is_valid():
            try:
                done = inspecting.inspection_submit(
                    inspection=inspection,
                    by=request.user,
                    institution_signatory=form.cleaned_data["institution_signatory"],
                    findings=form.findings(),
                    summary=form.cleaned_data["summary"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                if done.status == InspectionStatus.CLOSED:
                    messages.success(
                        request, _("Submitted: nothing was found, and the inspection is closed.")
                    )
                else:
                    messages.success(request, _("Submitted: the institution is told its findings."))
                return redirect("inspections:record", pk=inspection.pk)
        context["form"] = form
        return render(request, "inspections/inspect_submit.html", context, status=400)
    return render(request, "inspections/inspect_submit.html", _submit_context(request, inspection))


@role_required(*INSPECTORS)
@require_POST
def inspect_sign(request, pk: int):
    inspection = _drawn_inspection(request.user, pk)
    if inspection.status != InspectionStatus.ASSIGNED:
        return redirect("inspections:record", pk=inspection.pk)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            inspecting.inspection_sign(inspection=inspection, by=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, errors in exc.message_dict.items():
                    form.add_error(key if key in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Signed."))
            return redirect("inspections:inspect_submit", pk=inspection.pk)
    if not inspecting.is_started(inspection):
        return redirect("inspections:inspect", pk=inspection.pk)
    return render(
        request,
        "inspections/inspect_submit.html",
        _submit_context(request, inspection, sign_form=form),
        status=400,
    )


# --- The record (read-only) -----------------------------------------------------------------------


def _openable(user, pk: int) -> Inspection:
    inspection = get_object_or_404(
        Inspection.objects.select_related("plan", "plan__lead_department", "institution"), pk=pk
    )
    if not selectors.may_open_record(user, inspection):
        raise Http404
    return inspection


@role_required(*INSPECTORS)
def record(request, pk: int):
    inspection = _openable(request.user, pk)
    rows = _rows(inspection)
    loose_photos = list(inspection.photos.filter(answer__isnull=True).order_by("uploaded_at", "pk"))
    findings = list(inspection.findings.select_related("item").order_by("pk"))
    return render(
        request,
        "inspections/inspect_record.html",
        {
            "inspection": inspection,
            "domains": _by_domain(rows, key=lambda row: row.item.domain),
            "loose_photos": loose_photos,
            "signatures": list(inspection.signatures.select_related("inspector").order_by("signed_at")),
            "findings": findings,
            "inspectors": list(
                inspection.inspectors.select_related("department").order_by("certificate_number")
            ),
            "experts": list(inspection.experts.order_by("code")),
            "drawn": selectors.drawn_for(request.user).filter(pk=inspection.pk).exists(),
            "on_site": inspection.status == InspectionStatus.ASSIGNED,
        },
    )


@role_required(*INSPECTORS)
def photo(request, pk: int, photo_pk: int):
    inspection = _openable(request.user, pk)
    item = get_object_or_404(inspection.photos.select_related("answer__item"), pk=photo_pk)
    code = item.answer.item.code if item.answer_id else "photo"
    extension = EXTENSIONS.get(item.file_kind, "jpg")
    return serve_private(item.file, download_name=f"inspection-{inspection.pk}-{code}-{item.pk}.{extension}")
