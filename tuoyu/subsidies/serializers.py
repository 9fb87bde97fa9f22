"""The subsidies API's shapes. Money is a string with two decimals (DecimalField(coerce_to_string)),
never a float."""

# --- rules and periods ---
# Component names start with `SubsidyRuleSet` or `SubsidyPeriod`. Amounts are strings to the fen.
from rest_framework import serializers as period_serializers  # noqa: E402

from .models import PeriodStatus  # noqa: E402


def _period_money(**kwargs):
    return period_serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=True, read_only=True, **kwargs
    )


class SubsidyRuleSetSerializer(period_serializers.Serializer):
    """One version of the rules and rates, in force from `effective_from` until the next version's."""

    id = period_serializers.IntegerField(read_only=True)
    effective_from = period_serializers.DateField(read_only=True)
    name = period_serializers.CharField(read_only=True)
    source = period_serializers.CharField(read_only=True)
    rate_infant = _period_money(help_text="乳儿班, yuan per child per year")
    rate_toddler = _period_money(help_text="托小班, yuan per child per year")
    rate_preschool = _period_money(help_text="托大班, yuan per child per year")
    rate_mixed = _period_money(help_text="混合班, yuan per child per year")
    count_day = period_serializers.IntegerField(
        read_only=True, help_text="A month counts for a child enrolled on this day of it"
    )
    part_month_rule = period_serializers.CharField(read_only=True)
    construction_amount = _period_money()
    chain_min_institutions = period_serializers.IntegerField(read_only=True)
    chain_min_slots_each = period_serializers.IntegerField(read_only=True)
    single_min_slots = period_serializers.IntegerField(read_only=True)
    demonstration_small_below = period_serializers.IntegerField(read_only=True)
    demonstration_large_from = period_serializers.IntegerField(read_only=True)
    demonstration_small_amount = _period_money()
    demonstration_medium_amount = _period_money()
    demonstration_large_amount = _period_money()
    rent_free_years = period_serializers.IntegerField(read_only=True)
    rent_free_reminder_days = period_serializers.IntegerField(read_only=True)


class SubsidyRuleSetListSerializer(period_serializers.Serializer):
    rounding_rule = period_serializers.CharField(read_only=True, help_text="How amounts are rounded")
    results = SubsidyRuleSetSerializer(many=True, read_only=True)


class SubsidyPeriodSerializer(period_serializers.Serializer):
    id = period_serializers.IntegerField(read_only=True)
    name = period_serializers.CharField(read_only=True)
    start = period_serializers.DateField(read_only=True)
    end = period_serializers.DateField(read_only=True)
    status = period_serializers.CharField(read_only=True, help_text=" | ".join(PeriodStatus.values))
    proposed_at = period_serializers.DateTimeField(read_only=True, allow_null=True)
    due_count = period_serializers.IntegerField(read_only=True, help_text="Entitlements with something due")
    due_amount = _period_money(help_text="Their total, yuan")


class SubsidyPeriodKindTotalSerializer(period_serializers.Serializer):
    kind = period_serializers.CharField(read_only=True)
    label = period_serializers.CharField(read_only=True)
    count = period_serializers.IntegerField(read_only=True)
    amount = _period_money()


class SubsidyPeriodStatusTotalSerializer(period_serializers.Serializer):
    status = period_serializers.CharField(read_only=True)
    label = period_serializers.CharField(read_only=True)
    count = period_serializers.IntegerField(read_only=True)
    amount = _period_money()


class SubsidyPeriodTotalsSerializer(period_serializers.Serializer):
    count = period_serializers.IntegerField(read_only=True)
    amount = _period_money()
    nil_count = period_serializers.IntegerField(read_only=True, help_text="Entitlements with nothing due")
    by_kind = SubsidyPeriodKindTotalSerializer(many=True, read_only=True)
    by_status = SubsidyPeriodStatusTotalSerializer(many=True, read_only=True)


class SubsidyPeriodDetailSerializer(SubsidyPeriodSerializer):
    totals = SubsidyPeriodTotalsSerializer(read_only=True)


class SubsidyPeriodErrorSerializer(period_serializers.Serializer):
    """What a refusal looks like (tuoyu.core.api.exception_handler shapes it)."""

    message = period_serializers.CharField(help_text="One sentence a client can show as it is")
    detail = period_serializers.CharField(required=False, help_text="For 401, 403 and 404")
    errors = period_serializers.DictField(required=False, help_text="For 400 and 409: the messages per field")


class SubsidyPeriodCreateSerializer(period_serializers.Serializer):
    name = period_serializers.CharField(max_length=60)
    start = period_serializers.DateField()
    end = period_serializers.DateField(help_text="Included; in the same calendar year as `start`")


# --- entitlements, approvals and payments ---

# --- budget, summary and §13 lists ---
