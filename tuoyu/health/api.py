"""The health API (/api/v1/health/): records (guardians, the keeping institution's health staff, the
child-health officers), growth measurements, a class's checks, alerts. Same services as the pages."""

# --- records ---
# The records a person may read (selectors.records_for): the guardian their children's, the keeping
# institution's health staff theirs, the child-health officers all. Anyone else gets an empty list, and a
# record outside the rule is a 404. The list is a summary and is written down once; each record read
# through the API is an AccessLog row the guardian sees, like the page.
import django_filters  # noqa: E402
from django_filters.rest_framework import DjangoFilterBackend  # noqa: E402
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view  # noqa: E402
from rest_framework import exceptions as drf_exceptions  # noqa: E402
from rest_framework import response as drf_response  # noqa: E402
from rest_framework.generics import ListAPIView  # noqa: E402

from tuoyu.accounts import capabilities  # noqa: E402
from tuoyu.core import api_views  # noqa: E402
from tuoyu.core.access import only  # noqa: E402
from tuoyu.core.filters import IdFilter  # noqa: E402

from . import services  # noqa: E402
from .models import HealthRecord  # noqa: E402
from .selectors import records_for  # noqa: E402
from .selectors.records import with_summary  # noqa: E402
from .serializers import (  # noqa: E402
    HealthRecordErrorSerializer,
    HealthRecordSerializer,
    HealthRecordSummarySerializer,
)

RECORD_READERS = capabilities.HEALTH_RECORD_READERS


class HealthRecordFilter(django_filters.FilterSet):
    institution = IdFilter(field_name="institution_id")

    class Meta:
        model = HealthRecord
        fields = ["institution"]


@extend_schema_view(
    get=extend_schema(
        operation_id="health_records_list",
        summary="Health records you may read",
        description="A guardian: their children's. An institution's health staff: the records their "
        "institution keeps. The commission's child-health officers: all. A summary per record (the child "
        "with the masked ID number, the keeping institution, completeness); the record itself is "
        "`/health/records/{id}/`.",
    )
)
class HealthRecordListAPI(api_views.SignedInAPIView, ListAPIView):
    tuoyu_access = only(*RECORD_READERS)
    serializer_class = HealthRecordSummarySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = HealthRecordFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return HealthRecord.objects.none()
        return with_summary(records_for(self.request.user)).order_by("institution_id", "child__name", "pk")

    def list(self, request, *args, **kwargs):
        answer = super().list(request, *args, **kwargs)
        if answer.status_code == 200:
            label = f"API list: {request.GET.urlencode()}"[:200]
            services.records_listed(by=request.user, label=label, request=request)
        return answer


class HealthRecordDetailAPI(api_views.SignedInAPIView):
    tuoyu_access = only(*RECORD_READERS)
    serializer_class = HealthRecordSerializer

    @extend_schema(
        operation_id="health_records_retrieve",
        summary="One health record",
        description="Every read is written to the access log, which the child's guardian sees.",
        responses={
            200: HealthRecordSerializer,
            404: OpenApiResponse(HealthRecordErrorSerializer, description="No such record that you may see"),
        },
    )
    def get(self, request, pk: int):
        record = with_summary(records_for(request.user)).filter(pk=pk).first()
        if record is None:
            raise drf_exceptions.NotFound
        services.record_read(record=record, by=request.user, what="api", request=request)
        return drf_response.Response(HealthRecordSerializer(record).data)


# --- growth ---
# --- checks ---
# --- alerts ---
