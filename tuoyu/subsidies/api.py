"""The subsidies API (/api/v1/subsidies/): rules, periods, entitlements with their lines, approvals and
payments, the budget and summary. Same services and object rules as the pages."""

# --- rules and periods ---
# The commission creates and proposes periods; finance reads them (selectors.periods.periods_for: anyone
# else sees an empty list, and a period is a 404). Proposing twice is a 409 (code `status`).
from drf_spectacular.utils import OpenApiResponse as PeriodResponse  # noqa: E402
from drf_spectacular.utils import extend_schema as period_schema  # noqa: E402
from rest_framework import response as period_response  # noqa: E402
from rest_framework.generics import ListAPIView as PeriodListBase  # noqa: E402

from tuoyu.accounts import capabilities as period_capabilities  # noqa: E402
from tuoyu.core import api_views as period_api_views  # noqa: E402
from tuoyu.core.access import only as period_only  # noqa: E402

from . import rules as subsidy_rules  # noqa: E402
from .models import Period  # noqa: E402
from .selectors.periods import period_for, period_totals, periods_for, rule_sets  # noqa: E402
from .serializers import (  # noqa: E402
    SubsidyPeriodCreateSerializer,
    SubsidyPeriodDetailSerializer,
    SubsidyPeriodErrorSerializer,
    SubsidyPeriodSerializer,
    SubsidyRuleSetListSerializer,
)
from .services.periods import period_create, period_propose  # noqa: E402

PERIOD_MANAGERS = period_capabilities.SUBSIDY_MANAGERS
PERIOD_READERS = period_capabilities.SUBSIDY_MANAGERS | period_capabilities.SUBSIDY_APPROVERS
PERIOD_ERRORS = {
    400: PeriodResponse(SubsidyPeriodErrorSerializer, description="Invalid input; nothing is changed"),
    403: PeriodResponse(SubsidyPeriodErrorSerializer, description="Your role may not do this"),
    404: PeriodResponse(SubsidyPeriodErrorSerializer, description="No such period that you may see"),
    409: PeriodResponse(SubsidyPeriodErrorSerializer, description="The period was already proposed"),
}


def period_answer(user, pk) -> dict:
    period = period_for(user, pk)
    period.totals = period_totals(period)
    return SubsidyPeriodDetailSerializer(period).data


class SubsidyRulesAPI(period_api_views.SignedInAPIView):
    tuoyu_access = period_only(*period_capabilities.SUBSIDY_VIEWERS)
    serializer_class = SubsidyRuleSetListSerializer

    @period_schema(
        operation_id="subsidies_rules_list",
        summary="The subsidy rules and rates, every version",
        description="Newest first. Each version is in force from `effective_from` until the next one's; a "
        "period's lines name the version they used. Amounts are strings in yuan to the fen.",
        responses={200: SubsidyRuleSetListSerializer},
    )
    def get(self, request):
        versions = list(rule_sets())
        for version in versions:
            version.part_month_rule = subsidy_rules.explain_part_month(version.count_day)
        return period_response.Response(
            SubsidyRuleSetListSerializer(
                {"rounding_rule": subsidy_rules.explain_rule(), "results": versions}
            ).data
        )


class SubsidyPeriodListAPI(period_api_views.SignedInAPIView, PeriodListBase):
    tuoyu_access = period_only(*PERIOD_READERS, write=PERIOD_MANAGERS)
    serializer_class = SubsidyPeriodSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Period.objects.none()
        return periods_for(self.request.user)

    @period_schema(
        operation_id="subsidies_periods_list",
        summary="Subsidy periods",
        description="The commission and finance: every period, newest first, with the count and total of "
        "the entitlements with something due. Anyone else: an empty list.",
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @period_schema(
        operation_id="subsidies_periods_create",
        summary="Create a period",
        description="The commission. A half year or a year: the end not before the start, both in one "
        "calendar year, not overlapping a period of the same span. A refusal is a 400 naming the field.",
        request=SubsidyPeriodCreateSerializer,
        responses={201: SubsidyPeriodDetailSerializer, **PERIOD_ERRORS},
    )
    def post(self, request, *args, **kwargs):
        fields = period_api_views.validated(request, SubsidyPeriodCreateSerializer)
        with period_api_views.service_errors(fields=frozenset({"name", "start", "end"})):
            period = period_create(**fields, by=request.user)
        return period_response.Response(period_answer(request.user, period.pk), status=201)


class SubsidyPeriodDetailAPI(period_api_views.SignedInAPIView):
    tuoyu_access = period_only(*PERIOD_READERS)
    serializer_class = SubsidyPeriodDetailSerializer

    @period_schema(
        operation_id="subsidies_periods_retrieve",
        summary="One period with its totals by kind and status",
        description="The entitlements themselves are `/subsidies/entitlements/?period={id}`.",
        responses={200: SubsidyPeriodDetailSerializer, 404: PERIOD_ERRORS[404]},
    )
    def get(self, request, pk: int):
        return period_response.Response(period_answer(request.user, pk))


class SubsidyPeriodProposeAPI(period_api_views.ActionAPIView):
    tuoyu_access = period_only(*PERIOD_MANAGERS)
    serializer_class = SubsidyPeriodDetailSerializer

    def access(self, user, pk: int):
        return period_for(user, pk)

    def state(self, request, pk: int):
        return period_answer(request.user, pk)

    def act(self, request, period) -> None:
        period_propose(period=period, by=request.user)

    @period_schema(
        operation_id="subsidies_periods_propose",
        summary="Propose a period",
        description="The commission. Computes and saves every institution's entitlements from the records "
        "(proposed, or nil with the reason for a zero), tells each institution with something due, and moves "
        "the period to `proposed`. Done once: a second time is a 409.",
        request=None,
        responses={200: SubsidyPeriodDetailSerializer, **PERIOD_ERRORS},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


# --- entitlements, approvals and payments ---

# --- budget, summary and §13 lists ---
