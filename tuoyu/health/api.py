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


# --- summary ---
# The officials' summary (selectors.summary): counts only, never a child. A street or town officer gets
# their own unit whatever `unit` says; an id that is not a street or town is a 400.
from django.utils.translation import gettext as _summary_gettext  # noqa: E402
from drf_spectacular.utils import OpenApiParameter  # noqa: E402

from tuoyu.core.workdays import beijing_today as _beijing_today  # noqa: E402
from tuoyu.regions.models import Unit as _Unit  # noqa: E402

from .selectors import summary as summary_selectors  # noqa: E402
from .serializers import HealthSummaryQuerySerializer, HealthSummarySerializer  # noqa: E402

SUMMARY_UNIT_LEVELS = (_Unit.Level.STREET, _Unit.Level.TOWN, _Unit.Level.TOWNSHIP)


def _summary_figures(f, **extra) -> dict:
    return {
        "name": f.name,
        "institutions": f.institutions,
        "enrolled": f.enrolled,
        "records": f.records,
        "complete": f.complete,
        "rate": f.rate,
        "checks": f.checks,
        "vaccination_gaps": f.vaccination_gaps,
        "flags": f.flags,
        "alerts_open": f.alerts_open,
        **extra,
    }


class HealthSummaryAPI(api_views.SignedInAPIView):
    tuoyu_access = only(*capabilities.HEALTH_SUMMARY_VIEWERS)
    serializer_class = HealthSummarySerializer

    @extend_schema(
        operation_id="health_summary_retrieve",
        summary="Child health per institution, street or town and district",
        description="Enrolled children, records opened and complete (the complete-record rate, indicator 8), "
        "check entries in the last 30 days, vaccination gaps, growth flags of the latest measurements and open "
        "alerts, today. Counts only, never a child. A street or town officer sees their own unit.",
        parameters=[
            OpenApiParameter(
                "unit",
                int,
                description="A street or town (id); left out: the district",
                required=False,
            )
        ],
        responses={200: HealthSummarySerializer},
    )
    def get(self, request):
        query = HealthSummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        chosen = None
        if "unit" in query.validated_data:
            chosen = _Unit.objects.filter(
                pk=query.validated_data["unit"], level__in=SUMMARY_UNIT_LEVELS
            ).first()
            if chosen is None:
                raise drf_exceptions.ValidationError({"unit": [_summary_gettext("No such street or town.")]})
        unit, allowed = summary_selectors.unit_for(request.user, chosen)
        on = _beijing_today()
        if not allowed:  # a street officer without a unit: nothing to count, an empty summary
            found = summary_selectors.Summary(
                on=on, unit=None, total=summary_selectors.Figures(name=""), units=[], institutions=[]
            )
        else:
            found = summary_selectors.summary(unit, on=on)
        total_name = found.unit.name if found.unit else _summary_gettext("The district")
        answer = {
            "on": found.on,
            "unit_id": found.unit.pk if found.unit else None,
            "total": _summary_figures(found.total, name=total_name),
            "units": [_summary_figures(f, unit_id=f.unit_id) for f in found.units],
            "institutions": [
                _summary_figures(f, institution_id=i.pk, unit_id=i.unit_id, unit_name=i.unit.name)
                for i, f in found.institutions
            ],
        }
        return drf_response.Response(HealthSummarySerializer(answer).data)
