"""The health API (/api/v1/health/): records (guardians, the keeping institution's health staff, the
child-health officers), growth measurements, a class's checks, alerts. Same services as the pages."""

from datetime import date

import django_filters
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions as drf_exceptions
from rest_framework import response as drf_response
from rest_framework.generics import ListAPIView

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import AccessKind
from tuoyu.accounts.services import access_record
from tuoyu.core import api_views
from tuoyu.core.access import only
from tuoyu.core.filters import IdFilter
from tuoyu.core.workdays import beijing_today
from tuoyu.regions.models import Unit

from . import selectors, services
from .growth import HEIGHT_FROM_DAYS
from .models import HealthRecord, Measurement, OutbreakAlert, Session
from .selectors import alerts_for, records_for
from .selectors import summary as summary_selectors
from .selectors.alerts import alert_case_rows_for, alert_for, alerts_listed
from .selectors.checks import check_sheet, classes_checked_by
from .selectors.records import record_for, with_summary
from .serializers import (
    HealthAlertDetailSerializer,
    HealthAlertNoteSerializer,
    HealthAlertSerializer,
    HealthCheckQuerySerializer,
    HealthCheckSheetSerializer,
    HealthCheckWriteSerializer,
    HealthMeasurementCreateSerializer,
    HealthMeasurementErrorSerializer,
    HealthMeasurementSerializer,
    HealthRecordErrorSerializer,
    HealthRecordSerializer,
    HealthRecordSummarySerializer,
    HealthSummaryQuerySerializer,
    HealthSummarySerializer,
)
from .services import growth as growth_services
from .workflow import ALERT_WORKFLOW

# --- records ---
# The records a person may read (selectors.records_for): the guardian their children's, the keeping
# institution's health staff theirs, the child-health officers all. Anyone else gets an empty list, and a
# record outside the rule is a 404. The list is a summary and is written down once; each record read
# through the API is an AccessLog row the guardian sees, like the page.


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
        # record_for: a record outside the rule, or an id past a database key, is a 404.
        record = record_for(request.user, pk)
        services.record_read(record=record, by=request.user, what="api", request=request)
        return drf_response.Response(HealthRecordSerializer(record).data)


# --- growth ---
# A record's measurements: read by whoever may read the record (selectors.records_for; each read is an
# AccessLog row the guardian sees), recorded by the keeping institution's health staff. A record outside
# the rule is a 404; an impossible value a 400; the same day twice a 409 (code `duplicate`).


MEASUREMENT_ERRORS = {
    400: OpenApiResponse(HealthMeasurementErrorSerializer, description="Invalid or impossible values"),
    403: OpenApiResponse(HealthMeasurementErrorSerializer, description="Your role may not do this"),
    404: OpenApiResponse(HealthMeasurementErrorSerializer, description="No such record that you may see"),
    409: OpenApiResponse(
        HealthMeasurementErrorSerializer, description="The child was already measured that day"
    ),
}


def _readable_record(user, pk) -> HealthRecord:
    record = selectors.records_for(user).filter(pk=pk).first()
    if record is None:
        raise drf_exceptions.NotFound
    return record


class HealthMeasurementListAPI(api_views.SignedInAPIView, ListAPIView):
    tuoyu_access = only(*capabilities.HEALTH_RECORD_READERS, write=capabilities.HEALTH_KEEPERS)
    serializer_class = HealthMeasurementSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Measurement.objects.none()
        return Measurement.objects.filter(record=self.record).order_by("measured_on", "pk")

    @extend_schema(
        operation_id="health_records_measurements_list",
        summary="A record's growth measurements",
        description="Whoever may read the record: its child's guardian, the keeping institution's health "
        "staff, the child-health officers. With the WHO 2006 z-scores and flags. Each read is written to the "
        "access log, which the guardian sees.",
        responses={200: HealthMeasurementSerializer(many=True), 404: MEASUREMENT_ERRORS[404]},
    )
    def get(self, request, pk: int):
        self.record = _readable_record(request.user, pk)
        access_record(
            user=request.user, kind=AccessKind.HEALTH_RECORD, obj=self.record, detail="api", request=request
        )
        return self.list(request)

    @extend_schema(
        operation_id="health_records_measurements_create",
        summary="Record a growth measurement",
        description="The keeping institution's health staff. The z-scores and flags are computed by the WHO "
        "2006 standards. A date before birth or in the future, or a value that cannot be right for the "
        "child's age (beyond the WHO's plausibility limits), is a 400 naming the field; a second "
        "measurement the same day a 409. `lying` left out: lying under 2 years, standing from 2.",
        request=HealthMeasurementCreateSerializer,
        responses={201: HealthMeasurementSerializer, **MEASUREMENT_ERRORS},
    )
    def post(self, request, pk: int):
        record = _readable_record(request.user, pk)
        if not selectors.may_write_record(request.user, record):
            raise drf_exceptions.NotFound
        fields = dict(api_views.validated(request, HealthMeasurementCreateSerializer))
        if fields.get("lying") is None:
            age_days = (fields["measured_on"] - record.child.birth_date).days
            fields["lying"] = age_days < HEIGHT_FROM_DAYS
        with api_views.service_errors(field_conflicts=True):
            measurement = growth_services.measurement_record(record=record, by=request.user, **fields)
        return drf_response.Response(HealthMeasurementSerializer(measurement).data, status=201)


# --- checks ---
# A class's morning or midday check for one day: the class's own health staff read and save it (another
# institution's class is a 404). `?day=` (not in the future, at most 7 days back) and `?session=` pick the
# sheet for GET and POST alike; a wrong one is a 400. A save may raise or extend an outbreak alert: the
# answer lists them.


CHECK_KEEPERS = capabilities.HEALTH_KEEPERS
CHECK_ERRORS = {
    400: OpenApiResponse(HealthRecordErrorSerializer, description="A wrong day or row; nothing is stored"),
    403: OpenApiResponse(HealthRecordErrorSerializer, description="Your role may not do this"),
    404: OpenApiResponse(HealthRecordErrorSerializer, description="No such class of your institution"),
}
CHECK_QUERY = [
    OpenApiParameter("day", OpenApiTypes.DATE, description="YYYY-MM-DD; today when left out"),
    OpenApiParameter("session", str, enum=Session.values, description="morning (default) or midday"),
]


def _sheet_answer(class_group, day: date, session: str, *, raised=(), extended=()) -> dict:
    return HealthCheckSheetSerializer(
        {
            "class_group": class_group.pk,
            "class_name": class_group.name,
            "institution": class_group.institution_id,
            "day": day,
            "session": session,
            "rows": check_sheet(class_group, day, session),
            "raised_alerts": [a.pk for a in raised],
            "extended_alerts": [a.pk for a in extended],
        }
    ).data


class ClassChecksAPI(api_views.SignedInAPIView):
    tuoyu_access = only(*CHECK_KEEPERS)
    serializer_class = HealthCheckSheetSerializer

    def _picked(self, request, class_id: int):
        class_group = classes_checked_by(request.user).filter(pk=class_id).first()
        if class_group is None:
            raise drf_exceptions.NotFound
        query = HealthCheckQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("day") or beijing_today()
        session = query.validated_data.get("session") or Session.MORNING
        error = services.check_day_error(day)
        if error:
            raise drf_exceptions.ValidationError({"day": [error]})
        return class_group, day, session

    @extend_schema(
        operation_id="health_class_checks_retrieve",
        summary="A class's check sheet for a day",
        description="The children enrolled in the class that day, each with its check when recorded.",
        parameters=CHECK_QUERY,
        responses={200: HealthCheckSheetSerializer, **CHECK_ERRORS},
    )
    def get(self, request, class_id: int):
        class_group, day, session = self._picked(request, class_id)
        return drf_response.Response(_sheet_answer(class_group, day, session))

    @extend_schema(
        operation_id="health_class_checks_create",
        summary="Record (or correct) the check of some or all of a class's children",
        description="One row per child; a child already checked is corrected. Ill needs a symptom, absent a "
        "reason. Every row is checked before any is stored. The outbreak rule is applied at once: the answer "
        "names the alerts raised or extended.",
        parameters=CHECK_QUERY,
        request=HealthCheckWriteSerializer,
        responses={200: HealthCheckSheetSerializer, **CHECK_ERRORS},
    )
    def post(self, request, class_id: int):
        class_group, day, session = self._picked(request, class_id)
        body = api_views.validated(request, HealthCheckWriteSerializer)
        entries = [
            {
                "child_id": row["child"],
                "attendance": row["attendance"],
                "absence_reason": row.get("absence_reason", ""),
                "symptoms": list(row.get("symptoms") or []),
                "temperature": row.get("temperature"),
                "note": row.get("note", ""),
            }
            for row in body["entries"]
        ]
        with api_views.service_errors(fields={"entries", "day", "session"}):
            recorded = services.checks_record(
                class_group=class_group, day=day, session=session, by=request.user, entries=entries
            )
        return drf_response.Response(
            _sheet_answer(class_group, day, session, raised=recorded.raised, extended=recorded.extended)
        )


# --- alerts ---
# Who sees an alert is selectors.alerts_for: the institution's health staff and operator their own, the
# commission and the guidance centre all; another's is a 404. The case list names the children only inside
# the institution. The institution and the child-health officers acknowledge and close (with a note).
ALERT_VIEWERS = capabilities.ALERT_VIEWERS
ALERT_HANDLERS = capabilities.ALERT_HANDLERS_INSTITUTION | capabilities.CHILD_HEALTH_OFFICERS
ALERT_ERRORS = {
    400: OpenApiResponse(HealthRecordErrorSerializer, description="Invalid request, or refused by the rules"),
    403: OpenApiResponse(HealthRecordErrorSerializer, description="Your role may not do this"),
    404: OpenApiResponse(HealthRecordErrorSerializer, description="No such alert that you may see"),
    409: OpenApiResponse(HealthRecordErrorSerializer, description="The alert's status refuses it"),
}


def _alert_answer(request, pk: int) -> dict:
    alert = alert_for(request.user, pk)
    alert.case_list = alert_case_rows_for(request.user, alert)
    alert.actions = ALERT_WORKFLOW.allowed_actions(alert, request.user)
    return HealthAlertDetailSerializer(alert).data


class AlertFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OutbreakAlert._meta.get_field("status").choices)
    institution = IdFilter(field_name="institution_id")

    class Meta:
        model = OutbreakAlert
        fields = ["status", "institution"]


@extend_schema_view(
    get=extend_schema(
        operation_id="health_alerts_list",
        summary="Outbreak alerts you may see",
        description="The institution's health staff and operator: their own institution's. The commission "
        "and the guidance centre: all. Newest first; the case list is on each alert.",
    )
)
class AlertListAPI(api_views.SignedInAPIView, ListAPIView):
    tuoyu_access = only(*ALERT_VIEWERS)
    serializer_class = HealthAlertSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AlertFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OutbreakAlert.objects.none()
        return alerts_listed(self.request.user)


class AlertDetailAPI(api_views.SignedInAPIView):
    tuoyu_access = only(*ALERT_VIEWERS)
    serializer_class = HealthAlertDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OutbreakAlert.objects.none()
        return alerts_for(self.request.user)

    @extend_schema(
        operation_id="health_alerts_retrieve",
        summary="One outbreak alert with its case list and timeline",
        description="Outside the institution each child is numbered: `name` is null.",
        responses={200: HealthAlertDetailSerializer, 404: ALERT_ERRORS[404]},
    )
    def get(self, request, pk: int):
        return drf_response.Response(_alert_answer(request, pk))


class _AlertActionAPI(api_views.ActionAPIView):
    tuoyu_access = only(*ALERT_HANDLERS)
    serializer_class = HealthAlertDetailSerializer
    error_fields = frozenset({"note"})

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OutbreakAlert.objects.none()
        return alerts_for(self.request.user)

    def access(self, user, pk: int):
        return alert_for(user, pk)

    def state(self, request, pk: int):
        return _alert_answer(request, pk)


@extend_schema_view(
    post=extend_schema(
        operation_id="health_alerts_acknowledge",
        summary="Acknowledge an outbreak alert",
        request=HealthAlertNoteSerializer,
        responses={200: HealthAlertDetailSerializer, **ALERT_ERRORS},
    )
)
class AlertAcknowledgeAPI(_AlertActionAPI):
    def act(self, request, alert):
        body = api_views.validated(request, HealthAlertNoteSerializer)
        services.alert_acknowledge(alert=alert, by=request.user, note=body.get("note", ""))


@extend_schema_view(
    post=extend_schema(
        operation_id="health_alerts_close",
        summary="Close an outbreak alert with what was done",
        description="The note is required.",
        request=HealthAlertNoteSerializer,
        responses={200: HealthAlertDetailSerializer, **ALERT_ERRORS},
    )
)
class AlertCloseAPI(_AlertActionAPI):
    def act(self, request, alert):
        body = api_views.validated(request, HealthAlertNoteSerializer)
        services.alert_close(alert=alert, by=request.user, note=body.get("note", ""))


# --- summary ---
# The officials' summary (selectors.summary): counts only, never a child. A street or town officer gets
# their own unit whatever `unit` says; an id that is not a street or town is a 400.


SUMMARY_UNIT_LEVELS = (Unit.Level.STREET, Unit.Level.TOWN, Unit.Level.TOWNSHIP)


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
                {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
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
            chosen = Unit.objects.filter(
                pk=query.validated_data["unit"], level__in=SUMMARY_UNIT_LEVELS
            ).first()
            if chosen is None:
                raise drf_exceptions.ValidationError({"unit": [_("No such street or town.")]})
        unit, allowed = summary_selectors.unit_for(request.user, chosen)
        on = beijing_today()
        if not allowed:  # a street officer without a unit: nothing to count, an empty summary
            found = summary_selectors.Summary(
                on=on, unit=None, total=summary_selectors.Figures(name=""), units=[], institutions=[]
            )
        else:
            found = summary_selectors.summary(unit, on=on)
        total_name = found.unit.name if found.unit else _("The district")
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
