"""Pages of 入托网上约 for families: my bookings (children, visits, applications with their timelines,
enrolments), adding a child, an institution's booking page and the confirmation of a visit. Views parse,
authorise and render; every write is a service and every record reaches the family through selectors:
another family's id is a 404.

After a visit or an application the family lands on 我的办件 (workspace:mine, reached by its URL name:
no app imports workspace), where the new matter shows with its next step."""

from datetime import date
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors
from tuoyu.core.http import safe_next
from tuoyu.institutions.models import AgeGroup, ClassGroup, Institution
from tuoyu.institutions.selectors import public_institutions

from . import progress, selectors, services
from .forms import ApplicationForm, ChildForm, ChooseChildForm, VisitConfirmForm, new_key
from .models import ApplicationStatus, BookingPolicy, VisitStatus
from .policies import RULE_EXPLAINED
from .workflow import OPEN, WORKFLOW_APPLICATION, WORKFLOW_VISIT

FAMILY = capabilities.FAMILIES
MINE = "workspace:mine"


def _first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _family_context(user, form: ChildForm) -> dict:
    today = timezone.localdate()
    children = list(selectors.children_for_family(user))
    for child in children:
        child.months = child.age_in_months(today)
    mine = progress.family_bookings(user)
    policies = {
        p.institution_id: p
        for p in BookingPolicy.objects.filter(
            institution_id__in={a.institution_id for a in mine.applications if a.status in OPEN}
        )
    }
    for application in mine.applications:
        if application.status in OPEN:
            policy = policies.get(application.institution_id) or BookingPolicy(
                institution=application.institution
            )
            application.rule = policy.get_waitlist_rule_display()
            application.rule_explained = RULE_EXPLAINED.get(policy.waitlist_rule, "")
        application.actions = WORKFLOW_APPLICATION.allowed_actions(application, user)
    for visit in mine.visits:
        visit.actions = WORKFLOW_VISIT.allowed_actions(visit, user)
    return {
        "children": children,
        "form": form,
        "applications": mine.applications,
        "visits": mine.visits,
        "enrolments": mine.enrolments,
    }


@role_required(*FAMILY)
def family_home(request):
    """我的预约: my children (and adding one), my visits and applications with their timelines."""
    form = ChildForm(request.POST or None)
    child = _add_child(request, form)
    if child:
        return redirect("bookings:me")
    return render(request, "bookings/family.html", _family_context(request.user, form))


def _add_child(request, form):
    """The child a valid POST of `form` added (and said so), or None with the form's errors set."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        child = services.child_add(family=request.user, **form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, _("%(name)s was added.") % {"name": child.name})
    return child


def _back_with_child(target: str, child) -> str:
    """Back to the page the family came from; an institution's booking page and a visit's confirmation
    also get the new child chosen (`?child=`), so the age check and the visit are about that child
    straight away."""
    parts = urlsplit(target)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return target
    if match.view_name not in ("bookings:institution", "bookings:visit_confirm"):
        return target
    return f"{parts.path}?{urlencode({'child': child.pk})}"


@role_required(*FAMILY)
def child_add(request):
    """Add a child from wherever the family needed one (an institution's visit or apply section) and
    return there: `next` is kept through the form and followed only to a page of this site."""
    back = safe_next(request)
    form = ChildForm(request.POST or None)
    child = _add_child(request, form)
    if child:
        return redirect(_back_with_child(back, child) if back else "bookings:me")
    return render(request, "bookings/child_add.html", {"form": form, "next": back})


def _group_rows(institution: Institution, child, on: date) -> list[dict]:
    rows = []
    for group in selectors.institution_age_groups(institution):
        row = {
            "group": group,
            "label": AgeGroup(group).label,
            "free": services.free_places(institution, group),
        }
        if child is not None:
            row["fits"] = services.fits_age_group(child, group, on)
            row["from_month"] = None if row["fits"] else services.first_eligible_month(child, group, on)
        rows.append(row)
    return rows


@role_required(*FAMILY)
def institution_page(request, pk: int):
    """A family's booking page for one institution: which age groups fit a child on a start date, the
    visit slots, and the application form."""
    institution = get_object_or_404(
        public_institutions()
        .select_related("unit")
        .prefetch_related(Prefetch("classes", queryset=ClassGroup.objects.order_by("age_group", "name"))),
        pk=pk,
    )
    user = request.user
    children = list(selectors.children_for_family(user))
    groups = selectors.institution_age_groups(institution)

    # Another family's child id is a 404 here, as anywhere; an unreadable start date falls back to the
    # first of next month.
    raw_child = request.GET.get("child", "")
    child = selectors.access_child_for_family(user, int(raw_child)) if raw_child.isdigit() else None
    if child is None and len(children) == 1:
        child = children[0]
    # Its own id prefix: the apply form below has a "child" field too, and ids must be unique.
    choose = ChooseChildForm(request.GET, children=children, auto_id="choose_%s")
    choose.is_valid()
    on = choose.cleaned_data.get("on") or _first_of_next_month(timezone.localdate())

    apply_form = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "apply":
            raw = request.POST.get("child", "")
            # Another family's child is not there for this family: 404, as for any record not theirs.
            posted_child = selectors.access_child_for_family(user, int(raw)) if raw.isdigit() else None
            apply_form = ApplicationForm(
                request.POST, children=children, institution=institution, age_groups=groups
            )
            if apply_form.is_valid() and posted_child is not None:
                data = apply_form.cleaned_data
                try:
                    application = services.application_submit(
                        family=user,
                        child=posted_child,
                        institution=institution,
                        age_group=data["age_group"],
                        service_type=data["service_type"],
                        start_date=data["start_date"],
                        idempotency_key=data["key"],
                        notes=data["notes"],
                        parents_work_nearby=data["parents_work_nearby"],
                    )
                except ValidationError as exc:
                    add_service_errors(apply_form, exc)
                else:
                    if application.status == ApplicationStatus.WAITLISTED:
                        messages.warning(
                            request,
                            _(
                                "No place is free in this age group now: %(child)s is number %(n)s on the waitlist."
                            )
                            % {"child": posted_child.name, "n": services.waitlist_position(application)},
                        )
                    else:
                        messages.success(
                            request, _("Application sent. The institution will answer you here and by SMS.")
                        )
                    return redirect(MINE)
        else:
            return HttpResponseBadRequest()

    if apply_form is None:
        fitting = [g for g in groups if child is not None and services.fits_age_group(child, g, on)]
        apply_form = ApplicationForm(
            initial={
                "child": child.pk if child else None,
                "age_group": fitting[0] if fitting else None,
                "service_type": (institution.service_types or [None])[0],
                "start_date": on,
                "key": new_key(),
            },
            children=children,
            institution=institution,
            age_groups=groups,
        )
    slots = list(selectors.open_visit_slots(institution))
    booked_slot_ids = set(
        selectors.visits_for_user(user)
        .filter(slot__institution=institution, status=VisitStatus.BOOKED)
        .values_list("slot_id", flat=True)
    )
    mine = list(selectors.applications_for_user(user).filter(institution=institution).order_by("-created_at"))
    return render(
        request,
        "bookings/institution.html",
        {
            "institution": institution,
            "children": children,
            "child": child,
            "on": on,
            # Drawn unbound with what was understood, so a missing or unreadable date shows the default.
            "choose": ChooseChildForm(
                initial={"child": child.pk if child else None, "on": on},
                children=children,
                auto_id="choose_%s",
            ),
            "groups": _group_rows(institution, child, on),
            "slots": slots,
            "booked_slot_ids": booked_slot_ids,
            "apply_form": apply_form,
            "mine": mine,
        },
    )


@role_required(*FAMILY)
def visit_confirm(request, pk: int, slot_pk: int):
    """Book a visit in two steps: this page shows the slot's day, time and address and asks which child
    it is for (or none), and its "Confirm" books. The key drawn with the page makes a double tap, or a
    repeated POST, answer the visit already booked (services.visit_book)."""
    institution = get_object_or_404(public_institutions().select_related("unit"), pk=pk)
    slot = get_object_or_404(selectors.open_visit_slots(institution), pk=slot_pk)
    user = request.user
    children = list(selectors.children_for_family(user))
    if request.method == "POST":
        form = VisitConfirmForm(request.POST, children=children)
        # Another family's child is a 404 before anything is booked, as on every booking page.
        raw = request.POST.get("child", "")
        visit_child = selectors.access_child_for_family(user, int(raw)) if raw.isdigit() else None
        if form.is_valid():
            try:
                visit = services.visit_book(
                    slot=slot, family=user, idempotency_key=form.cleaned_data["key"], child=visit_child
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Visit booked: %(name)s, %(day)s at %(time)s. It is listed below with its address.")
                    % {
                        "name": institution.name,
                        "day": progress.day_text(visit.slot.starts_at),
                        "time": progress.time_text(visit.slot.starts_at),
                    },
                )
                return redirect(MINE)
    else:
        raw = request.GET.get("child", "")
        chosen = selectors.access_child_for_family(user, int(raw)) if raw.isdigit() else None
        if chosen is None and len(children) == 1:
            chosen = children[0]
        form = VisitConfirmForm(
            initial={"child": chosen.pk if chosen else "", "key": new_key()}, children=children
        )
    already = (
        selectors.visits_for_user(user).filter(slot=slot, status=VisitStatus.BOOKED).exists()
        if request.method == "GET"
        else False
    )
    return render(
        request,
        "bookings/visit_confirm.html",
        {
            "institution": institution,
            "slot": slot,
            "form": form,
            "children": children,
            "already": already,
            "add_child_next": request.path,
        },
    )


def _act_then_back_to_me(request, act, done: str):
    """The family's one-button actions: run the service, say what happened (or why it could not), and
    go back where the button was (我的办件 or 我的预约, `next`), where the timeline shows the change."""
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(safe_next(request) or "bookings:me")


@role_required(*FAMILY)
@require_POST
def visit_cancel(request, pk: int):
    visit = selectors.access_visit_for_user(request.user, pk)
    return _act_then_back_to_me(
        request, lambda: services.visit_cancel(visit=visit, by=request.user), _("The visit was cancelled.")
    )


@role_required(*FAMILY)
@require_POST
def application_cancel(request, pk: int):
    application = selectors.access_application_for_user(request.user, pk)
    return _act_then_back_to_me(
        request,
        lambda: services.application_cancel(application=application, by=request.user),
        _("The application was cancelled."),
    )


@role_required(*FAMILY)
@require_POST
def offer_accept(request, pk: int):
    application = selectors.access_application_for_user(request.user, pk)
    return _act_then_back_to_me(
        request,
        lambda: services.offer_accept(application=application, family=request.user),
        _("You accepted the place. %(child)s starts on %(date)s.")
        % {"child": application.child.name, "date": application.start_date.isoformat()},
    )
