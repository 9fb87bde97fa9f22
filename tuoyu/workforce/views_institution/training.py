"""The institution's training, for its operator: the open courses with the places left and a form to
enrol a member of staff, the staff enrolled on courses not started (withdraw), and each person's hours
this year against the district's requirement, short ones marked. Views parse and render; every write is
a service (services.training)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required

from ..forms.training import EnrolForm
from ..models import CourseEnrolment
from ..selectors import staff_kept_by
from ..selectors.training import hours_by_staff, open_courses, requirements_for
from ..services import training as services

KEEPERS = capabilities.STAFF_KEEPERS


def _active_staff(user):
    today = timezone.localdate()
    return (
        staff_kept_by(user)
        .filter(started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .select_related("institution")
        .order_by("institution__name", "name", "pk")
    )


@role_required(*KEEPERS)
def training(request):
    year = timezone.localdate().year
    staff = list(_active_staff(request.user))
    mine = staff_kept_by(request.user).values("pk")
    courses = list(
        open_courses().prefetch_related(
            Prefetch(
                "enrolments",
                queryset=CourseEnrolment.objects.filter(staff__in=mine)
                .select_related("staff")
                .order_by("staff__name", "pk"),
                to_attr="own_enrolments",
            )
        )
    )
    for course in courses:
        course.places_left = max(course.capacity - course.enrolled, 0)
        enrolled = {e.staff_id for e in course.own_enrolments}
        course.candidates = [s for s in staff if s.pk not in enrolled]
    hours = hours_by_staff([s.pk for s in staff], year)
    required = requirements_for({s.post for s in staff}, year)
    rows = []
    for person in staff:
        done = hours.get(person.pk, Decimal("0.0"))
        need = required.get(person.post)
        rows.append(
            {"staff": person, "hours": done, "required": need, "short": need is not None and done < need}
        )
    return render(
        request,
        "workforce/training/institution_training.html",
        {"courses": courses, "rows": rows, "year": year},
    )


@require_POST
@role_required(*KEEPERS)
def enrol(request, pk: int):
    course = get_object_or_404(open_courses(), pk=pk)
    form = EnrolForm(request.POST, staff=_active_staff(request.user))
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("workforce:training")
    staff = form.cleaned_data["staff"]
    try:
        services.course_enrol(course=course, staff=staff, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(name)s is enrolled on %(title)s.") % {"name": staff.name, "title": course.title}
        )
    return redirect("workforce:training")


@require_POST
@role_required(*KEEPERS)
def withdraw(request, pk: int):
    enrolment = get_object_or_404(
        CourseEnrolment.objects.filter(staff__in=staff_kept_by(request.user).values("pk")).select_related(
            "staff", "course"
        ),
        pk=pk,
    )
    try:
        services.course_withdraw(enrolment=enrolment, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(name)s is withdrawn from %(title)s.")
            % {"name": enrolment.staff.name, "title": enrolment.course.title},
        )
    return redirect("workforce:training")
