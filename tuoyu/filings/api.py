"""The filing API: applications for operators and reviewers, the public notice feed, receipt checks.

Views parse, authorise and render. Every write is a service in services.py; a filing reaches a user
only through selectors (filings_for_user, access_filing_for_user), so another operator's application
is a 404, never a 403 that would reveal it exists.
"""

import django_filters
from django.db.models import F, Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from tuoyu.accounts import capabilities
from tuoyu.accounts.capabilities import FILING_REVIEWERS, can_review_filings
from tuoyu.core.access import only, public_access
from tuoyu.core.api_views import ActionAPIView, SignedInAPIView, service_errors, validated

from . import services
from .models import Filing, FilingKind, FilingMaterial, FilingStatus, Notice, NoticeKind
from .selectors import access_filing_for_user, filings_for_user, public_notices
from .serializers import (
    FilingApproveSerializer,
    FilingCreateSerializer,
    FilingDetailSerializer,
    FilingErrorSerializer,
    FilingListSerializer,
    FilingNoncompliantSerializer,
    FilingReturnSerializer,
    FilingUpdateSerializer,
    NoticeSerializer,
    ReceiptSerializer,
)
from .workflow import check_deadline_of, deadline_of

OPERATORS = capabilities.OPERATORS
REVIEWERS = FILING_REVIEWERS


def _deadlines(filing: Filing) -> None:
    """Working days left, for the detail, as the workflow counts them (the pages show the same)."""
    today = timezone.localdate()
    filing.deadline = deadline_of(filing, today)
    filing.check_deadline = check_deadline_of(filing, today)


def _detail(request, pk: int) -> dict:
    filing = access_filing_for_user(request.user, pk)
    prefetch_related_objects(
        [filing],
        "events",
        "comments",
        Prefetch(
            "materials", queryset=FilingMaterial.objects.filter(superseded=False), to_attr="current_materials"
        ),
    )
    _deadlines(filing)
    return FilingDetailSerializer(filing, context={"request": request}).data


ERRORS = {
    400: OpenApiResponse(FilingErrorSerializer, description="Invalid request, or refused by the workflow"),
    403: OpenApiResponse(FilingErrorSerializer, description="Your role or relation may not do this"),
    404: OpenApiResponse(FilingErrorSerializer, description="No such application that you may see"),
}


# --- applications --------------------------------------------------------------------------------


class FilingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FilingStatus.choices)
    kind = django_filters.ChoiceFilter(choices=FilingKind.choices)
    ordering = django_filters.OrderingFilter(
        fields=("due_on", "submitted_at", "created_at"),
        help_text="Default: oldest decision deadline first for reviewers, newest first for operators",
    )

    class Meta:
        model = Filing
        fields = ["status", "kind"]


@extend_schema_view(
    get=extend_schema(
        operation_id="filings_list",
        summary="Filing applications you may see",
        description="An operator sees their own and their institutions' applications; a reviewer all.",
    )
)
class FilingListAPI(SignedInAPIView, ListAPIView):
    tuoyu_access = only(*(OPERATORS | REVIEWERS), write=OPERATORS)
    serializer_class = FilingListSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = FilingFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no signed-in user
            return Filing.objects.none()
        qs = filings_for_user(self.request.user)
        if can_review_filings(self.request.user):
            # What must be decided next comes first; drafts, which have no deadline, last.
            return qs.order_by(F("due_on").asc(nulls_last=True), "submitted_at", "id")
        return qs.order_by("-created_at", "-id")

    @extend_schema(
        operation_id="filings_create",
        summary="Start a change or deregistration",
        description="For an institution you are a member of. An initial filing starts at registration.",
        request=FilingCreateSerializer,
        responses={201: FilingDetailSerializer, **ERRORS},
    )
    def post(self, request):
        serializer = FilingCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        fields = serializer.validated_data
        with service_errors():
            if fields["kind"] == FilingKind.CHANGE:
                filing = services.filing_start_change(institution=fields["institution"], by=request.user)
            else:
                filing = services.filing_start_deregistration(
                    institution=fields["institution"],
                    by=request.user,
                    reason=fields.get("reason", ""),
                    last_day=fields.get("last_day"),
                )
        location = request.build_absolute_uri(reverse("api:filing", args=[filing.pk]))
        return Response(
            _detail(request, filing.pk), status=status.HTTP_201_CREATED, headers={"Location": location}
        )


class FilingDetailAPI(SignedInAPIView):
    tuoyu_access = only(*(OPERATORS | REVIEWERS))
    serializer_class = FilingDetailSerializer

    @extend_schema(
        operation_id="filings_retrieve",
        summary="One application with its timeline, comments and materials",
        responses={200: FilingDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        return Response(_detail(request, pk))

    @extend_schema(
        operation_id="filings_partial_update",
        summary="Save the draft",
        description="The applicant, while the application is a draft or returned for correction. Each "
        "section given in `data` replaces that section; sections left out are kept. Values are kept as "
        "typed and validated on submit.",
        request=FilingUpdateSerializer,
        responses={200: FilingDetailSerializer, **ERRORS},
    )
    def patch(self, request, pk: int):
        filing = access_filing_for_user(request.user, pk)
        serializer = FilingUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {**filing.data, **serializer.validated_data.get("data", {})}
        with service_errors():
            services.filing_save_draft(
                filing=filing, by=request.user, data=data, pledge=serializer.validated_data.get("pledge")
            )
        return Response(_detail(request, pk))


class FilingActionAPI(ActionAPIView):
    """A POST sub-resource that moves an application through the workflow; it answers the new state."""

    serializer_class = FilingDetailSerializer

    def access(self, user, pk: int) -> Filing:
        return access_filing_for_user(user, pk)

    def state(self, request, pk: int):
        return _detail(request, pk)


@extend_schema_view(
    post=extend_schema(
        operation_id="filings_submit",
        summary="Submit for review",
        description="The applicant. When the application is incomplete, the 400 lists every missing item "
        "under `errors.missing`, in the request's language.",
        request=None,
        responses={200: FilingDetailSerializer, **ERRORS},
    )
)
class FilingSubmitAPI(FilingActionAPI):
    tuoyu_access = only(*OPERATORS)
    error_list_key = "missing"

    def act(self, request, filing):
        services.filing_submit(filing=filing, by=request.user)


@extend_schema_view(
    post=extend_schema(
        operation_id="filings_withdraw",
        summary="Withdraw a draft or a returned application",
        request=None,
        responses={200: FilingDetailSerializer, **ERRORS},
    )
)
class FilingWithdrawAPI(FilingActionAPI):
    tuoyu_access = only(*OPERATORS)

    def act(self, request, filing):
        services.filing_withdraw(filing=filing, by=request.user)


@extend_schema_view(
    post=extend_schema(
        operation_id="filings_approve",
        summary="File it (备案): issue the filing number and receipt, or apply the change or deregistration",
        request=FilingApproveSerializer,
        responses={200: FilingDetailSerializer, **ERRORS},
    )
)
class FilingApproveAPI(FilingActionAPI):
    tuoyu_access = only(*REVIEWERS)

    def act(self, request, filing):
        body = validated(request, FilingApproveSerializer)
        services.filing_approve(filing=filing, by=request.user, note=body["note"])


@extend_schema_view(
    post=extend_schema(
        operation_id="filings_return",
        summary="Return for correction (退回补正)",
        description="At least one comment, or a note, says what must be corrected.",
        request=FilingReturnSerializer,
        responses={200: FilingDetailSerializer, **ERRORS},
    )
)
class FilingReturnAPI(FilingActionAPI):
    tuoyu_access = only(*REVIEWERS)
    error_fields = frozenset({"comments"})

    def act(self, request, filing):
        body = validated(request, FilingReturnSerializer)
        services.filing_return(filing=filing, by=request.user, comments=body["comments"], note=body["note"])


@extend_schema_view(
    post=extend_schema(
        operation_id="filings_noncompliant",
        summary="Find it non-compliant (不符合备案要求)",
        description="The reasons are published in the notice feed; a filed institution is suspended.",
        request=FilingNoncompliantSerializer,
        responses={200: FilingDetailSerializer, **ERRORS},
    )
)
class FilingNoncompliantAPI(FilingActionAPI):
    tuoyu_access = only(*REVIEWERS)
    error_fields = frozenset({"reasons"})

    def act(self, request, filing):
        body = validated(request, FilingNoncompliantSerializer)
        services.filing_find_noncompliant(filing=filing, by=request.user, reasons=body["reasons"])


# --- public --------------------------------------------------------------------------------------


class NoticeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=NoticeKind.choices)

    class Meta:
        model = Notice
        fields = ["kind"]


@extend_schema_view(
    get=extend_schema(
        operation_id="notices_list",
        summary="The public notice feed (公示)",
        description="Filings, changes, non-compliance findings and deregistrations, newest first.",
    )
)
class NoticeListAPI(ListAPIView):
    tuoyu_access = public_access()
    permission_classes = [AllowAny]
    serializer_class = NoticeSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = NoticeFilter

    def get_queryset(self):
        return public_notices().order_by("-published_at", "-id")


# The same sentences as the verification page (filings/verify.html).
RECEIPT_MESSAGES = {
    "valid": gettext_lazy("This receipt is valid."),
    "changed": gettext_lazy(
        "This receipt is no longer valid: the institution's filed data has changed since it was issued, "
        "or the filing is suspended."
    ),
    "deregistered": gettext_lazy(
        "This receipt is no longer valid: the institution's filing was deregistered."
    ),
    "unknown": gettext_lazy("No receipt has this code. Check the code printed under the QR code."),
}


class ReceiptVerifyAPI(GenericAPIView):
    tuoyu_access = public_access()
    permission_classes = [AllowAny]
    serializer_class = ReceiptSerializer

    @extend_schema(
        operation_id="receipts_verify",
        summary="Verify a filing receipt",
        description="The code printed under the receipt's QR code. `changed` means the institution's "
        "filed data changed since the receipt was issued (or the filing is suspended).",
        responses={
            200: ReceiptSerializer,
            404: OpenApiResponse(ReceiptSerializer, description="No receipt has this code (`unknown`)"),
        },
    )
    def get(self, request, code: str):
        result, filing = services.receipt_verify(code)
        body = {
            "result": result,
            "message": str(RECEIPT_MESSAGES[result]),
            "institution": filing.institution if filing else None,
        }
        return Response(
            ReceiptSerializer(body).data,
            status=status.HTTP_404_NOT_FOUND if result == "unknown" else status.HTTP_200_OK,
        )
