"""The subsidies API's shapes. Money is a string with two decimals (DecimalField(coerce_to_string)),
never a float."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import EntitlementStatus, LineKind, PeriodStatus, SubsidyKind

# --- rules and periods ---
# Component names start with `SubsidyRuleSet` or `SubsidyPeriod`. Amounts are strings to the fen.


def _period_money(**kwargs):
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=True, read_only=True, **kwargs
    )


class SubsidyRuleSetSerializer(serializers.Serializer):
    """One version of the rules and rates, in force from `effective_from` until the next version's."""

    id = serializers.IntegerField(read_only=True)
    effective_from = serializers.DateField(read_only=True)
    name = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)
    rate_infant = _period_money(help_text="乳儿班, yuan per child per year")
    rate_toddler = _period_money(help_text="托小班, yuan per child per year")
    rate_preschool = _period_money(help_text="托大班, yuan per child per year")
    rate_mixed = _period_money(help_text="混合班, yuan per child per year")
    count_day = serializers.IntegerField(
        read_only=True, help_text="A month counts for a child enrolled on this day of it"
    )
    part_month_rule = serializers.CharField(read_only=True)
    construction_amount = _period_money()
    chain_min_institutions = serializers.IntegerField(read_only=True)
    chain_min_slots_each = serializers.IntegerField(read_only=True)
    single_min_slots = serializers.IntegerField(read_only=True)
    demonstration_small_below = serializers.IntegerField(read_only=True)
    demonstration_large_from = serializers.IntegerField(read_only=True)
    demonstration_small_amount = _period_money()
    demonstration_medium_amount = _period_money()
    demonstration_large_amount = _period_money()
    rent_free_years = serializers.IntegerField(read_only=True)
    rent_free_reminder_days = serializers.IntegerField(read_only=True)


class SubsidyRuleSetListSerializer(serializers.Serializer):
    rounding_rule = serializers.CharField(read_only=True, help_text="How amounts are rounded")
    results = SubsidyRuleSetSerializer(many=True, read_only=True)


class SubsidyPeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True)
    status = serializers.CharField(read_only=True, help_text=" | ".join(PeriodStatus.values))
    proposed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    due_count = serializers.IntegerField(read_only=True, help_text="Entitlements with something due")
    due_amount = _period_money(help_text="Their total, yuan")


class SubsidyPeriodKindTotalSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    count = serializers.IntegerField(read_only=True)
    amount = _period_money()


class SubsidyPeriodStatusTotalSerializer(serializers.Serializer):
    status = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    count = serializers.IntegerField(read_only=True)
    amount = _period_money()


class SubsidyPeriodTotalsSerializer(serializers.Serializer):
    count = serializers.IntegerField(read_only=True)
    amount = _period_money()
    nil_count = serializers.IntegerField(read_only=True, help_text="Entitlements with nothing due")
    by_kind = SubsidyPeriodKindTotalSerializer(many=True, read_only=True)
    by_status = SubsidyPeriodStatusTotalSerializer(many=True, read_only=True)


class SubsidyPeriodDetailSerializer(SubsidyPeriodSerializer):
    totals = SubsidyPeriodTotalsSerializer(read_only=True)


class SubsidyPeriodErrorSerializer(serializers.Serializer):
    """What a refusal looks like (tuoyu.core.api.exception_handler shapes it)."""

    message = serializers.CharField(help_text="One sentence a client can show as it is")
    detail = serializers.CharField(required=False, help_text="For 401, 403 and 404")
    errors = serializers.DictField(required=False, help_text="For 400 and 409: the messages per field")


class SubsidyPeriodCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    start = serializers.DateField()
    end = serializers.DateField(help_text="Included; in the same calendar year as `start`")


# --- entitlements, approvals and payments ---
# Component names start with `SubsidyEntitlement` or `SubsidyPayment`. Amounts are strings to the fen.
# A line's child is named for the institution and the commission, masked for finance (张*明).


def _ent_choice_field(choices, **kwargs):
    """A ChoiceField whose enum stays inline in the schema (shared enum names would collide)."""
    values = [value for value, _label in choices]
    schema = {"allOf": [{"type": "string", "enum": values}], "description": " | ".join(values)}
    field_class = extend_schema_field(schema)(
        type("SubsidyEntitlementChoiceField", (serializers.ChoiceField,), {})
    )
    return field_class(choices=choices, **kwargs)


def _ent_money(**kwargs):
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=True, read_only=True, **kwargs
    )


ENTITLEMENT_ACTIONS = ["confirm", "dispute", "recompute", "review", "approve", "pay"]


class SubsidyEntitlementErrorSerializer(serializers.Serializer):
    """What every refusal looks like (tuoyu.core.api.exception_handler shapes it)."""

    message = serializers.CharField(help_text="One sentence a client can show as it is")
    detail = serializers.CharField(required=False, help_text="For 401, 403 and 404")
    errors = serializers.DictField(
        required=False, help_text="For 400 and 409: the messages per field (`non_field_errors` for the whole)"
    )


class SubsidyEntitlementSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    period = serializers.IntegerField(source="period_id", read_only=True)
    period_name = serializers.CharField(source="period.name", read_only=True)
    institution = serializers.IntegerField(source="institution_id", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    kind = _ent_choice_field(SubsidyKind.choices, read_only=True)
    amount = _ent_money(help_text="元, the sum of the lines")
    status = _ent_choice_field(EntitlementStatus.choices, read_only=True)
    nil_reason = serializers.CharField(read_only=True, help_text="Why nothing is due (blank otherwise)")
    dispute_reason = serializers.CharField(read_only=True)
    computed_at = serializers.DateTimeField(read_only=True)


class SubsidyEntitlementLineSerializer(serializers.Serializer):
    position = serializers.IntegerField(read_only=True)
    kind = _ent_choice_field(LineKind.choices, read_only=True)
    child = serializers.CharField(
        source="child_label", read_only=True, help_text="The child's name; masked for finance; blank for none"
    )
    age_group = serializers.CharField(read_only=True)
    months = serializers.IntegerField(read_only=True, allow_null=True)
    rate = _ent_money(allow_null=True, help_text="元 a year")
    rule_set_from = serializers.DateField(
        source="rule_set.effective_from", read_only=True, allow_null=True, default=None
    )
    adjusted_period = serializers.IntegerField(source="adjusted_period_id", read_only=True, allow_null=True)
    amount = _ent_money(help_text="元; an adjustment may be negative")
    reason = serializers.CharField(read_only=True, help_text="Why nothing is due, on a nil line")
    explanation = serializers.CharField(read_only=True, help_text="The same words as the page and the PDF")


class SubsidyEntitlementEventSerializer(serializers.Serializer):
    from_status = serializers.CharField(read_only=True)
    to_status = _ent_choice_field(EntitlementStatus.choices, read_only=True)
    at = serializers.DateTimeField(read_only=True)
    by = serializers.SerializerMethodField()
    note = serializers.CharField(read_only=True)

    def get_by(self, event) -> str:
        return (event.by.display_name or event.by.username) if event.by else ""


class SubsidyPaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    entitlement = serializers.IntegerField(source="entitlement_id", read_only=True)
    institution = serializers.IntegerField(source="entitlement.institution_id", read_only=True)
    institution_name = serializers.CharField(source="entitlement.institution.name", read_only=True)
    period = serializers.IntegerField(source="entitlement.period_id", read_only=True)
    period_name = serializers.CharField(source="entitlement.period.name", read_only=True)
    kind = _ent_choice_field(SubsidyKind.choices, source="entitlement.kind", read_only=True)
    amount = _ent_money()
    paid_on = serializers.DateField(read_only=True)
    voucher_number = serializers.CharField(read_only=True)
    recorded_at = serializers.DateTimeField(read_only=True)


class SubsidyEntitlementDetailSerializer(SubsidyEntitlementSerializer):
    nil_reason_text = serializers.CharField(read_only=True, help_text="Why nothing is due, in words")
    rounding_rule = serializers.CharField(read_only=True)
    lines = SubsidyEntitlementLineSerializer(source="lines_explained", many=True, read_only=True)
    events = SubsidyEntitlementEventSerializer(source="timeline", many=True, read_only=True)
    payment = SubsidyPaymentSerializer(source="payment_row", read_only=True, allow_null=True)
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=ENTITLEMENT_ACTIONS),
        read_only=True,
        help_text="What you may do now",
    )


class SubsidyEntitlementDisputeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, help_text="What is wrong, 5 to 1000 characters")


class SubsidyEntitlementNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="Reviewing a disputed entitlement: required, the answer to the dispute",
    )


class SubsidyPaymentCreateSerializer(serializers.Serializer):
    paid_on = serializers.DateField(help_text="Not in the future, not before the approval")
    voucher_number = serializers.CharField(max_length=40, help_text="Unique in the ledger")


# --- budget, summary and §13 lists ---
# Component names start with `SubsidySummary`, `SubsidyPublic` or `SubsidyList`. Amounts are strings to
# the fen, shares strings with one decimal (per cent); never a child.


def _summary_money(**kwargs):
    return serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=True, read_only=True, **kwargs
    )


def _summary_share(**kwargs):
    return serializers.DecimalField(
        max_digits=7, decimal_places=1, coerce_to_string=True, read_only=True, allow_null=True, **kwargs
    )


def _summary_kind_field(**kwargs):
    """The kind, its enum inline in the schema (a shared enum name would collide with other apps')."""
    values = list(SubsidyKind.values)
    schema = {"allOf": [{"type": "string", "enum": values}], "description": " | ".join(values)}
    field_class = extend_schema_field(schema)(type("SubsidySummaryKindField", (serializers.ChoiceField,), {}))
    return field_class(choices=SubsidyKind.choices, **kwargs)


class SubsidySummaryAmountsSerializer(serializers.Serializer):
    proposed = _summary_money(help_text="Entitlements with something due, whatever became of them")
    approved = _summary_money(help_text="Approved by finance, paid or not")
    paid = _summary_money(help_text="The ledger's payments")


class SubsidySummaryKindSerializer(SubsidySummaryAmountsSerializer):
    kind = _summary_kind_field(read_only=True)
    label = serializers.CharField(read_only=True)


class SubsidySummaryUnitSerializer(SubsidySummaryAmountsSerializer):
    unit_id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    by_kind = SubsidySummaryKindSerializer(many=True, read_only=True)


class SubsidySummarySerializer(SubsidySummaryAmountsSerializer):
    year = serializers.IntegerField(read_only=True)
    budget = _summary_money(allow_null=True, help_text="The year's budget; null when none is set")
    approved_share = _summary_share(help_text="Approved ÷ budget, per cent; null without a budget")
    paid_share = _summary_share(help_text="Paid ÷ budget, per cent; null without a budget")
    left = _summary_money(allow_null=True, help_text="Budget − approved (negative: over budget)")
    by_kind = SubsidySummaryKindSerializer(many=True, read_only=True)
    units = SubsidySummaryUnitSerializer(many=True, read_only=True)


class SubsidySummaryQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=2020, max_value=2100, help_text="Left out: this year"
    )


class SubsidyPublicQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=2020, max_value=2100, help_text="Left out: every year"
    )


class SubsidyPublicSerializer(serializers.Serializer):
    """What was paid to one institution of one kind for one year (公开): no child, not even a number."""

    year = serializers.IntegerField(read_only=True, help_text="The year the subsidy period starts in")
    kind = _summary_kind_field(source="entitlement__kind", read_only=True)
    institution = serializers.IntegerField(source="entitlement__institution_id", read_only=True)
    institution_name = serializers.CharField(source="entitlement__institution__name", read_only=True)
    unit = serializers.IntegerField(source="entitlement__institution__unit_id", read_only=True)
    unit_name = serializers.CharField(source="entitlement__institution__unit__name", read_only=True)
    amount = _summary_money(help_text="Paid, in yuan")


class SubsidyListUtilitySerializer(serializers.Serializer):
    """A filed 普惠 institution, entitled to residential prices for water, electricity and gas (§13)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    unit = serializers.IntegerField(source="unit_id", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    address = serializers.CharField(read_only=True)
    filing_number = serializers.CharField(read_only=True)
    filed_on = serializers.DateField(read_only=True, allow_null=True)
    uscc = serializers.CharField(read_only=True, help_text="Unified social credit code")


class SubsidyListRentFreeSerializer(serializers.Serializer):
    """An institution on state-owned premises with its rent-free years (§13)."""

    institution = serializers.IntegerField(source="institution.pk", read_only=True)
    name = serializers.CharField(source="institution.name", read_only=True)
    unit_name = serializers.CharField(source="institution.unit.name", read_only=True)
    address = serializers.CharField(source="institution.address", read_only=True)
    premises = serializers.CharField(source="profile.premises_note", read_only=True)
    rent_free_from = serializers.DateField(source="starts_on", read_only=True, allow_null=True)
    rent_free_until = serializers.DateField(
        source="ends_on", read_only=True, allow_null=True, help_text="The last rent-free day"
    )
    days_left = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Days from today to the last rent-free day; negative: ended",
    )
    years = serializers.IntegerField(read_only=True, allow_null=True)
    puhui = serializers.BooleanField(
        read_only=True, help_text="Filed and inclusive (普惠): the rent-free years are for inclusive service"
    )
