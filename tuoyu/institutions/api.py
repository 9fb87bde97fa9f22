from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from tuoyu.core import limits
from tuoyu.core.access import public_access

from .forms import InstitutionSearchForm
from .selectors import public_institution_detail, search_institutions
from .serializers import InstitutionDetailSerializer, InstitutionListSerializer
from .workflow import is_public

SEARCH_PARAMETERS = [
    OpenApiParameter("near", str, description="WGS-84 point `lat,lng`; results come nearest first"),
    OpenApiParameter("radius_km", float, description="Search radius around `near` (default 30, at most 500)"),
    OpenApiParameter(
        "unit", str, description="Code of a street/town (or any unit): includes its descendants"
    ),
    OpenApiParameter("place", str, description="Name of a street/town whose centre becomes `near`"),
    OpenApiParameter("puhui", str, enum=["true", "false"]),
    OpenApiParameter(
        "age_group",
        str,
        enum=["infant", "toddler", "preschool", "mixed"],
        description="Has a vacancy in this age group",
    ),
    OpenApiParameter(
        "age_months",
        int,
        description="The child's age in months (0–35): keeps institutions with a class that takes it; "
        "with `age_group`, a free place in such a class",
    ),
    OpenApiParameter(
        "birth_month",
        str,
        pattern=r"^\d{4}-\d{1,2}$",
        description="The child's month of birth, `YYYY-MM`, instead of `age_months` (wins over it)",
    ),
    OpenApiParameter("service_type", str, enum=["full_day", "half_day", "hourly", "temporary"]),
    OpenApiParameter(
        "ownership", str, enum=["public", "private", "public_built_private_run", "private_public_aid"]
    ),
    OpenApiParameter("type", str, enum=["childcare", "kindergarten", "employer", "community", "centre"]),
    OpenApiParameter("fee_min", OpenApiTypes.DECIMAL),
    OpenApiParameter("fee_max", OpenApiTypes.DECIMAL),
    OpenApiParameter(
        "q",
        str,
        description="Part of the name or address, a full address (开州区温泉镇), or pinyin or English "
        "names (hanfeng, Wenquan Town)",
    ),
    OpenApiParameter("ordering", str, enum=["distance", "name", "fee", "vacancies"]),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int, description=f"At most {limits.MAX_PAGE_SIZE}"),
]


class InstitutionListAPI(GenericAPIView):
    """Filed institutions, filtered like the public map page; nearest first when `near` is given."""

    tuoyu_access = public_access()
    permission_classes = [AllowAny]
    serializer_class = InstitutionListSerializer

    @extend_schema(
        operation_id="institutions_list",
        parameters=SEARCH_PARAMETERS,
        responses=inline_serializer(
            "InstitutionPage",
            {
                "count": serializers.IntegerField(),
                "page": serializers.IntegerField(),
                "num_pages": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": InstitutionListSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        form = InstitutionSearchForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        result = search_institutions(form.to_params())

        def page_url(number):
            query = request.query_params.copy()
            query["page"] = number
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        return Response(
            {
                "count": result.total,
                "page": result.page,
                "num_pages": result.num_pages,
                "next": page_url(result.page + 1) if result.has_next else None,
                "previous": page_url(result.page - 1) if result.has_previous else None,
                "results": InstitutionListSerializer(result.rows, many=True).data,
            }
        )


class InstitutionDetailAPI(GenericAPIView):
    """One filed institution with its classes and fees."""

    tuoyu_access = public_access()
    permission_classes = [AllowAny]
    serializer_class = InstitutionDetailSerializer

    @extend_schema(operation_id="institutions_retrieve")
    def get(self, request, pk: int):
        institution = public_institution_detail(pk)
        if institution is None or not is_public(institution):
            raise Http404
        return Response(InstitutionDetailSerializer(institution).data)
