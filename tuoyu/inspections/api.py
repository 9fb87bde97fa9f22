"""The API: plans, draws (with verification), inspections, findings, rectifications and the published
results (一公开).

Views parse, authorise and render. Who sees what is inspections.selectors' rule, asked here and nowhere
else: plans_visible_to, inspections_overseen_by ∪ drawn_for for government people, inspections_of_member
and findings_of_member for an institution's people. An object a user may not see is a 404, never a 403.
Draws and published results are public: the seed, the inputs and the result of a draw are published so
anyone can re-run it, and `draws/<id>/verify/` does so with the draw's own function (draw.rerun).
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from tuoyu.accounts import capabilities
from tuoyu.core.access import only, public_access
from tuoyu.core.api_views import ActionAPIView, SignedInAPIView, service_errors, validated
from tuoyu.core.filters import IdFilter

from . import draw as draw_module
from .models import (
    Draw,
    Finding,
    FindingStatus,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    PlanStatus,
    Rectification,
    Result,
    Severity,
)
from .selectors import (
    drawn_for,
    findings_of_member,
    findings_overseen_by,
    inspections_of_member,
    inspections_overseen_by,
    plans_visible_to,
)
from .selectors.public import public_results, published_result, with_public_facts
from .serializers import (
    InspectionDrawSerializer,
    InspectionDrawVerifySerializer,
    InspectionErrorSerializer,
    InspectionEvidenceSerializer,
    InspectionFindingSerializer,
    InspectionPlanSerializer,
    InspectionRectificationSerializer,
    InspectionResultSerializer,
    InspectionSerializer,
)
from .services.publication import inspection_publish
from .services.rectification import evidence_submit
from .workflow import FINDING_OPEN

VIEWERS = capabilities.INSPECTION_VIEWERS
INSTITUTION = capabilities.INSTITUTION

ERRORS = {
    400: OpenApiResponse(InspectionErrorSerializer, description="Invalid request, or refused by the rules"),
    403: OpenApiResponse(InspectionErrorSerializer, description="Your role or relation may not do this"),
    404: OpenApiResponse(InspectionErrorSerializer, description="No such record that you may see"),
}


def _fake(view) -> bool:
    return getattr(view, "swagger_fake_view", False)  # the schema generator has no signed-in user


# --- plans -----------------------------------------------------------------------------------------


def _plans(user):
    return (
        plans_visible_to(user)
        .select_related("lead_department", "unit")
        .prefetch_related("departments", "checklist", "draws")
        .order_by("-period_start", "-id")
    )


class PlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)

    class Meta:
        model = InspectionPlan
        fields = ["status"]


@extend_schema_view(
    get=extend_schema(
        operation_id="inspection_plans_list",
        summary="Inspection plans you may see",
        description="The commission sees every plan; a department the plans it takes part in; a street or "
        "town officer the plans with inspections in their unit.",
    )
)
class PlanListAPI(SignedInAPIView, ListAPIView):
    tuoyu_access = only(*VIEWERS)
    serializer_class = InspectionPlanSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PlanFilter

    def get_queryset(self):
        if _fake(self):
            return InspectionPlan.objects.none()
        return _plans(self.request.user)


class PlanDetailAPI(SignedInAPIView):
    tuoyu_access = only(*VIEWERS)
    serializer_class = InspectionPlanSerializer

    @extend_schema(
        operation_id="inspection_plans_retrieve",
        summary="One inspection plan with its draws",
        responses={200: InspectionPlanSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        plan = get_object_or_404(_plans(request.user), pk=pk)
        return Response(InspectionPlanSerializer(plan).data)


# --- draws (public) --------------------------------------------------------------------------------


def _draw(pk: int) -> Draw:
    return get_object_or_404(Draw.objects.select_related("plan"), pk=pk)


class DrawDetailAPI(GenericAPIView):
    tuoyu_access = public_access()
    permission_classes = [AllowAny]
    serializer_class = InspectionDrawSerializer

    @extend_schema(
        operation_id="draws_retrieve",
        summary="A draw as published (双随机): seed, algorithm, sorted inputs, result",
        description="Everything needed to re-run the draw without our code (docs/inspections-draw.md). A "
        "redrawn draw stays, with `superseded_at` and the reason.",
        responses={200: InspectionDrawSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        return Response(InspectionDrawSerializer(_draw(pk)).data)


class DrawVerifyAPI(GenericAPIView):
    tuoyu_access = public_access()
    permission_classes = [AllowAny]
    serializer_class = InspectionDrawVerifySerializer

    @extend_schema(
        operation_id="draws_verify",
        summary="Re-run a draw over its published inputs and compare with the stored result",
        responses={200: InspectionDrawVerifySerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        draw = _draw(pk)
        document = draw_module.document(draw)
        try:
            result = draw_module.rerun(document)
        except (DjangoValidationError, KeyError, TypeError, ValueError):
            result = []  # inputs that cannot be run (tampered with, or an unknown algorithm) do not match
        # The name must be the one the inputs call for: sha256-rank/1 without experts, /2 with them.
        expected = draw_module.algorithm_for(document.get("experts_per_inspection", 0))
        matches = document["algorithm"] == expected and result == draw.result
        body = {"matches": matches, "result": result, "stored": draw.result}
        return Response(InspectionDrawVerifySerializer(body).data)


# --- inspections (signed in) -----------------------------------------------------------------------


def inspections_for(user):
    """Government people: what they oversee and what they were drawn for; an institution's people: their
    own institutions' submitted inspections."""
    if capabilities.can_view_inspections(user):
        overseen = inspections_overseen_by(user).values("pk")
        drawn = drawn_for(user).values("pk")
        return Inspection.objects.filter(Q(pk__in=overseen) | Q(pk__in=drawn))
    return inspections_of_member(user)


def findings_for(user):
    if capabilities.can_view_inspections(user):
        return findings_overseen_by(user)
    return findings_of_member(user)


class InspectionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices)
    result = django_filters.ChoiceFilter(choices=Result.choices)
    plan = IdFilter(field_name="plan_id")
    institution = IdFilter(field_name="institution_id")

    class Meta:
        model = Inspection
        fields = ["status", "result", "plan", "institution"]


@extend_schema_view(
    get=extend_schema(
        operation_id="inspections_list",
        summary="Inspections you may follow",
        description="Government people: the inspections they oversee or were drawn for. An institution's "
        "people: their institutions' inspections once submitted.",
    )
)
class InspectionListAPI(SignedInAPIView, ListAPIView):
    tuoyu_access = only(*(VIEWERS | INSTITUTION))
    serializer_class = InspectionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = InspectionFilter

    def get_queryset(self):
        if _fake(self):
            return Inspection.objects.none()
        return _inspections(self.request.user).order_by("-id")


def _inspections(user):
    return (
        inspections_for(user)
        .select_related("plan", "institution")
        .annotate(
            findings_total=Count("findings"),
            findings_open=Count("findings", filter=Q(findings__status__in=FINDING_OPEN)),
        )
    )


@extend_schema_view(
    post=extend_schema(
        operation_id="inspections_publish",
        summary="Publish a submitted inspection's result now (一公开)",
        description="The plan's lead department or the commission. Results are published by themselves "
        "20 working days after submission; publishing twice is refused (409).",
        request=None,
        responses={200: InspectionSerializer, 409: ERRORS[400], **ERRORS},
    )
)
class InspectionPublishAPI(ActionAPIView):
    tuoyu_access = only(*capabilities.INSPECTION_PLANNERS)
    serializer_class = InspectionSerializer

    def access(self, user, pk: int) -> Inspection:
        return get_object_or_404(inspections_for(user).select_related("plan"), pk=pk)

    def state(self, request, pk: int):
        return InspectionSerializer(get_object_or_404(_inspections(request.user), pk=pk)).data

    def act(self, request, inspection):
        inspection_publish(inspection=inspection, by=request.user)


class FindingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices)
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    inspection = IdFilter(field_name="inspection_id")

    class Meta:
        model = Finding
        fields = ["status", "severity", "inspection"]


@extend_schema_view(
    get=extend_schema(
        operation_id="findings_list",
        summary="Findings you may follow",
        description="Government people: the findings of inspections they oversee. An institution's people: "
        "their institutions' findings.",
    )
)
class FindingListAPI(SignedInAPIView, ListAPIView):
    tuoyu_access = only(*(VIEWERS | INSTITUTION))
    serializer_class = InspectionFindingSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = FindingFilter

    def get_queryset(self):
        if _fake(self):
            return Finding.objects.none()
        return (
            findings_for(self.request.user)
            .select_related("item", "inspection__institution")
            .order_by("deadline", "id")
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="findings_rectifications_list",
        summary="The evidence sent for a finding, with the inspector's decisions",
        responses={200: InspectionRectificationSerializer(many=True), 404: ERRORS[404]},
    )
)
class RectificationListAPI(SignedInAPIView, ListAPIView):
    tuoyu_access = only(*(VIEWERS | INSTITUTION), write=INSTITUTION)
    serializer_class = InspectionRectificationSerializer
    parser_classes = [MultiPartParser, FormParser]

    def finding(self) -> Finding:
        finding = findings_for(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if finding is None:
            raise Http404
        return finding

    def get_queryset(self):
        if _fake(self):
            return Rectification.objects.none()
        return Rectification.objects.filter(finding=self.finding()).order_by("submitted_at", "id")

    @extend_schema(
        operation_id="findings_rectifications_create",
        summary="Send evidence that a finding is put right (multipart: note and file)",
        description="The institution's people, while the finding waits for evidence. The file is a photo "
        "(JPEG, PNG) or a PDF; a photo is re-encoded without its metadata.",
        request={"multipart/form-data": InspectionEvidenceSerializer},
        responses={201: InspectionRectificationSerializer, 409: ERRORS[400], **ERRORS},
    )
    def post(self, request, pk: int):
        finding = self.finding()
        body = validated(request, InspectionEvidenceSerializer)
        with service_errors(fields={"note", "file"}):
            evidence = evidence_submit(
                finding=finding, by=request.user, note=body["note"], upload=body.get("file")
            )
        return Response(InspectionRectificationSerializer(evidence).data, status=status.HTTP_201_CREATED)


# --- published results (public) --------------------------------------------------------------------


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=2000, max_value=2100, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100})
class YearFilter(django_filters.NumberFilter):
    field_class = YearField


class ResultFilter(django_filters.FilterSet):
    unit = IdFilter(method="by_unit", help_text="A street or town (its id); the units below it too")
    department = IdFilter(method="by_department")
    result = django_filters.ChoiceFilter(choices=Result.choices)
    year = YearFilter(field_name="inspected_on", lookup_expr="year", help_text="The year inspected")
    institution = IdFilter(field_name="institution_id")

    class Meta:
        model = Inspection
        fields = ["unit", "department", "result", "year", "institution"]

    def by_unit(self, queryset, name, value):
        from tuoyu.regions.models import Unit

        unit = Unit.objects.filter(pk=value).first()
        return queryset.filter(institution__unit__path__startswith=unit.path) if unit else queryset.none()

    def by_department(self, queryset, name, value):
        # A subquery, not a join: a joint plan would otherwise list its inspection once per department.
        return queryset.filter(plan__in=InspectionPlan.objects.filter(departments=value).values("pk"))


@extend_schema_view(
    get=extend_schema(
        operation_id="inspection_results_list",
        summary="Published inspection results (一公开), newest first",
        description="The last 5 years, institutions deregistered since included. The public facts only: "
        "date, plan, departments, institution, result, findings by severity, rectification status read "
        "live, and an active suspension with its public reason.",
    )
)
class ResultListAPI(ListAPIView):
    tuoyu_access = public_access()
    permission_classes = [AllowAny]
    serializer_class = InspectionResultSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ResultFilter

    def get_queryset(self):
        return with_public_facts(public_results())


class ResultDetailAPI(GenericAPIView):
    tuoyu_access = public_access()
    permission_classes = [AllowAny]
    serializer_class = InspectionResultSerializer

    @extend_schema(
        operation_id="inspection_results_retrieve",
        summary="One published inspection result",
        responses={200: InspectionResultSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        row = published_result(pk)
        if row is None:
            raise Http404
        return Response(InspectionResultSerializer(row).data)
