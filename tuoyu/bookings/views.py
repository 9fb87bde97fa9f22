"""Pages of 入托网上约 for families, institutions and the government. Views parse, authorise and render;
every write is a service (services.py, policies.py) and every record reaches a user through selectors.

Families see only their own children, visits and applications (another family's id is a 404); an
institution's people only what concerns an institution they act for (404 otherwise); government roles
only the aggregate numbers.
"""

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import Role
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors
from tuoyu.institutions.models import AgeGroup, ClassGroup, Institution
from tuoyu.institutions.selectors import institutions_of, public_institutions

from . import selectors, services
from .forms import (
    ApplicationForm,
    ChildForm,
    ChooseChildForm,
    DeclineForm,
    EnrolmentEndForm,
    EnrolmentRecordForm,
    PolicyForm,
    VisitBookForm,
    VisitSlotForm,
    new_key,
)
from .models import (
    ApplicationStatus,
    BookingEvent,
    BookingPolicy,
    EnrolmentStatus,
    VisitSlot,
    VisitStatus,
    WaitlistRule,
)
from .policies import booking_policy_set
from .workflow import OPEN, WORKFLOW_APPLICATION, WORKFLOW_ENROLMENT, WORKFLOW_VISIT

FAMILY = capabilities.FAMILIES
# The admissions pages are for the people who run the institution; its health staff (also an
# institution role, capabilities.INSTITUTION) keep to the health records. No named set for this yet.
INSTITUTION_PEOPLE = (Role.INSTITUTION_OPERATOR, Role.INSTITUTION_STAFF)
CLOSED_SHOWN = 20  # the most recent decided applications and ended enrolments on the institution's page

# What each waitlist rule means for the family reading it, beside the rule's short name.
RULE_EXPLAINED = {
    WaitlistRule.FIRST_COME: gettext_lazy(
        "When a place frees up, it is offered to the family that applied earliest."
    ),
    WaitlistRule.MULTI_CHILD_FIRST: gettext_lazy(
        "When a place frees up, second and third children of a family are offered it first; "
        "within each of the two groups, the earlier application goes first."
    ),
    WaitlistRule.WORK_NEARBY_FIRST: gettext_lazy(
        "When a place frees up, families where both parents work nearby are offered it first; "
        "within each of the two groups, the earlier application goes first."
    ),
}


def _label(choices, value: str) -> str:
    return choices(value).label if value in choices.values else value


def _first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _institution_groups(institution: Institution) -> list[str]:
    """The age groups the institution has classes for, in the national order (prefetched classes)."""
    present = {c.age_group for c in institution.classes.all()}
    return [g for g in AgeGroup.values if g in present]


# --- families ------------------------------------------------------------------------------------


def _family_context(user, form: ChildForm) -> dict:
    today = timezone.localdate()
    children = list(selectors.children_for_family(user))
    for child in children:
        child.months = child.age_in_months(today)
    events = Prefetch("events", queryset=BookingEvent.objects.order_by("at", "id"))
    applications = list(
        selectors.applications_for_user(user).prefetch_related(events).order_by("-created_at")
    )
    positions = services.waitlist_positions(applications)
    policies = {
        p.institution_id: p
        for p in BookingPolicy.objects.filter(institution_id__in={a.institution_id for a in applications})
    }
    for application in applications:
        application.position = positions.get(application.pk)
        if application.status in OPEN:
            policy = policies.get(application.institution_id) or BookingPolicy(
                institution=application.institution
            )
            application.rule = policy.get_waitlist_rule_display()
            application.rule_explained = RULE_EXPLAINED.get(policy.waitlist_rule, "")
        application.actions = WORKFLOW_APPLICATION.allowed_actions(application, user)
        application.timeline = [(e, _label(ApplicationStatus, e.to_status)) for e in application.events.all()]
    visits = list(
        selectors.visits_for_user(user).prefetch_related(events).order_by("-slot__starts_at", "-id")
    )
    for visit in visits:
        visit.actions = WORKFLOW_VISIT.allowed_actions(visit, user)
        visit.timeline = [(e, _label(VisitStatus, e.to_status)) for e in visit.events.all()]
    enrolments = list(
        selectors.enrolments_for_user(user).prefetch_related(events).order_by("-start_date", "-id")
    )
    for enrolment in enrolments:
        # Its ending, and why: the family reads it beside the dates.
        enrolment.timeline = [(e, _label(EnrolmentStatus, e.to_status)) for e in enrolment.events.all()]
    return {
        "children": children,
        "form": form,
        "applications": applications,
        "visits": visits,
        "enrolments": enrolments,
    }


@role_required(*FAMILY)
def family_home(request):
    """我的预约: my children (and adding one), my visits and applications with their timelines."""
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_add(family=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": child.name})
            return redirect("bookings:me")
    return render(request, "bookings/family.html", _family_context(request.user, form))


def _group_rows(institution: Institution, child, on: date) -> list[dict]:
    rows = []
    for group in _institution_groups(institution):
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
    groups = _institution_groups(institution)

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

    visit_form = None
    apply_form = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "visit":
            visit_form = VisitBookForm(request.POST)
            if visit_form.is_valid():
                slot = get_object_or_404(
                    VisitSlot, pk=visit_form.cleaned_data["slot"], institution=institution
                )
                visit_child = None
                if visit_form.cleaned_data["child"]:
                    visit_child = selectors.access_child_for_family(user, visit_form.cleaned_data["child"])
                try:
                    services.visit_book(
                        slot=slot,
                        family=user,
                        idempotency_key=visit_form.cleaned_data["key"],
                        child=visit_child,
                    )
                except ValidationError as exc:
                    add_service_errors(visit_form, exc)
                else:
                    messages.success(
                        request,
                        _("Visit booked for %(time)s. You will find it under My bookings.")
                        % {"time": timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M")},
                    )
                    return redirect("bookings:me")
        elif action == "apply":
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
                    return redirect("bookings:me")
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
    for slot in slots:
        slot.key = new_key()
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
            "visit_form": visit_form,
            "apply_form": apply_form,
            "mine": mine,
        },
    )


def _back_to_me(request, exc: ValidationError):
    messages.error(request, " ".join(exc.messages))
    return redirect("bookings:me")


@role_required(*FAMILY)
@require_POST
def visit_cancel(request, pk: int):
    visit = selectors.access_visit_for_user(request.user, pk)
    try:
        services.visit_cancel(visit=visit, by=request.user)
    except ValidationError as exc:
        return _back_to_me(request, exc)
    messages.success(request, _("The visit was cancelled."))
    return redirect("bookings:me")


@role_required(*FAMILY)
@require_POST
def application_cancel(request, pk: int):
    application = selectors.access_application_for_user(request.user, pk)
    try:
        services.application_cancel(application=application, by=request.user)
    except ValidationError as exc:
        return _back_to_me(request, exc)
    messages.success(request, _("The application was cancelled."))
    return redirect("bookings:me")


@role_required(*FAMILY)
@require_POST
def offer_accept(request, pk: int):
    application = selectors.access_application_for_user(request.user, pk)
    try:
        services.offer_accept(application=application, family=request.user)
    except ValidationError as exc:
        return _back_to_me(request, exc)
    messages.success(
        request,
        _("You accepted the place. %(child)s starts on %(date)s.")
        % {"child": application.child.name, "date": application.start_date.isoformat()},
    )
    return redirect("bookings:me")


# --- institutions --------------------------------------------------------------------------------


def _my_institution(user, pk: int) -> Institution:
    institution = (
        institutions_of(user)
        .prefetch_related(Prefetch("classes", queryset=ClassGroup.objects.order_by("age_group", "name")))
        .filter(pk=pk)
        .first()
    )
    if institution is None:
        raise Http404
    return institution


@role_required(*INSTITUTION_PEOPLE)
def manage_pick(request):
    institutions = list(institutions_of(request.user).select_related("unit").order_by("name"))
    if len(institutions) == 1:
        return redirect("bookings:manage", pk=institutions[0].pk)
    return render(request, "bookings/manage_pick.html", {"institutions": institutions})


def _render_manage(
    request,
    institution: Institution,
    *,
    status: int = 200,
    notice: str = "",
    slot_form=None,
    enrol_form=None,
    policy_form=None,
):
    user = request.user
    today = timezone.localdate()
    classes = list(institution.classes.all())
    groups = _institution_groups(institution)
    mine = selectors.applications_for_user(user).filter(institution=institution)
    open_apps = list(mine.filter(status__in=OPEN).order_by("created_at", "id"))
    closed_apps = list(mine.exclude(status__in=OPEN).order_by("-updated_at", "-id")[:CLOSED_SHOWN])
    for application in open_apps + closed_apps:
        application.months = application.child.age_in_months(application.start_date)
        application.actions = WORKFLOW_APPLICATION.allowed_actions(application, user)
    by_status = [
        (
            status_value,
            ApplicationStatus(status_value).label,
            [a for a in open_apps if a.status == status_value],
        )
        for status_value in (
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.OFFERED,
            ApplicationStatus.WAITLISTED,
        )
    ]
    policy = services.policy_for(institution)
    waitlists = []
    for group in groups:
        rows = list(services.waitlist(institution, group))
        for position, application in enumerate(rows, start=1):
            application.position = position
            application.months = application.child.age_in_months(application.start_date)
        waitlists.append(
            {
                "group": group,
                "label": AgeGroup(group).label,
                "rows": rows,
                "free": services.free_places(institution, group),
            }
        )
    visits = list(
        selectors.visits_for_user(user)
        .filter(slot__institution=institution, status=VisitStatus.BOOKED)
        .order_by("slot__starts_at", "id")
    )
    for visit in visits:
        visit.actions = WORKFLOW_VISIT.allowed_actions(visit, user)
    enrolments = selectors.enrolments_for_user(user).filter(institution=institution)
    active = list(
        enrolments.filter(status=EnrolmentStatus.ACTIVE).order_by("class_group__name", "child__name")
    )
    for enrolment in active:
        enrolment.actions = WORKFLOW_ENROLMENT.allowed_actions(enrolment, user)
    ended = list(
        enrolments.filter(status=EnrolmentStatus.ENDED)
        .prefetch_related(Prefetch("events", queryset=BookingEvent.objects.select_related("by")))
        .order_by("-end_date", "-id")[:CLOSED_SHOWN]
    )
    for enrolment in ended:
        # Who ended it and why (none for an enrolment ended before its events were kept).
        enrolment.ending = next(
            (e for e in reversed(enrolment.events.all()) if e.to_status == EnrolmentStatus.ENDED), None
        )
    tomorrow = today + timedelta(days=1)
    return render(
        request,
        "bookings/manage.html",
        {
            "institution": institution,
            "institutions": institutions_of(user).order_by("name"),
            "notice": notice,
            "by_status": by_status,
            "closed_apps": closed_apps,
            "waitlists": waitlists,
            "policy": policy,
            "rule_explained": RULE_EXPLAINED.get(policy.waitlist_rule, ""),
            "visits": visits,
            "slots": list(selectors.open_visit_slots(institution)),
            "active": active,
            "ended": ended,
            "today": today,
            "slot_form": slot_form
            or VisitSlotForm(initial={"day": tomorrow, "starts_at": time(9, 30), "ends_at": time(10, 30)}),
            "enrol_form": enrol_form
            or EnrolmentRecordForm(initial={"start_date": today}, institution=institution, classes=classes),
            "policy_form": policy_form
            or PolicyForm(initial={"waitlist_rule": policy.waitlist_rule, "offer_hours": policy.offer_hours}),
        },
        status=status,
    )


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


@role_required(*INSTITUTION_PEOPLE)
def manage(request, pk: int):
    """入托管理 of one institution: applications, the waitlist, visits, slots, enrolments, the policy."""
    institution = _my_institution(request.user, pk)
    user = request.user
    forms = {}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "slot":
            form = VisitSlotForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.visit_slot_create(
                        institution=institution,
                        by=user,
                        starts_at=_aware(data["day"], data["starts_at"]),
                        ends_at=_aware(data["day"], data["ends_at"]),
                        capacity=data["capacity"],
                        note=data["note"],
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("The visit time is published."))
                    return redirect("bookings:manage", pk=institution.pk)
            forms["slot_form"] = form
        elif action == "enrol":
            classes = list(institution.classes.all())
            form = EnrolmentRecordForm(request.POST, institution=institution, classes=classes)
            if form.is_valid():
                data = form.cleaned_data
                class_group = next(c for c in classes if c.pk == data["class_group"])
                try:
                    services.enrolment_record(
                        institution=institution,
                        by=user,
                        class_group=class_group,
                        child_name=data["child_name"],
                        sex=data["sex"],
                        birth_date=data["birth_date"],
                        service_type=data["service_type"],
                        start_date=data["start_date"],
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("The enrolment is recorded."))
                    return redirect("bookings:manage", pk=institution.pk)
            forms["enrol_form"] = form
        elif action == "policy":
            form = PolicyForm(request.POST)
            if form.is_valid():
                try:
                    booking_policy_set(institution=institution, by=user, **form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("The waitlist rule is saved."))
                    return redirect("bookings:manage", pk=institution.pk)
            forms["policy_form"] = form
        else:
            return HttpResponseBadRequest()
    return _render_manage(request, institution, **forms)


@role_required(*INSTITUTION_PEOPLE)
@require_POST
def application_accept(request, pk: int):
    application = selectors.access_application_for_user(request.user, pk)
    try:
        result = services.application_accept(application=application, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("bookings:manage", pk=application.institution_id)
    if not result.accepted:
        # Said on the page itself, with 409: the accept did not happen, the family is on the waitlist.
        institution = _my_institution(request.user, application.institution_id)
        return _render_manage(
            request,
            institution,
            status=409,
            notice=_("No place left in %(group)s: %(child)s was moved to the waitlist.")
            % {"group": AgeGroup(application.age_group).label, "child": application.child.name},
        )
    messages.success(request, _("%(child)s is enrolled.") % {"child": application.child.name})
    return redirect("bookings:manage", pk=application.institution_id)


@role_required(*INSTITUTION_PEOPLE)
def application_decline(request, pk: int):
    application = selectors.access_application_for_user(request.user, pk)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_decline(
                application=application, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="reason")
        else:
            messages.success(request, _("The application was declined and the family told why."))
            return redirect("bookings:manage", pk=application.institution_id)
    application.months = application.child.age_in_months(application.start_date)
    return render(request, "bookings/decline.html", {"application": application, "form": form})


@role_required(*INSTITUTION_PEOPLE)
@require_POST
def offer_next(request, pk: int):
    institution = _my_institution(request.user, pk)
    group = request.POST.get("age_group", "")
    if group not in AgeGroup.values:
        return HttpResponseBadRequest()
    offered = services.offer_next(institution=institution, age_group=group, by=request.user)
    if offered:
        messages.success(
            request,
            ngettext(
                "A place was offered to %(n)s family.",
                "Places were offered to %(n)s families.",
                len(offered),
            )
            % {"n": len(offered)},
        )
    else:
        messages.warning(
            request, _("Nothing to offer: no place is free in this age group, or nobody is waiting.")
        )
    return redirect("bookings:manage", pk=institution.pk)


@role_required(*INSTITUTION_PEOPLE)
@require_POST
def visit_outcome(request, pk: int):
    visit = selectors.access_visit_for_user(request.user, pk)
    outcome = request.POST.get("outcome")
    try:
        if outcome == "cancel":
            services.visit_cancel(visit=visit, by=request.user)
        elif outcome in ("attended", "no_show"):
            services.visit_record(visit=visit, by=request.user, attended=outcome == "attended")
        else:
            return HttpResponseBadRequest()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The visit is updated."))
    return redirect("bookings:manage", pk=visit.slot.institution_id)


@role_required(*INSTITUTION_PEOPLE)
@require_POST
def enrolment_end(request, pk: int):
    enrolment = selectors.enrolments_for_user(request.user).filter(pk=pk).first()
    if enrolment is None:
        raise Http404
    form = EnrolmentEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the last day as a date."))
        return redirect("bookings:manage", pk=enrolment.institution_id)
    try:
        services.enrolment_end(
            enrolment=enrolment,
            by=request.user,
            end_date=form.cleaned_data["end_date"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(child)s's enrolment has ended; the place goes to the waitlist.")
            % {"child": enrolment.child.name},
        )
    return redirect("bookings:manage", pk=enrolment.institution_id)


# --- government ----------------------------------------------------------------------------------


@role_required(*capabilities.GOVERNMENT)
def statistics(request):
    """Applications by status and children attending, per institution: numbers only, never a name."""
    rows = selectors.booking_statistics(request.user)
    keys = [f"n_{value}" for value in ApplicationStatus.values] + ["active"]
    columns = [ApplicationStatus(value).label for value in ApplicationStatus.values] + [_("Attending now")]
    for row in rows:
        row["cells"] = [row[key] for key in keys]
    totals = [sum(row[key] for row in rows) for key in keys]
    return render(
        request,
        "bookings/statistics.html",
        {"rows": rows, "columns": columns, "totals": totals},
    )
