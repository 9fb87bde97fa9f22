"""The what-if form: the rule set's values a person may change and the period to simulate (a period on
record, or a whole year). Read from the query string (GET), so a what-if is a link that can be kept and
never writes; any value left out keeps the rules in force.

The checks a rule set must pass are here, as the form is the only way an unsaved rule set is made: no
negative amount, a count day from 1 to 28 (every month has it), the award's thresholds in order."""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from ..models import Period, RuleSet

YEAR_MIN = 2020
YEAR_MAX = 2100

# The rule set's fields the what-if may change, in the form's order.
RATE_FIELDS = ("rate_infant", "rate_toddler", "rate_preschool", "rate_mixed")
MONEY_FIELDS = (
    *RATE_FIELDS,
    "construction_amount",
    "demonstration_small_amount",
    "demonstration_medium_amount",
    "demonstration_large_amount",
)
COUNT_FIELDS = (
    "count_day",
    "chain_min_institutions",
    "chain_min_slots_each",
    "single_min_slots",
    "demonstration_small_below",
    "demonstration_large_from",
)
RULE_FIELDS = (
    *RATE_FIELDS,
    "count_day",
    "construction_amount",
    "chain_min_institutions",
    "chain_min_slots_each",
    "single_min_slots",
    "demonstration_small_below",
    "demonstration_large_from",
    "demonstration_small_amount",
    "demonstration_medium_amount",
    "demonstration_large_amount",
)


def _money(name: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=RuleSet._meta.get_field(name).verbose_name,
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
    )


def _count(name: str, *, low: int = 1, high: int = 10000) -> forms.IntegerField:
    return forms.IntegerField(
        label=RuleSet._meta.get_field(name).verbose_name,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": str(low), "max": str(high)}),
    )


class WhatIfForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("Period"),
        queryset=Period.objects.order_by("-start"),
        required=False,
        empty_label=_("A whole year (below)"),
    )
    year = forms.IntegerField(
        label=_("Or a year"),
        required=False,
        validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)],
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": str(YEAR_MIN), "max": str(YEAR_MAX)}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in RULE_FIELDS:
            if name in MONEY_FIELDS:
                self.fields[name] = _money(name)
            elif name == "count_day":
                self.fields[name] = _count(
                    name, high=28
                )  # every month has a 28th: a 29th would skip February
                self.fields[name].help_text = _("A month counts for a child enrolled on this day (1 to 28).")
            else:
                self.fields[name] = _count(name)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("period") and not cleaned.get("year") and "year" not in self.errors:
            self.add_error("year", _("Choose a period or give a year."))
        small, large = cleaned.get("demonstration_small_below"), cleaned.get("demonstration_large_from")
        if small is not None and large is not None and small >= large:
            self.add_error(
                "demonstration_large_from",
                _("The award's thresholds are out of order: the upper one must be above the lower one."),
            )
        return cleaned

    def simulated_period(self) -> Period:
        """The chosen period, or the whole year as an unsaved period (nothing is written)."""
        period = self.cleaned_data.get("period")
        if period is not None:
            return period
        year = self.cleaned_data["year"]
        return Period(name=str(year), start=date(year, 1, 1), end=date(year, 12, 31))

    def rule_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in RULE_FIELDS}


def initial_from(rules: RuleSet | None) -> dict:
    """The form's values from the rules in force (as the query string carries them)."""
    if rules is None:
        return {}
    return {name: str(getattr(rules, name)) for name in RULE_FIELDS}
