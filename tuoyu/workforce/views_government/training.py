"""The district's courses, for the training managers (commission, guidance centre): the list, a new course,
a draft's edit, the course with its enrolments and the buttons its workflow allows, the attendance sheet
(one card per person, for a phone) and the attendance in Excel (names and institutions, never an ID
number). Views parse and render; every write is a service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.accounts.services import CountedRows, export_record
from tuoyu.core.access import role_required
from tuoyu.core.excel import xlsx_response
from tuoyu.core.forms import add_service_errors

from ..forms.training import AttendanceForm, CancelCourseForm, CourseForm
from ..models import CourseStatus
from ..selectors.training import courses_visible_to
from ..services import training as services
from ..workflow import COURSE_WORKFLOW, is_editable, records_attendance

MANAGERS = capabilities.TRAINING_MANAGERS
PAGE_SIZE = 30


def _course_for(request, pk: int):
    return get_object_or_404(courses_visible_to(request.user).select_related("created_by"), pk=pk)


def _enrolments(course):
    return course.enrolments.select_related("staff__institution").order_by(
        "staff__institution__name", "staff__name", "pk"
    )


@role_required(*MANAGERS)
def course_list(request):
    status = request.GET.get("status") or ""
    qs = courses_visible_to(request.user).order_by("-starts_on", "-pk")
    if status in CourseStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workforce/training/course_list.html",
        {"page": page, "statuses": CourseStatus.choices, "status": status},
    )


@role_required(*MANAGERS)
def course_new(request):
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The course is saved as a draft. Publish it to open enrolment."))
            return redirect("workforce:course", pk=course.pk)
    return render(request, "workforce/training/course_form.html", {"form": form, "course": None})


@role_required(*MANAGERS)
def course_edit(request, pk: int):
    course = _course_for(request, pk)
    if not is_editable(course):
        messages.error(request, _("Only a draft course can be changed."))
        return redirect("workforce:course", pk=course.pk)
    initial = {name: getattr(course, name) for name in services.COURSE_FIELDS}
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(course=course, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The course is saved."))
            return redirect("workforce:course", pk=course.pk)
    return render(request, "workforce/training/course_form.html", {"form": form, "course": course})


@role_required(*MANAGERS)
def course_detail(request, pk: int):
    course = _course_for(request, pk)
    actions = COURSE_WORKFLOW.allowed_actions(course, request.user)
    return render(
        request,
        "workforce/training/course_detail.html",
        {
            "course": course,
            "enrolments": _enrolments(course),
            "actions": actions,
            "may_edit": is_editable(course),
            "may_record": records_attendance(course, timezone.localdate()),
            "events": course.events.select_related("by"),
        },
    )


@require_POST
@role_required(*MANAGERS)
def course_action(request, pk: int, action: str):
    """Publish or close: the buttons COURSE_WORKFLOW.allowed_actions shows (cancel asks for a reason)."""
    course = _course_for(request, pk)
    act = {"publish": services.course_publish, "close": services.course_close}.get(action)
    if act is None:
        raise Http404
    try:
        act(course=course, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The course is published: institutions can enrol their staff.")
            if action == "publish"
            else _("The course is closed: its hours count for the people who attended."),
        )
    return redirect("workforce:course", pk=course.pk)


@role_required(*MANAGERS)
def course_cancel(request, pk: int):
    course = _course_for(request, pk)
    form = CancelCourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_cancel(course=course, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="reason" if hasattr(exc, "error_dict") else None)
        else:
            messages.success(
                request, _("The course is cancelled; the institutions with staff on it are told.")
            )
            return redirect("workforce:course", pk=course.pk)
    return render(request, "workforce/training/course_cancel.html", {"course": course, "form": form})


@role_required(*MANAGERS)
def course_attendance(request, pk: int):
    course = _course_for(request, pk)
    form = AttendanceForm(request.POST or None, enrolments=_enrolments(course), course_hours=course.hours)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.attendance_record(course=course, by=request.user, rows=form.service_rows())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Attendance is recorded for %(count)d people.") % {"count": len(saved)}
            )
            return redirect("workforce:course", pk=course.pk)
    return render(request, "workforce/training/course_attendance.html", {"course": course, "form": form})


@role_required(*MANAGERS)
def course_attendance_xlsx(request, pk: int):
    course = _course_for(request, pk)
    attended_label = {True: _("Attended"), False: _("Absent"), None: _("Not recorded")}
    rows = CountedRows(
        (
            e.staff.name,
            e.staff.get_post_display(),
            e.staff.institution.name,
            attended_label[e.attended],
            e.hours,
        )
        for e in _enrolments(course).iterator(chunk_size=500)
    )
    response = xlsx_response(
        filename=f"course-{course.pk}-attendance.xlsx",
        sheet=_("Attendance"),
        headers=[_("Full name"), _("Post"), _("Institution"), _("Attendance"), _("Hours")],
        rows=rows,
        note=_("%(title)s, %(start)s – %(end)s, %(hours)s hours")
        % {
            "title": course.title,
            "start": course.starts_on.isoformat(),
            "end": course.ends_on.isoformat(),
            "hours": course.hours,
        },
    )
    # Staff names make this a personal-data export (accounts.services.PERSONAL_EXPORTS).
    export_record(
        user=request.user, export="course_attendance", rows=rows.count, filters=course.title, request=request
    )
    return response
