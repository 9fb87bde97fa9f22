"""The 入托网上约 API: children, visit slots and visits, applications with their waitlist, enrolments.

Views parse, authorise and render; every write is a service in services.py and every read goes through
selectors.py. A family sees only its own children, visits and applications; an institution's people
only what concerns their institutions; government roles only aggregate numbers. An object a user may
not see is a 404, never a 403 that would reveal it exists.

The free seats of an institution's visit slots are public, like its vacancies on the map: a time and a
number of seats say nothing about anybody.

A double-clicked submit or a retried request must not book or apply twice: POST to `visits/` and
`applications/` needs an `Idempotency-Key` header; the same key again answers the first result with
200 instead of 201.
"""

import re

import django_filters
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from tuoyu.accounts import capabilities
from tuoyu.accounts.capabilities import acts_for_institutions, is_family
from tuoyu.core.access import only, public_access
from tuoyu.core.api_views import ActionAPIView, HasRole, SignedInAPIView, service_errors, validated
from tuoyu.core.filters import IdFilter
from tuoyu.institutions.models import Institution
from tuoyu.institutions.selectors import public_institutions

from . import services
from .models import (
    Application,
    ApplicationStatus,
    Child,
    Enrolment,
    EnrolmentStatus,
    Visit,
    VisitSlot,
    VisitStatus,
)
from .selectors import (
    access_application_for_user,
    access_child_for_family,
    access_visit_for_user,
    applications_for_user,
    booking_statistics,
    children_for_family,
    enrolments_for_user,
    open_visit_slots,
    visits_for_user,
)
from .serializers import (
    BookingAcceptConflictSerializer,
    BookingApplicationCreateSerializer,
    BookingApplicationDetailSerializer,
    BookingApplicationSerializer,
    BookingChildCreateSerializer,
    BookingChildSerializer,
    BookingDeclineSerializer,
    BookingEnrolmentCreateSerializer,
    BookingEnrolmentEndSerializer,
    BookingEnrolmentSerializer,
    BookingErrorSerializer,
    BookingStatisticsSerializer,
    BookingVisitCreateSerializer,
    BookingVisitSerializer,
    BookingVisitSlotCreateSerializer,
    BookingVisitSlotSerializer,
)

FAMILY = capabilities.FAMILIES
INSTITUTION = capabilities.INSTITUTION
FAMILY_OR_INSTITUTION = FAMILY | INSTITUTION
GOVERNMENT = capabilities.GOVERNMENT

ERRORS = {
    400: OpenApiResponse(BookingErrorSerializer, description="Invalid request, or refused by the rules"),
    403: OpenApiResponse(BookingErrorSerializer, description="Your role or relation may not do this"),
    404: OpenApiResponse(BookingErrorSerializer, description="No such record that you may see"),
}

# --- idempotency ---------------------------------------------------------------------------------

IDEMPOTENCY_HEADER = "Idempotency-Key"
# Visible ASCII, as long as the models' column: a UUID fits, and so does any client's own scheme.
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,64}")
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="A value unique to this request (e.g. a UUID), at most 64 visible ASCII characters. "
    "Send the same value when retrying: the first result comes back (200) and nothing is created twice.",
)
CREATED_OR_REPLAYED = "201 when created; 200 with the first result when the `Idempotency-Key` was used before"


def idempotency_key(request) -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise ValidationError(
            {
                IDEMPOTENCY_HEADER: [
                    _(
                        "Send an Idempotency-Key header with a value unique to this request, such as a "
                        "UUID, of at most 64 characters."
                    )
                ]
            }
        )
    return key


def _seen(model: type[Visit] | type[Application], user, key: str) -> bool:
    """Whether the key was used before, for the status code only: the service decides what is returned.

    Two requests racing with a new key both answer 201 with the same record; the service returns the
    winner's record to both, so nothing is created twice.
    """
    return model.objects.filter(family=user, idempotency_key=key).exists()


def _only(request, may) -> None:
    """A route shared by roles whose writes are for one of them (`may`, a capabilities predicate): the
    others may read, not write."""
    if not may(request.user):
        raise PermissionDenied


# --- children ------------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="children_list",
        summary="Your children",
        description="A family's own children. The ID number is never shown in full: `id_number_masked`.",
    )
)
class ChildListAPI(SignedInAPIView, ListAPIView):
    tuoyu_access = only(*FAMILY)
    serializer_class = BookingChildSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no signed-in user
            return Child.objects.none()
        return children_for_family(self.request.user)

    @extend_schema(
        operation_id="children_create",
        summary="Add a child",
        description="The ID number is optional; when given, its check digit and the date of birth in it "
        "are checked. It is stored encrypted and answered only masked.",
        request=BookingChildCreateSerializer,
        responses={201: BookingChildSerializer, **ERRORS},
    )
    def post(self, request):
        fields = validated(request, BookingChildCreateSerializer)
        with service_errors():
            child = services.child_add(family=request.user, **fields)
        location = request.build_absolute_uri(reverse("api:child", args=[child.pk]))
        return Response(
            BookingChildSerializer(child).data, status=status.HTTP_201_CREATED, headers={"Location": location}
        )


class ChildDetailAPI(SignedInAPIView):
    tuoyu_access = only(*FAMILY)
    serializer_class = BookingChildSerializer

    @extend_schema(
        operation_id="children_retrieve",
        summary="One of your children",
        responses={200: BookingChildSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        return Response(BookingChildSerializer(access_child_for_family(request.user, pk)).data)


# --- visit slots and visits ----------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="visit_slots_list",
        summary="An institution's upcoming visit times (public)",
        description="Future visit times of a filed institution with their free seats, soonest first. "
        "Public, like the institution's vacancies: times and seat counts say nothing about anybody. "
        "Booking one (`POST /api/v1/visits/`) needs a signed-in family.",
    )
)
class VisitSlotListAPI(ListAPIView):
    tuoyu_access = public_access(write=INSTITUTION)
    # IsAuthenticatedOrReadOnly first: an anonymous write is refused before the role is looked at, and
    # the schema shows the read as open to anyone.
    permission_classes = [IsAuthenticatedOrReadOnly, HasRole]
    serializer_class = BookingVisitSlotSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return VisitSlot.objects.none()
        institution = get_object_or_404(public_institutions(), pk=self.kwargs["pk"])
        return open_visit_slots(institution).order_by("starts_at", "id")

    @extend_schema(
        operation_id="visit_slots_create",
        summary="Offer a visit time",
        description="For a member of the institution.",
        request=BookingVisitSlotCreateSerializer,
        responses={201: BookingVisitSlotSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        institution = get_object_or_404(Institution, pk=pk)
        fields = validated(request, BookingVisitSlotCreateSerializer)
        with service_errors():
            slot = services.visit_slot_create(institution=institution, by=request.user, **fields)
        return Response(BookingVisitSlotSerializer(slot).data, status=status.HTTP_201_CREATED)


class VisitFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=VisitStatus.choices)

    class Meta:
        model = Visit
        fields = ["status"]


def _visit(request, pk: int) -> dict:
    return BookingVisitSerializer(access_visit_for_user(request.user, pk)).data


@extend_schema_view(
    get=extend_schema(
        operation_id="visits_list",
        summary="Visits you may see",
        description="A family's own bookings; an institution's people the bookings of their institutions.",
    )
)
class VisitListAPI(SignedInAPIView, ListAPIView):
    tuoyu_access = only(*FAMILY_OR_INSTITUTION)
    serializer_class = BookingVisitSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = VisitFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Visit.objects.none()
        return visits_for_user(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        operation_id="visits_create",
        summary="Book a visit",
        description="For a family. " + CREATED_OR_REPLAYED + ".",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=BookingVisitCreateSerializer,
        responses={201: BookingVisitSerializer, 200: BookingVisitSerializer, **ERRORS},
    )
    def post(self, request):
        _only(request, is_family)
        key = idempotency_key(request)
        fields = validated(request, BookingVisitCreateSerializer)
        child = access_child_for_family(request.user, fields["child"]) if fields["child"] else None
        replayed = _seen(Visit, request.user, key)
        with service_errors():
            visit = services.visit_book(
                slot=fields["slot"], family=request.user, idempotency_key=key, child=child
            )
        return Response(
            _visit(request, visit.pk), status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED
        )


@extend_schema_view(
    post=extend_schema(
        operation_id="visits_cancel",
        summary="Cancel a booked visit",
        description="The family, or a member of the institution (the family is told).",
        request=None,
        responses={200: BookingVisitSerializer, **ERRORS},
    )
)
class VisitCancelAPI(ActionAPIView):
    tuoyu_access = only(*FAMILY_OR_INSTITUTION)
    serializer_class = BookingVisitSerializer

    def access(self, user, pk: int):
        return access_visit_for_user(user, pk)

    def state(self, request, pk: int):
        return _visit(request, pk)

    def act(self, request, visit):
        services.visit_cancel(visit=visit, by=request.user)


# --- applications --------------------------------------------------------------------------------


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices)
    institution = IdFilter(field_name="institution_id")

    class Meta:
        model = Application
        fields = ["status", "institution"]


def _application(request, pk: int) -> dict:
    application = access_application_for_user(request.user, pk)
    # A missing enrolment (reverse one-to-one) renders as null.
    prefetch_related_objects([application], "events", "enrolment__class_group")
    application.waitlist_position = services.waitlist_position(application)
    return BookingApplicationDetailSerializer(application).data


@extend_schema_view(
    get=extend_schema(
        operation_id="applications_list",
        summary="Applications for a place you may see",
        description="A family's own applications; an institution's people the applications to their "
        "institutions. Newest first.",
    )
)
class ApplicationListAPI(SignedInAPIView, ListAPIView):
    tuoyu_access = only(*FAMILY_OR_INSTITUTION)
    serializer_class = BookingApplicationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApplicationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return applications_for_user(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        operation_id="applications_create",
        summary="Apply for a place",
        description="For a family, for one of their children. With no free place in the age group the "
        "application goes on the waitlist at once. " + CREATED_OR_REPLAYED + ".",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=BookingApplicationCreateSerializer,
        responses={
            201: BookingApplicationDetailSerializer,
            200: BookingApplicationDetailSerializer,
            **ERRORS,
        },
    )
    def post(self, request):
        _only(request, is_family)
        key = idempotency_key(request)
        fields = validated(request, BookingApplicationCreateSerializer)
        fields["child"] = access_child_for_family(request.user, fields["child"])
        replayed = _seen(Application, request.user, key)
        with service_errors():
            application = services.application_submit(family=request.user, idempotency_key=key, **fields)
        location = request.build_absolute_uri(reverse("api:application", args=[application.pk]))
        return Response(
            _application(request, application.pk),
            status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class ApplicationDetailAPI(SignedInAPIView):
    tuoyu_access = only(*FAMILY_OR_INSTITUTION)
    serializer_class = BookingApplicationDetailSerializer

    @extend_schema(
        operation_id="applications_retrieve",
        summary="One application with its timeline and waitlist position",
        responses={200: BookingApplicationDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        return Response(_application(request, pk))


class ApplicationActionAPI(ActionAPIView):
    """A POST sub-resource that moves an application through the workflow; it answers the new state."""

    serializer_class = BookingApplicationDetailSerializer

    def access(self, user, pk: int) -> Application:
        return access_application_for_user(user, pk)

    def state(self, request, pk: int):
        return _application(request, pk)


class ApplicationAcceptAPI(ApplicationActionAPI):
    tuoyu_access = only(*INSTITUTION)

    @extend_schema(
        operation_id="applications_accept",
        summary="Accept: give the child a place",
        description="A member of the institution. The child is enrolled in a class of the age group with "
        "a free place. When the last place has gone, the answer is 409 and the application is on the "
        "waitlist in its order.",
        request=None,
        responses={
            200: BookingApplicationDetailSerializer,
            409: OpenApiResponse(BookingAcceptConflictSerializer, description="No place left: waitlisted"),
            **ERRORS,
        },
    )
    def post(self, request, pk: int):
        application = access_application_for_user(request.user, pk)
        with service_errors():
            result = services.application_accept(application=application, by=request.user)
        body = _application(request, pk)
        if not result.accepted:
            return Response(
                {"message": result.message, "code": services.NO_PLACE, "application": body},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(body)


@extend_schema_view(
    post=extend_schema(
        operation_id="applications_decline",
        summary="Decline, with a reason for the family",
        request=BookingDeclineSerializer,
        responses={200: BookingApplicationDetailSerializer, **ERRORS},
    )
)
class ApplicationDeclineAPI(ApplicationActionAPI):
    tuoyu_access = only(*INSTITUTION)

    def act(self, request, application):
        body = validated(request, BookingDeclineSerializer)
        services.application_decline(application=application, by=request.user, reason=body["reason"])


@extend_schema_view(
    post=extend_schema(
        operation_id="applications_cancel",
        summary="Withdraw the application",
        description="The family. A place they held (an offer or an enrolment) passes to the next family.",
        request=None,
        responses={200: BookingApplicationDetailSerializer, **ERRORS},
    )
)
class ApplicationCancelAPI(ApplicationActionAPI):
    tuoyu_access = only(*FAMILY)

    def act(self, request, application):
        services.application_cancel(application=application, by=request.user)


@extend_schema_view(
    post=extend_schema(
        operation_id="applications_accept_offer",
        summary="Take the offered place",
        description="The family, before `offer_expires_at`.",
        request=None,
        responses={200: BookingApplicationDetailSerializer, **ERRORS},
    )
)
class ApplicationAcceptOfferAPI(ApplicationActionAPI):
    tuoyu_access = only(*FAMILY)

    def act(self, request, application):
        services.offer_accept(application=application, family=request.user)


# --- enrolments ----------------------------------------------------------------------------------


class EnrolmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EnrolmentStatus.choices)

    class Meta:
        model = Enrolment
        fields = ["status"]


def _enrolment(request, pk: int) -> dict:
    return BookingEnrolmentSerializer(get_object_or_404(enrolments_for_user(request.user), pk=pk)).data


@extend_schema_view(
    get=extend_schema(
        operation_id="enrolments_list",
        summary="Enrolments you may see",
        description="A family's children's places; an institution's people their institutions' children.",
    )
)
class EnrolmentListAPI(SignedInAPIView, ListAPIView):
    tuoyu_access = only(*FAMILY_OR_INSTITUTION)
    serializer_class = BookingEnrolmentSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = EnrolmentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enrolment.objects.none()
        return enrolments_for_user(self.request.user).order_by("-start_date", "-id")

    @extend_schema(
        operation_id="enrolments_create",
        summary="Record a child who enrolled without the site",
        description="A member of the class's institution: a child who came by phone or walked in.",
        request=BookingEnrolmentCreateSerializer,
        responses={201: BookingEnrolmentSerializer, **ERRORS},
    )
    def post(self, request):
        _only(request, acts_for_institutions)
        fields = validated(request, BookingEnrolmentCreateSerializer)
        class_group = fields.pop("class_group")
        with service_errors():
            enrolment = services.enrolment_record(
                institution=class_group.institution, by=request.user, class_group=class_group, **fields
            )
        return Response(_enrolment(request, enrolment.pk), status=status.HTTP_201_CREATED)


@extend_schema_view(
    post=extend_schema(
        operation_id="enrolments_end",
        summary="End an enrolment: the child leaves",
        description="A member of the institution. The place frees and the waitlist moves.",
        request=BookingEnrolmentEndSerializer,
        responses={200: BookingEnrolmentSerializer, **ERRORS},
    )
)
class EnrolmentEndAPI(ActionAPIView):
    tuoyu_access = only(*INSTITUTION)
    serializer_class = BookingEnrolmentSerializer

    def access(self, user, pk: int):
        return get_object_or_404(enrolments_for_user(user), pk=pk)

    def state(self, request, pk: int):
        return _enrolment(request, pk)

    def act(self, request, enrolment):
        body = validated(request, BookingEnrolmentEndSerializer)
        services.enrolment_end(enrolment=enrolment, by=request.user, end_date=body["end_date"])


# --- statistics ----------------------------------------------------------------------------------


def _counts(row: dict) -> dict:
    counts = {key: row[f"n_{key}"] for key in ApplicationStatus.values}
    return {**counts, "total": sum(counts.values())}


class BookingStatisticsAPI(SignedInAPIView):
    tuoyu_access = only(*GOVERNMENT)
    serializer_class = BookingStatisticsSerializer

    @extend_schema(
        operation_id="booking_statistics_retrieve",
        summary="Applications and enrolments per institution",
        description="For government roles: numbers only, never a child or a family.",
        responses={200: BookingStatisticsSerializer, 403: ERRORS[403]},
    )
    def get(self, request):
        rows = [
            {
                "institution_id": row["id"],
                "institution_name": row["name"],
                "unit_name": row["unit__name"],
                "applications": _counts(row),
                "active_enrolments": row["active"],
            }
            for row in booking_statistics(request.user)
        ]
        totals = {
            "applications": {
                key: sum(row["applications"][key] for row in rows)
                for key in [*ApplicationStatus.values, "total"]
            },
            "active_enrolments": sum(row["active_enrolments"] for row in rows),
        }
        return Response(BookingStatisticsSerializer({"institutions": rows, "totals": totals}).data)
