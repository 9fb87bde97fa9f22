"""入托管理, the admissions pages of an institution's people: applications, the waitlist, visits and visit
times, enrolments and the waitlist rule. Only what concerns an institution they act for (404 otherwise);
every write is a service (services, policies)."""

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors
from tuoyu.institutions.models import AgeGroup, ClassGroup, Institution
from tuoyu.institutions.selectors import institutions_of

from . import selectors, services
from .forms import DeclineForm, EnrolmentEndForm, EnrolmentRecordForm, PolicyForm, VisitSlotForm
from .models import ApplicationStatus, BookingEvent, EnrolmentStatus, VisitStatus
from .policies import RULE_EXPLAINED, booking_policy_set
from .workflow import OPEN, WORKFLOW_APPLICATION, WORKFLOW_ENROLMENT, WORKFLOW_VISIT

# The admissions pages are for the people who run the institution (operator and staff); its health
# staff, also an institution role, keep to the health records.
INSTITUTION_PEOPLE = capabilities.ADMISSIONS


CLOSED_SHOWN = 20  # the most recent decided applications and ended enrolments on the institution's page


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
    groups = selectors.institution_age_groups(institution)
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
