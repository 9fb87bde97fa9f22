"""The subsidies API (/api/v1/subsidies/): rules, periods, entitlements with their lines, approvals and
payments, the budget and summary. Same services and object rules as the pages."""

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions as drf_exceptions
from rest_framework import response as drf_response
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny

from tuoyu.accounts import capabilities
from tuoyu.core import api_views
from tuoyu.core.access import only, public_access
from tuoyu.core.filters import IdFilter
from tuoyu.core.workdays import beijing_today

from . import rules as subsidy_rules
from .models import Entitlement, EntitlementStatus, Payment, Period, SubsidyKind
from .selectors import entitlements_for
from .selectors.entitlements import (
    entitlement_events,
    entitlement_for,
    explain_rule,
    explained_lines,
    ledger,
    nil_reason_label,
    payment_of,
    sees_child_names,
)
from .selectors.lists import rent_free_list, utilities_list
from .selectors.periods import period_for, period_totals, periods_for, rule_sets
from .selectors.summary import dashboard, public_payments
from .serializers import (
    SubsidyEntitlementDetailSerializer,
    SubsidyEntitlementDisputeSerializer,
    SubsidyEntitlementErrorSerializer,
    SubsidyEntitlementNoteSerializer,
    SubsidyEntitlementSerializer,
    SubsidyListRentFreeSerializer,
    SubsidyListUtilitySerializer,
    SubsidyPaymentCreateSerializer,
    SubsidyPaymentSerializer,
    SubsidyPeriodCreateSerializer,
    SubsidyPeriodDetailSerializer,
    SubsidyPeriodErrorSerializer,
    SubsidyPeriodSerializer,
    SubsidyPublicQuerySerializer,
    SubsidyPublicSerializer,
    SubsidyRuleSetListSerializer,
    SubsidySummaryQuerySerializer,
    SubsidySummarySerializer,
)
from .services.entitlements import (
    entitlement_approve,
    entitlement_confirm,
    entitlement_dispute,
    entitlement_review,
)
from .services.payments import payment_record
from .services.periods import period_create, period_propose
from .workflow import ENTITLEMENT_WORKFLOW

# --- rules and periods ---
# The commission creates and proposes periods; finance reads them (selectors.periods.periods_for: anyone
# else sees an empty list, and a period is a 404). Proposing twice is a 409 (code `status`).


PERIOD_MANAGERS = capabilities.SUBSIDY_MANAGERS
PERIOD_READERS = capabilities.SUBSIDY_MANAGERS | capabilities.SUBSIDY_APPROVERS
PERIOD_ERRORS = {
    400: OpenApiResponse(SubsidyPeriodErrorSerializer, description="Invalid input; nothing is changed"),
    403: OpenApiResponse(SubsidyPeriodErrorSerializer, description="Your role may not do this"),
    404: OpenApiResponse(SubsidyPeriodErrorSerializer, description="No such period that you may see"),
    409: OpenApiResponse(SubsidyPeriodErrorSerializer, description="The period was already proposed"),
}


def period_answer(user, pk) -> dict:
    period = period_for(user, pk)
    period.totals = period_totals(period)
    return SubsidyPeriodDetailSerializer(period).data


class SubsidyRulesAPI(api_views.SignedInAPIView):
    tuoyu_access = only(*capabilities.SUBSIDY_VIEWERS)
    serializer_class = SubsidyRuleSetListSerializer

    @extend_schema(
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
        return drf_response.Response(
            SubsidyRuleSetListSerializer(
                {"rounding_rule": subsidy_rules.explain_rule(), "results": versions}
            ).data
        )


class SubsidyPeriodListAPI(api_views.SignedInAPIView, ListAPIView):
    tuoyu_access = only(*PERIOD_READERS, write=PERIOD_MANAGERS)
    serializer_class = SubsidyPeriodSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Period.objects.none()
        return periods_for(self.request.user)

    @extend_schema(
        operation_id="subsidies_periods_list",
        summary="Subsidy periods",
        description="The commission and finance: every period, newest first, with the count and total of "
        "the entitlements with something due. Anyone else: an empty list.",
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(
        operation_id="subsidies_periods_create",
        summary="Create a period",
        description="The commission. A half year or a year: the end not before the start, both in one "
        "calendar year, not overlapping a period of the same span. A refusal is a 400 naming the field.",
        request=SubsidyPeriodCreateSerializer,
        responses={201: SubsidyPeriodDetailSerializer, **PERIOD_ERRORS},
    )
    def post(self, request, *args, **kwargs):
        fields = api_views.validated(request, SubsidyPeriodCreateSerializer)
        with api_views.service_errors(fields=frozenset({"name", "start", "end"})):
            period = period_create(**fields, by=request.user)
        return drf_response.Response(period_answer(request.user, period.pk), status=201)


class SubsidyPeriodDetailAPI(api_views.SignedInAPIView):
    tuoyu_access = only(*PERIOD_READERS)
    serializer_class = SubsidyPeriodDetailSerializer

    @extend_schema(
        operation_id="subsidies_periods_retrieve",
        summary="One period with its totals by kind and status",
        description="The entitlements themselves are `/subsidies/entitlements/?period={id}`.",
        responses={200: SubsidyPeriodDetailSerializer, 404: PERIOD_ERRORS[404]},
    )
    def get(self, request, pk: int):
        return drf_response.Response(period_answer(request.user, pk))


class SubsidyPeriodProposeAPI(api_views.ActionAPIView):
    tuoyu_access = only(*PERIOD_MANAGERS)
    serializer_class = SubsidyPeriodDetailSerializer

    def access(self, user, pk: int):
        return period_for(user, pk)

    def state(self, request, pk: int):
        return period_answer(request.user, pk)

    def act(self, request, period) -> None:
        period_propose(period=period, by=request.user)

    @extend_schema(
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
# The same object rules as the pages (selectors.entitlements_for, payments_for): the commission and finance
# see every entitlement, an operator their own institutions', anyone else none; another's is a 404. The
# actions are the pages' services: a refused status is a 409, a bad field a 400; finance approves what was
# computed (no amount is read from a request).


ENTITLEMENT_READERS = (
    capabilities.SUBSIDY_CLAIMANTS | capabilities.SUBSIDY_MANAGERS | capabilities.SUBSIDY_APPROVERS
)
ENTITLEMENT_ERRORS = {
    400: OpenApiResponse(SubsidyEntitlementErrorSerializer, description="Invalid input; nothing is changed"),
    403: OpenApiResponse(SubsidyEntitlementErrorSerializer, description="Your role may not do this"),
    404: OpenApiResponse(
        SubsidyEntitlementErrorSerializer, description="No such entitlement that you may see"
    ),
    409: OpenApiResponse(
        SubsidyEntitlementErrorSerializer,
        description="The entitlement's status refuses it (or the voucher number is already in the ledger)",
    ),
}


def entitlement_answer(request, pk: int) -> dict:
    """One entitlement with its lines (the words of the page), timeline, payment and what you may do."""
    entitlement = entitlement_for(request.user, pk)
    entitlement.lines_explained = explained_lines(entitlement, names=sees_child_names(request.user))
    entitlement.timeline = entitlement_events(entitlement)
    entitlement.payment_row = payment_of(entitlement)
    entitlement.nil_reason_text = nil_reason_label(entitlement)
    entitlement.rounding_rule = explain_rule()
    entitlement.actions = ENTITLEMENT_WORKFLOW.allowed_actions(entitlement, request.user)
    return SubsidyEntitlementDetailSerializer(entitlement).data


class EntitlementFilter(django_filters.FilterSet):
    period = IdFilter(field_name="period_id")
    institution = IdFilter(field_name="institution_id")
    kind = django_filters.ChoiceFilter(choices=SubsidyKind.choices)
    status = django_filters.ChoiceFilter(choices=EntitlementStatus.choices)

    class Meta:
        model = Entitlement
        fields = ["period", "institution", "kind", "status"]


@extend_schema_view(
    get=extend_schema(
        operation_id="subsidies_entitlements_list",
        summary="Subsidy entitlements you may see",
        description="The commission and finance: all. An institution's operator: their institutions'. Newest "
        "period first; the lines and timeline are on each entitlement.",
    )
)
class EntitlementListAPI(api_views.SignedInAPIView, ListAPIView):
    tuoyu_access = only(*ENTITLEMENT_READERS)
    serializer_class = SubsidyEntitlementSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = EntitlementFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Entitlement.objects.none()
        return entitlements_for(self.request.user).order_by(
            "-period__start", "institution__name", "kind", "pk"
        )


class EntitlementDetailAPI(api_views.SignedInAPIView):
    tuoyu_access = only(*ENTITLEMENT_READERS)
    serializer_class = SubsidyEntitlementDetailSerializer

    @extend_schema(
        operation_id="subsidies_entitlements_retrieve",
        summary="One entitlement with its explanation line by line and its timeline",
        description="Each line: the explanation (the same words as the page and the notice PDF), months, rate, "
        "the rules' date and the amount, as strings to the fen. Children are named for the institution and the "
        "commission, masked for finance.",
        responses={200: SubsidyEntitlementDetailSerializer, 404: ENTITLEMENT_ERRORS[404]},
    )
    def get(self, request, pk: int):
        return drf_response.Response(entitlement_answer(request, pk))


class _EntitlementActionAPI(api_views.ActionAPIView):
    serializer_class = SubsidyEntitlementDetailSerializer
    error_fields = frozenset({"reason", "note", "paid_on", "voucher_number"})

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Entitlement.objects.none()
        return entitlements_for(self.request.user)

    def access(self, user, pk: int):
        return entitlement_for(user, pk)

    def state(self, request, pk: int):
        return entitlement_answer(request, pk)

    def post(self, request, pk: int):
        # A voucher number already in the ledger is a 409 like a refused status (field_conflicts).
        entitlement = self.access(request.user, pk)
        with api_views.service_errors(fields=self.error_fields, field_conflicts=True):
            self.act(request, entitlement)
        return drf_response.Response(self.state(request, pk))


def _action_schema(operation_id: str, summary: str, request, description: str = ""):
    return extend_schema_view(
        post=extend_schema(
            operation_id=operation_id,
            summary=summary,
            description=description,
            request=request,
            responses={200: SubsidyEntitlementDetailSerializer, **ENTITLEMENT_ERRORS},
        )
    )


@_action_schema(
    "subsidies_entitlements_confirm",
    "Confirm a proposed entitlement",
    None,
    "The institution's operator agrees with the amount and its explanation.",
)
class EntitlementConfirmAPI(_EntitlementActionAPI):
    tuoyu_access = only(*capabilities.SUBSIDY_CLAIMANTS)

    def act(self, request, entitlement):
        entitlement_confirm(entitlement=entitlement, by=request.user)


@_action_schema(
    "subsidies_entitlements_dispute",
    "Dispute a proposed entitlement",
    SubsidyEntitlementDisputeSerializer,
    "The institution's operator says what is wrong (5 to 1000 characters); the commission answers.",
)
class EntitlementDisputeAPI(_EntitlementActionAPI):
    tuoyu_access = only(*capabilities.SUBSIDY_CLAIMANTS)

    def act(self, request, entitlement):
        body = api_views.validated(request, SubsidyEntitlementDisputeSerializer)
        entitlement_dispute(entitlement=entitlement, by=request.user, reason=body["reason"])


@_action_schema(
    "subsidies_entitlements_review",
    "Review an entitlement (the health commission)",
    SubsidyEntitlementNoteSerializer,
    "A confirmed or disputed entitlement goes to finance. A disputed one needs a note answering the dispute, "
    "which the institution is told.",
)
class EntitlementReviewAPI(_EntitlementActionAPI):
    tuoyu_access = only(*capabilities.SUBSIDY_MANAGERS)

    def act(self, request, entitlement):
        body = api_views.validated(request, SubsidyEntitlementNoteSerializer)
        entitlement_review(entitlement=entitlement, by=request.user, note=body.get("note", ""))


@_action_schema(
    "subsidies_entitlements_approve",
    "Approve a reviewed entitlement (finance)",
    SubsidyEntitlementNoteSerializer,
    "Finance's officers only. The amount is approved as computed and reviewed: an amount in the body is "
    "ignored.",
)
class EntitlementApproveAPI(_EntitlementActionAPI):
    tuoyu_access = only(*capabilities.SUBSIDY_APPROVERS)

    def act(self, request, entitlement):
        body = api_views.validated(request, SubsidyEntitlementNoteSerializer)
        entitlement_approve(entitlement=entitlement, by=request.user, note=body.get("note", ""))


@_action_schema(
    "subsidies_entitlements_payment",
    "Record the payment of an approved entitlement (finance)",
    SubsidyPaymentCreateSerializer,
    "The amount paid is the entitlement's. The day may not be in the future nor before the approval (400); a "
    "voucher number already in the ledger is a 409.",
)
class EntitlementPaymentAPI(_EntitlementActionAPI):
    tuoyu_access = only(*capabilities.SUBSIDY_APPROVERS)

    def act(self, request, entitlement):
        body = api_views.validated(request, SubsidyPaymentCreateSerializer)
        payment_record(
            entitlement=entitlement,
            by=request.user,
            paid_on=body["paid_on"],
            voucher_number=body["voucher_number"],
        )


@extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100})
class PaidYearFilter(django_filters.NumberFilter):
    """The year paid: a whole number (NumberFilter alone reads a Decimal, and 2024.5 is no year)."""

    field_class = forms.IntegerField


class PaymentFilter(django_filters.FilterSet):
    year = PaidYearFilter(field_name="paid_on", lookup_expr="year", min_value=2000, max_value=2100)
    period = IdFilter(field_name="entitlement__period_id")
    institution = IdFilter(field_name="entitlement__institution_id")
    kind = django_filters.ChoiceFilter(field_name="entitlement__kind", choices=SubsidyKind.choices)

    class Meta:
        model = Payment
        fields = ["year", "period", "institution", "kind"]


@extend_schema_view(
    get=extend_schema(
        operation_id="subsidies_payments_list",
        summary="The payment ledger",
        description="Every payment for finance and the commission, an operator's own institutions' payments; "
        "newest first.",
    )
)
class PaymentListAPI(api_views.SignedInAPIView, ListAPIView):
    tuoyu_access = only(*ENTITLEMENT_READERS)
    serializer_class = SubsidyPaymentSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PaymentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        return ledger(self.request.user)


# --- budget, summary and §13 lists ---
# The summary of a year (every official), the public list of what was paid (anyone, 公开, never a child)
# and §13's lists (every official). The same selectors as the pages, so the figures agree.


SUMMARY_READERS = capabilities.SUBSIDY_VIEWERS


def _query(request, serializer_class) -> dict:
    query = serializer_class(data=request.query_params)
    if not query.is_valid():
        raise drf_exceptions.ValidationError(query.errors)
    return query.validated_data


def _amounts(amounts) -> dict:
    return {"proposed": amounts.proposed, "approved": amounts.approved, "paid": amounts.paid}


def _kinds(kind_rows) -> list[dict]:
    return [{"kind": kind, "label": str(label), **_amounts(a)} for kind, label, a in kind_rows]


class SubsidySummaryAPI(api_views.SignedInAPIView):
    tuoyu_access = only(*SUMMARY_READERS)
    serializer_class = SubsidySummarySerializer

    @extend_schema(
        operation_id="subsidies_summary_retrieve",
        summary="A year's subsidy budget, proposed, approved and paid",
        description="The year's budget and the amounts proposed (not nil), approved (approved and paid) and paid, "
        "per kind and per street or town, with the share of the budget used. A period counts in the year it "
        "starts. Amounts only, never a child.",
        parameters=[SubsidySummaryQuerySerializer],
        responses={200: SubsidySummarySerializer},
    )
    def get(self, request):
        year = _query(request, SubsidySummaryQuerySerializer).get("year") or beijing_today().year
        found = dashboard(year)
        kind_labels = {kind: label for kind, label, _a in found.kind_rows}
        answer = {
            "year": found.year,
            "budget": found.budget_amount,
            **_amounts(found.total),
            "approved_share": found.approved_share,
            "paid_share": found.paid_share,
            "left": found.left,
            "by_kind": _kinds(found.kind_rows),
            "units": [
                {
                    "unit_id": unit.unit_id,
                    "name": unit.name,
                    **_amounts(unit.total),
                    "by_kind": _kinds([(k, kind_labels[k], a) for k, a in unit.by_kind.items()]),
                }
                for unit in found.units
            ],
        }
        return drf_response.Response(SubsidySummarySerializer(answer).data)


class SubsidyPublicListAPI(ListAPIView):
    tuoyu_access = public_access()
    permission_classes = [AllowAny]
    serializer_class = SubsidyPublicSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        return public_payments(_query(self.request, SubsidyPublicQuerySerializer).get("year"))

    @extend_schema(
        operation_id="subsidies_public_list",
        summary="Subsidies paid (公开)",
        description="What each institution was paid, by year (the period's), kind and street or town: the same "
        "rows as the public page. Never a child.",
        parameters=[SubsidyPublicQuerySerializer],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SubsidyUtilitiesListAPI(api_views.SignedInAPIView, ListAPIView):
    tuoyu_access = only(*SUMMARY_READERS)
    serializer_class = SubsidyListUtilitySerializer

    def get_queryset(self):
        return utilities_list()

    @extend_schema(
        operation_id="subsidies_lists_utilities",
        summary="Filed 普惠 institutions: residential prices for water, electricity and gas (§13)",
        description="For the water, power and gas companies: name, street or town, address, filing number, "
        "filed on and unified social credit code.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SubsidyRentFreeListAPI(api_views.SignedInAPIView, ListAPIView):
    tuoyu_access = only(*SUMMARY_READERS)
    serializer_class = SubsidyListRentFreeSerializer

    def get_queryset(self):
        return rent_free_list(on=beijing_today())

    @extend_schema(
        operation_id="subsidies_lists_rent_free",
        summary="Institutions on state-owned premises with their rent-free years (§13)",
        description="For the state-asset office: the first and last rent-free day (the day before the start's "
        "anniversary), the days left (negative: ended) and whether the institution is 普惠, the soonest to end "
        "first.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
