"""Workforce's API under /api/v1/: staff and certificates (an operator's own institutions), courses and
attendance. Each view declares `tuoyu_access`; errors follow core.api's one shape."""

# --- staff and certificates ---
# An institution's operator keeps its own institutions' staff and their certificates; the commission
# (WORKFORCE_OVERSEERS) reads every person, as it follows a flag; no one else sees a person. Another
# institution's row is a 404 (selectors.staff_for, certificate_for). The ID number goes in on create and
# comes out only masked. The same person twice at an institution, or a certificate number already
# recorded, is a 409 (code `duplicate`).

import django_filters
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions as drf_exceptions
from rest_framework import response as drf_response
from rest_framework.generics import ListAPIView

from tuoyu.accounts import capabilities
from tuoyu.core import api_views
from tuoyu.core.access import only
from tuoyu.core.filters import IdFilter
from tuoyu.institutions.models import ClassGroup

from . import selectors as staff_selectors
from .models import Certificate, Post, StaffMember
from .serializers import (
    WorkforceCertificateCreateSerializer,
    WorkforceCertificateSerializer,
    WorkforceStaffCreateSerializer,
    WorkforceStaffErrorSerializer,
    WorkforceStaffSerializer,
    WorkforceStaffUpdateSerializer,
)
from .services import staff as staff_services

STAFF_READERS = capabilities.STAFF_KEEPERS | capabilities.WORKFORCE_OVERSEERS
STAFF_WRITERS = capabilities.STAFF_KEEPERS
STAFF_ERRORS = {
    400: OpenApiResponse(
        WorkforceStaffErrorSerializer, description="Invalid request, or refused by the rules"
    ),
    403: OpenApiResponse(WorkforceStaffErrorSerializer, description="Your role or relation may not do this"),
    404: OpenApiResponse(WorkforceStaffErrorSerializer, description="No such record that you may see"),
    409: OpenApiResponse(
        WorkforceStaffErrorSerializer, description="Already recorded: the same person, the same certificate"
    ),
}


def _staff_rows(user):
    return staff_selectors.staff_visible_to(user).select_related("institution", "class_group")


def _staff_answer(pk: int) -> dict:
    return WorkforceStaffSerializer(
        StaffMember.objects.select_related("institution", "class_group").get(pk=pk)
    ).data


def _kept(user, pk: int) -> StaffMember:
    """A row the operator keeps; another's is a 404."""
    staff = staff_selectors.staff_kept_by(user).select_related("institution").filter(pk=pk).first()
    if staff is None:
        raise drf_exceptions.NotFound
    return staff


def _class_of(fields: dict) -> dict:
    """The `class_group` id as the row (the service checks it is the institution's)."""
    if fields.get("class_group") is not None:
        group = ClassGroup.objects.filter(pk=fields["class_group"]).first()
        if group is None:
            raise drf_exceptions.ValidationError({"class_group": [gettext("No such class.")]})
        fields["class_group"] = group
    return fields


class StaffFilter(django_filters.FilterSet):
    institution = IdFilter(field_name="institution_id")
    post = django_filters.ChoiceFilter(choices=Post.choices)

    class Meta:
        model = StaffMember
        fields = ["institution", "post"]


@extend_schema_view(
    get=extend_schema(
        operation_id="workforce_staff_list",
        summary="Staff you may see",
        description="An operator: the staff of their own institutions (current and former). The commission: "
        "everyone. The ID number only masked.",
    )
)
class StaffListAPI(api_views.SignedInAPIView, ListAPIView):
    tuoyu_access = only(*STAFF_READERS, write=STAFF_WRITERS)
    serializer_class = WorkforceStaffSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = StaffFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StaffMember.objects.none()
        return _staff_rows(self.request.user).order_by("institution_id", "post", "name", "pk")

    @extend_schema(
        operation_id="workforce_staff_create",
        summary="Add a member of staff",
        description="An institution's operator. `institution` is needed only when they keep more than one. "
        "The ID number is checked by its check digit; the same person twice at one institution is a 409 "
        "(a former employee is reopened instead: PATCH `ended_on` to null).",
        request=WorkforceStaffCreateSerializer,
        responses={201: WorkforceStaffSerializer, **STAFF_ERRORS},
    )
    def post(self, request):
        fields = dict(api_views.validated(request, WorkforceStaffCreateSerializer))
        kept = list(staff_selectors.kept_institutions(request.user).order_by("pk"))
        wanted = fields.pop("institution", None)
        if wanted is None and len(kept) != 1:
            raise drf_exceptions.ValidationError({"institution": [gettext("Choose the institution.")]})
        institution = kept[0] if wanted is None else next((i for i in kept if i.pk == wanted), None)
        if institution is None:
            raise drf_exceptions.ValidationError({"institution": [gettext("Not an institution you keep.")]})
        with api_views.service_errors(field_conflicts=True):
            staff = staff_services.staff_add(
                institution=institution, by=request.user, fields=_class_of(fields)
            )
        return drf_response.Response(_staff_answer(staff.pk), status=201)


class StaffDetailAPI(api_views.SignedInAPIView):
    tuoyu_access = only(*STAFF_READERS, write=STAFF_WRITERS)
    serializer_class = WorkforceStaffSerializer

    @extend_schema(
        operation_id="workforce_staff_retrieve",
        summary="One member of staff",
        responses={200: WorkforceStaffSerializer, 404: STAFF_ERRORS[404]},
    )
    def get(self, request, pk: int):
        return drf_response.Response(
            WorkforceStaffSerializer(staff_selectors.staff_for(request.user, pk)).data
        )

    @extend_schema(
        operation_id="workforce_staff_partial_update",
        summary="Correct or complete a member of staff's record",
        description="The operator of the person's institution. Not the ID number. `ended_on` ends the "
        "employment; null reopens it; `class_group` assigns a carer to a class of the same institution.",
        request=WorkforceStaffUpdateSerializer,
        responses={200: WorkforceStaffSerializer, **STAFF_ERRORS},
    )
    def patch(self, request, pk: int):
        staff = _kept(request.user, pk)
        fields = dict(api_views.validated(request, WorkforceStaffUpdateSerializer, partial=True))
        with api_views.service_errors(field_conflicts=True):
            staff_services.staff_update(staff=staff, by=request.user, fields=_class_of(fields))
        return drf_response.Response(_staff_answer(staff.pk))


@extend_schema_view(
    get=extend_schema(
        operation_id="workforce_staff_certificates_list",
        summary="A member of staff's certificates",
        responses={200: WorkforceCertificateSerializer(many=True), 404: STAFF_ERRORS[404]},
    )
)
class StaffCertificateListAPI(api_views.SignedInAPIView, ListAPIView):
    tuoyu_access = only(*STAFF_READERS, write=STAFF_WRITERS)
    serializer_class = WorkforceCertificateSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Certificate.objects.none()
        staff = staff_selectors.staff_for(self.request.user, self.kwargs["pk"])
        return staff.certificates.select_related("kind").order_by("kind__sort_order", "-issued_on", "pk")

    @extend_schema(
        operation_id="workforce_staff_certificates_create",
        summary="Add a certificate (JSON, or multipart with its scan)",
        description="The operator of the person's institution. The scan is a PDF, JPEG or PNG by content; "
        "an expiry before the issue date is a 400; a number already recorded (for this person, or for "
        "another person under the same kind) is a 409.",
        request={
            "application/json": WorkforceCertificateCreateSerializer,
            "multipart/form-data": WorkforceCertificateCreateSerializer,
        },
        responses={201: WorkforceCertificateSerializer, **STAFF_ERRORS},
    )
    def post(self, request, pk: int):
        staff = _kept(request.user, pk)
        body = api_views.validated(request, WorkforceCertificateCreateSerializer)
        with api_views.service_errors(field_conflicts=True):
            certificate = staff_services.certificate_add(
                staff=staff,
                by=request.user,
                kind=body["kind"],
                number=body["number"],
                issuer=body["issuer"],
                issued_on=body["issued_on"],
                expires_on=body.get("expires_on"),
                scan=body.get("scan"),
            )
        return drf_response.Response(WorkforceCertificateSerializer(certificate).data, status=201)


class CertificateDetailAPI(api_views.SignedInAPIView):
    tuoyu_access = only(*STAFF_READERS, write=STAFF_WRITERS)
    serializer_class = WorkforceCertificateSerializer

    @extend_schema(
        operation_id="workforce_certificates_retrieve",
        summary="One certificate",
        responses={200: WorkforceCertificateSerializer, 404: STAFF_ERRORS[404]},
    )
    def get(self, request, pk: int):
        return drf_response.Response(
            WorkforceCertificateSerializer(staff_selectors.certificate_for(request.user, pk)).data
        )

    @extend_schema(
        operation_id="workforce_certificates_destroy",
        summary="Remove a certificate",
        description="The operator of the person's institution.",
        responses={204: None, **STAFF_ERRORS},
    )
    def delete(self, request, pk: int):
        certificate = staff_selectors.certificate_for(request.user, pk)
        _kept(request.user, certificate.staff_id)
        staff_services.certificate_remove(certificate=certificate, by=request.user)
        return drf_response.Response(status=204)


# --- courses and attendance ---
# The district's courses: training managers (commission, guidance centre) see and run every course; an
# institution's operator sees the open ones and those its staff are on, enrols its own staff, and sees
# only its own people's enrolments. A course a person may not see is a 404. Full, duplicate and a status
# that refuses the action are 409s (core.api.CONFLICT_CODES).
import django_filters  # noqa: E402
from django.shortcuts import get_object_or_404  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from django_filters.rest_framework import DjangoFilterBackend  # noqa: E402
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view  # noqa: E402
from rest_framework import status  # noqa: E402
from rest_framework.exceptions import ValidationError  # noqa: E402
from rest_framework.generics import ListAPIView  # noqa: E402
from rest_framework.response import Response  # noqa: E402

from tuoyu.accounts import capabilities  # noqa: E402
from tuoyu.core.access import only  # noqa: E402
from tuoyu.core.api_views import ActionAPIView, SignedInAPIView, service_errors, validated  # noqa: E402

from .models import Course, CourseEnrolment, CourseStatus  # noqa: E402
from .selectors import staff_kept_by  # noqa: E402
from .selectors.training import courses_visible_to, enrolments_visible_to  # noqa: E402
from .serializers import (  # noqa: E402
    WorkforceCourseAttendanceSerializer,
    WorkforceCourseCancelSerializer,
    WorkforceCourseEnrolmentSerializer,
    WorkforceCourseEnrolSerializer,
    WorkforceCourseErrorSerializer,
    WorkforceCourseSerializer,
    WorkforceCourseWriteSerializer,
)
from .services import training  # noqa: E402

COURSE_MANAGERS = capabilities.TRAINING_MANAGERS
COURSE_READERS = capabilities.TRAINING_MANAGERS | capabilities.STAFF_KEEPERS
COURSE_ERRORS = {
    400: OpenApiResponse(
        WorkforceCourseErrorSerializer, description="Invalid request, or refused by the rules"
    ),
    403: OpenApiResponse(WorkforceCourseErrorSerializer, description="Your role or relation may not do this"),
    404: OpenApiResponse(WorkforceCourseErrorSerializer, description="No such course that you may see"),
    409: OpenApiResponse(
        WorkforceCourseErrorSerializer, description="The course's state refuses it: full, duplicate, status"
    ),
}


def _courses(user):
    return courses_visible_to(user).order_by("-starts_on", "-pk")


def _course_for(user, pk: int) -> Course:
    return get_object_or_404(courses_visible_to(user), pk=pk)


def _course_state(request, pk: int) -> dict:
    return WorkforceCourseSerializer(_course_for(request.user, pk), context={"request": request}).data


class CourseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CourseStatus.choices)

    class Meta:
        model = Course
        fields = ["status"]


@extend_schema_view(
    get=extend_schema(
        operation_id="workforce_courses_list",
        summary="Training courses you may see",
        description="Training managers (the commission, the guidance centre) see every course; an "
        "institution's operator the open ones and those its staff are enrolled on.",
    )
)
class CourseListAPI(SignedInAPIView, ListAPIView):
    tuoyu_access = only(*COURSE_READERS, write=COURSE_MANAGERS)
    serializer_class = WorkforceCourseSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CourseFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Course.objects.none()
        return _courses(self.request.user)

    @extend_schema(
        operation_id="workforce_courses_create",
        summary="Create a course (a draft)",
        description="Training managers. Publish it to open enrolment.",
        request=WorkforceCourseWriteSerializer,
        responses={201: WorkforceCourseSerializer, **COURSE_ERRORS},
    )
    def post(self, request):
        fields = validated(request, WorkforceCourseWriteSerializer)
        with service_errors():
            course = training.course_create(by=request.user, **fields)
        return Response(_course_state(request, course.pk), status=status.HTTP_201_CREATED)


class CourseDetailAPI(SignedInAPIView):
    tuoyu_access = only(*COURSE_READERS, write=COURSE_MANAGERS)
    serializer_class = WorkforceCourseSerializer

    @extend_schema(
        operation_id="workforce_courses_retrieve",
        summary="One training course",
        responses={200: WorkforceCourseSerializer, 404: COURSE_ERRORS[404]},
    )
    def get(self, request, pk: int):
        return Response(_course_state(request, pk))

    @extend_schema(
        operation_id="workforce_courses_partial_update",
        summary="Change a draft course",
        description="Training managers, while the course is a draft (else 409).",
        request=WorkforceCourseWriteSerializer,
        responses={200: WorkforceCourseSerializer, **COURSE_ERRORS},
    )
    def patch(self, request, pk: int):
        course = _course_for(request.user, pk)
        fields = validated(request, WorkforceCourseWriteSerializer, partial=True)
        with service_errors():
            training.course_update(course=course, by=request.user, **fields)
        return Response(_course_state(request, pk))


class _CourseActionAPI(ActionAPIView):
    tuoyu_access = only(*COURSE_MANAGERS)
    serializer_class = WorkforceCourseSerializer

    def access(self, user, pk: int) -> Course:
        return _course_for(user, pk)

    def state(self, request, pk: int):
        return _course_state(request, pk)


@extend_schema_view(
    post=extend_schema(
        operation_id="workforce_courses_publish",
        summary="Publish a draft course: institutions may enrol their staff",
        request=None,
        responses={200: WorkforceCourseSerializer, **COURSE_ERRORS},
    )
)
class CoursePublishAPI(_CourseActionAPI):
    def act(self, request, course):
        training.course_publish(course=course, by=request.user)


@extend_schema_view(
    post=extend_schema(
        operation_id="workforce_courses_close",
        summary="Close a held course: its attended hours count for the year",
        description="Once it has started and every enrolment's attendance is recorded (else 409).",
        request=None,
        responses={200: WorkforceCourseSerializer, **COURSE_ERRORS},
    )
)
class CourseCloseAPI(_CourseActionAPI):
    def act(self, request, course):
        training.course_close(course=course, by=request.user)


@extend_schema_view(
    post=extend_schema(
        operation_id="workforce_courses_cancel",
        summary="Cancel a course not yet held, with the reason",
        description="The operators of the institutions with staff on it are told through the outbox.",
        request=WorkforceCourseCancelSerializer,
        responses={200: WorkforceCourseSerializer, **COURSE_ERRORS},
    )
)
class CourseCancelAPI(_CourseActionAPI):
    error_fields = frozenset({"reason"})

    def act(self, request, course):
        body = validated(request, WorkforceCourseCancelSerializer)
        training.course_cancel(course=course, by=request.user, reason=body["reason"])


@extend_schema_view(
    get=extend_schema(
        operation_id="workforce_course_enrolments_list",
        summary="The people enrolled on a course",
        description="Training managers see everyone; an operator only its own staff. Names and "
        "institutions, never an ID number.",
        responses={200: WorkforceCourseEnrolmentSerializer(many=True), 404: COURSE_ERRORS[404]},
    )
)
class CourseEnrolmentListAPI(SignedInAPIView, ListAPIView):
    tuoyu_access = only(*COURSE_READERS, write=capabilities.STAFF_KEEPERS)
    serializer_class = WorkforceCourseEnrolmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CourseEnrolment.objects.none()
        course = _course_for(self.request.user, self.kwargs["pk"])
        return (
            enrolments_visible_to(self.request.user, course)
            .select_related("staff__institution")
            .order_by("staff__name", "pk")
        )

    @extend_schema(
        operation_id="workforce_course_enrolments_create",
        summary="Enrol a member of your staff on an open course",
        description="An institution's operator, for an active member of its own staff, before the course "
        "starts. A full course or the same person twice is a 409.",
        request=WorkforceCourseEnrolSerializer,
        responses={201: WorkforceCourseEnrolmentSerializer, **COURSE_ERRORS},
    )
    def post(self, request, pk: int):
        course = _course_for(request.user, pk)
        body = validated(request, WorkforceCourseEnrolSerializer)
        staff = staff_kept_by(request.user).filter(pk=body["staff"]).first()
        if staff is None:
            raise ValidationError({"staff": [_("No such member of your staff.")]})
        with service_errors(fields={"staff"}):
            enrolment = training.course_enrol(course=course, staff=staff, by=request.user)
        enrolment = CourseEnrolment.objects.select_related("staff__institution").get(pk=enrolment.pk)
        return Response(WorkforceCourseEnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)


class CourseAttendanceAPI(SignedInAPIView):
    tuoyu_access = only(*COURSE_MANAGERS)
    serializer_class = WorkforceCourseAttendanceSerializer

    def get_queryset(self):  # what OPTIONS (DRF's metadata for PUT) looks the course up in
        if getattr(self, "swagger_fake_view", False):
            return Course.objects.none()
        return courses_visible_to(self.request.user)

    def _record(self, request, pk: int):
        course = _course_for(request.user, pk)
        body = validated(request, WorkforceCourseAttendanceSerializer)
        with service_errors(fields={"rows"}):
            saved = training.attendance_record(course=course, by=request.user, rows=body["rows"])
        rows = (
            CourseEnrolment.objects.filter(pk__in=[e.pk for e in saved])
            .select_related("staff__institution")
            .order_by("staff__name", "pk")
        )
        return Response(WorkforceCourseEnrolmentSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="workforce_course_attendance_create",
        summary="Record (or correct) attendance and hours on a course",
        description="Training managers, once the course has started. Every row is checked before any is "
        "saved; the rows saved are answered.",
        request=WorkforceCourseAttendanceSerializer,
        responses={200: WorkforceCourseEnrolmentSerializer(many=True), **COURSE_ERRORS},
    )
    def post(self, request, pk: int):
        return self._record(request, pk)

    @extend_schema(
        operation_id="workforce_course_attendance_update",
        summary="Record (or correct) attendance and hours on a course",
        description="The same as POST.",
        request=WorkforceCourseAttendanceSerializer,
        responses={200: WorkforceCourseEnrolmentSerializer(many=True), **COURSE_ERRORS},
    )
    def put(self, request, pk: int):
        return self._record(request, pk)
