"""The commission's form of the year's budget. It parses; services.budget.budget_set checks the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _


class BudgetForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "2020", "max": "2100"}),
    )
    amount = forms.DecimalField(
        label=_("Budget (yuan)"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0.01"}),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
