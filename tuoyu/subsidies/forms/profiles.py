"""The commission's form of an institution's subsidy profile. It parses; services.profiles checks the rules
(the credit code's check digit, state-owned premises with the day their rent-free years start)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"


class ProfileForm(forms.Form):
    investor_name = forms.CharField(label=_("Investing body"), max_length=100, required=False)
    investor_uscc = forms.CharField(
        label=_("Investing body's unified social credit code"),
        max_length=18,
        required=False,
        help_text=_("18 characters. The construction subsidy counts the institutions of one investor by it."),
    )
    state_premises = forms.BooleanField(label=_("Rents state-owned premises"), required=False)
    rent_free_from = forms.DateField(
        label=_("Rent-free from"),
        required=False,
        widget=DateInput(),
        help_text=_("The first day of the rent-free years on state-owned premises."),
    )
    premises_note = forms.CharField(label=_("Premises"), max_length=200, required=False)
