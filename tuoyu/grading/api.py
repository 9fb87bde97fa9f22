"""The public API of grading: published grades with their dimension totals, and demonstration units.
Every list is one count, one page query and one query for the page's dimension totals (plus one for the
rubrics' dimensions), whatever the rows."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import AllowAny

from tuoyu.core.access import public_access

from .selectors import attach_dimension_totals, public_assessments, public_demonstration_units
from .serializers import DemonstrationUnitSerializer, GradeSerializer


class GradeListAPI(ListAPIView):
    tuoyu_access = public_access()
    permission_classes = [AllowAny]
    serializer_class = GradeSerializer

    def get_queryset(self):
        return public_assessments()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return attach_dimension_totals(list(page)) if page is not None else None

    @extend_schema(
        operation_id="grades_list",
        summary="Published grades",
        description="Every published quality assessment (等级评定): the institution, the date, the total, the "
        "grade (blank with vetoed=true when a basic item was not met), and each dimension's score. Newest "
        "first.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class GradeDetailAPI(RetrieveAPIView):
    tuoyu_access = public_access()
    permission_classes = [AllowAny]
    serializer_class = GradeSerializer

    def get_queryset(self):
        return public_assessments()

    def get_object(self):
        obj = super().get_object()
        attach_dimension_totals([obj])
        return obj

    @extend_schema(operation_id="grades_retrieve", summary="One published grade")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DemonstrationUnitListAPI(ListAPIView):
    tuoyu_access = public_access()
    permission_classes = [AllowAny]
    serializer_class = DemonstrationUnitSerializer

    def get_queryset(self):
        return public_demonstration_units()

    @extend_schema(
        operation_id="demonstration_units_list",
        summary="Demonstration units (示范单位)",
        description="Demonstration titles awarded to institutions, by year and level (national, Chongqing, "
        "district).",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
