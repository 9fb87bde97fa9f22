"""The operator's pages of staff and certificates: the institution's staff with the ratio panel, the
flags and what expires within 30 days; adding a person; a person's page with certificates, the edit
form, the end (or reopening) of employment and the class; adding a certificate with its scan; serving a
scan after the access check.

Which rows a person may see or change is selectors' rule (`kept_institutions`, `staff_for`,
`certificate_for`): another institution's row is a 404. An operator with two institutions picks one
with `?institution=`. The ID number is shown only as `masked_id_number`.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.files import serve_private
from tuoyu.core.forms import add_service_errors
from tuoyu.core.workdays import beijing_today

from .. import services
from ..forms.staff import AssignClassForm, CertificateForm, EndForm, ReopenForm, StaffForm
from ..models import Certificate, Post, StaffMember
from ..selectors import certificate_for, kept_institutions, staff_for
from ..selectors.compliance import kinds_for_post, staffing_of

KEEPERS = capabilities.STAFF_KEEPERS
# A scan is the operator's, and the commission's when it follows a flag to the person.
SCAN_READERS = capabilities.STAFF_KEEPERS | capabilities.WORKFORCE_OVERSEERS


def _picked_institution(request):
    """(the institution whose staff the page shows, all the operator's institutions). None: they keep no
    institution's staff; another's id in `?institution=` is a 404."""
    institutions = list(kept_institutions(request.user).order_by("name", "pk"))
    if not institutions:
        return None, institutions
    wanted = request.GET.get("institution") or request.POST.get("institution")
    if not wanted:
        return institutions[0], institutions
    for institution in institutions:
        if str(institution.pk) == str(wanted):
            return institution, institutions
    raise Http404


def _kept_staff(request, pk: int) -> StaffMember:
    """One of the operator's own staff rows, or 404."""
    staff = staff_for(request.user, pk)
    if not any(i.pk == staff.institution_id for i in kept_institutions(request.user)):
        raise Http404
    return staff


@role_required(*KEEPERS)
def staff_list(request):
    institution, institutions = _picked_institution(request)
    context = {"institution": institution, "institutions": institutions}
    if institution is None:
        return render(request, "workforce/institution/staff_list.html", context)
    today = beijing_today()
    rows = list(
        StaffMember.objects.filter(institution=institution)
        .select_related("class_group")
        .prefetch_related(
            Prefetch(
                "certificates", queryset=Certificate.objects.select_related("kind").order_by("expires_on")
            )
        )
        .order_by("post", "name", "pk")
    )
    staffing = staffing_of([institution.pk], on=today)[institution.pk]
    certifiable_posts = set(kinds_for_post())
    for row in rows:
        row.flags = staffing.flags_of(row.pk)
        row.is_current = row.ended_on is None or row.ended_on >= today
        row.certifiable = row.post in certifiable_posts
        row.certified = row.certifiable and not any(f.kind == "not_certified" for f in row.flags)
        row.valid_certificates = [
            c
            for c in row.certificates.all()
            if c.issued_on <= today and (c.expires_on is None or c.expires_on >= today)
        ]
    context.update(
        {
            "current": [r for r in rows if r.is_current],
            "former": [r for r in rows if not r.is_current],
            "staffing": staffing,
            "today": today,
        }
    )
    return render(request, "workforce/institution/staff_list.html", context)


@role_required(*KEEPERS)
def staff_new(request):
    institution, institutions = _picked_institution(request)
    if institution is None:
        raise Http404
    form = StaffForm(request.POST or None, institution=institution)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                staff = services.staff_add(institution=institution, by=request.user, fields=form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s is added to the staff.") % {"name": staff.name})
                return redirect("workforce:staff_detail", pk=staff.pk)
        status = 400
    context = {"institution": institution, "institutions": institutions, "form": form}
    return render(request, "workforce/institution/staff_new.html", context, status=status)


def _staff_initial(staff: StaffMember) -> dict:
    return {
        "name": staff.name,
        "mobile": staff.mobile,
        "post": staff.post,
        "employment": staff.employment,
        "started_on": staff.started_on,
        "class_group": staff.class_group_id,
        "background_checked_on": staff.background_checked_on,
        "health_checked_on": staff.health_checked_on,
    }


def _render_detail(request, staff: StaffMember, *, status: int = 200, **forms):
    today = beijing_today()
    institution = staff.institution
    certificates = list(staff.certificates.select_related("kind").order_by("kind__sort_order", "-issued_on"))
    for certificate in certificates:
        certificate.is_valid = certificate.issued_on <= today and (
            certificate.expires_on is None or certificate.expires_on >= today
        )
    is_current = staff.ended_on is None or staff.ended_on >= today
    staffing = staffing_of([institution.pk], on=today)[institution.pk]
    context = {
        "staff": staff,
        "institution": institution,
        "certificates": certificates,
        "flags": staffing.flags_of(staff.pk),
        "is_current": is_current,
        "is_carer": staff.post == Post.CARER,
        "edit_form": forms.get("edit_form")
        or StaffForm(initial=_staff_initial(staff), institution=institution, with_id_number=False),
        "end_form": forms.get("end_form") or EndForm(initial={"ended_on": today}),
        "reopen_form": forms.get("reopen_form") or ReopenForm(initial={"started_on": today}),
        "class_form": forms.get("class_form")
        or AssignClassForm(initial={"class_group": staff.class_group_id}, institution=institution),
    }
    return render(request, "workforce/institution/staff_detail.html", context, status=status)


@role_required(*KEEPERS)
def staff_detail(request, pk: int):
    """A person's page; a POST saves the edit form."""
    staff = _kept_staff(request, pk)
    if request.method != "POST":
        return _render_detail(request, staff)
    form = StaffForm(request.POST, institution=staff.institution, with_id_number=False)
    if form.is_valid():
        try:
            services.staff_update(staff=staff, by=request.user, fields=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The record is saved."))
            return redirect("workforce:staff_detail", pk=staff.pk)
    return _render_detail(request, _kept_staff(request, pk), status=400, edit_form=form)


def _person_action(
    request, pk: int, *, form_name: str, make_form, act, done: str, field: str, missing: str | None = None
):
    """One POST on a person's page: the form, then the service with the form's `field`. A refusal (or an
    empty `field` when `missing` says what to enter) is shown next to the field on the person's page (400);
    success is a confirmation and the person's page again."""
    staff = _kept_staff(request, pk)
    form = make_form(staff)
    if form.is_valid():
        try:
            if missing and form.cleaned_data.get(field) is None:
                raise ValidationError({field: [missing]})
            act(staff, form.cleaned_data[field])
        except ValidationError as exc:
            add_service_errors(form, exc, default_field=field)
        else:
            messages.success(request, done)
            return redirect("workforce:staff_detail", pk=staff.pk)
    return _render_detail(request, _kept_staff(request, pk), status=400, **{form_name: form})


@require_POST
@role_required(*KEEPERS)
def staff_end(request, pk: int):
    return _person_action(
        request,
        pk,
        form_name="end_form",
        make_form=lambda staff: EndForm(request.POST),
        act=lambda staff, day: services.staff_end(staff=staff, by=request.user, ended_on=day),
        done=_("The end of employment is recorded."),
        field="ended_on",
        missing=_("Enter the last day of employment."),
    )


@require_POST
@role_required(*KEEPERS)
def staff_reopen(request, pk: int):
    return _person_action(
        request,
        pk,
        form_name="reopen_form",
        make_form=lambda staff: ReopenForm(request.POST),
        act=lambda staff, day: services.staff_reopen(staff=staff, by=request.user, started_on=day),
        done=_("The employment is reopened."),
        field="started_on",
        missing=_("Enter the first day of the new employment."),
    )


@require_POST
@role_required(*KEEPERS)
def staff_class(request, pk: int):
    # An empty class is an answer (the carer leaves their class), not a missing field: no `missing`.
    return _person_action(
        request,
        pk,
        form_name="class_form",
        make_form=lambda staff: AssignClassForm(request.POST, institution=staff.institution),
        act=lambda staff, group: services.staff_assign_class(staff=staff, by=request.user, class_group=group),
        done=_("The class is saved."),
        field="class_group",
    )


@role_required(*KEEPERS)
def certificate_new(request, pk: int):
    staff = _kept_staff(request, pk)
    form = CertificateForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.certificate_add(
                    staff=staff,
                    by=request.user,
                    kind=data["kind"],
                    number=data["number"],
                    issuer=data["issuer"],
                    issued_on=data["issued_on"],
                    expires_on=data["expires_on"],
                    scan=data["scan"] or None,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The certificate is added."))
                return redirect("workforce:staff_detail", pk=staff.pk)
        status = 400
    context = {"staff": staff, "institution": staff.institution, "form": form}
    return render(request, "workforce/institution/certificate_new.html", context, status=status)


@require_POST
@role_required(*KEEPERS)
def certificate_remove(request, pk: int):
    certificate = certificate_for(request.user, pk)
    staff = _kept_staff(request, certificate.staff_id)
    services.certificate_remove(certificate=certificate, by=request.user)
    messages.success(request, _("The certificate is removed."))
    return redirect("workforce:staff_detail", pk=staff.pk)


@role_required(*SCAN_READERS)
def certificate_scan(request, pk: int):
    """A certificate's scan, to the operator of the person's institution or the commission; never public."""
    certificate = certificate_for(request.user, pk)
    extension = certificate.scan.name.rsplit(".", 1)[-1] if certificate.scan.name else "pdf"
    return serve_private(certificate.scan, download_name=f"certificate-{certificate.pk}.{extension}")
