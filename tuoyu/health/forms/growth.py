"""The health staff's form of a growth measurement. It only parses (a date, decimals, yes/no); the service
checks every rule (a date before birth or in the future, the same day twice, a value that cannot be
right), so the page and the API give the same messages. The control names are the service's argument
names."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"


def _decimal(label, *, max_digits: int, places: int, step: str, required: bool = True, **kwargs):
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=max_digits,
        decimal_places=places,
        # A phone shows its number pad with the decimal point.
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": step, "min": "0"}),
        **kwargs,
    )


class MeasurementForm(forms.Form):
    measured_on = forms.DateField(label=_("Measured on"), widget=DateInput())
    weight_kg = _decimal(_("Weight (kg)"), max_digits=5, places=2, step="0.01")
    length_cm = _decimal(
        _("Length or height (cm)"),
        max_digits=5,
        places=1,
        step="0.1",
        help_text=_("Length lying down under 2 years, height standing from 2 years."),
    )
    lying = forms.BooleanField(
        label=_("Measured lying down"),
        required=False,
        help_text=_("Untick if the child stood; the WHO standard corrects the other position by 0.7 cm."),
    )
    head_cm = _decimal(_("Head circumference (cm)"), max_digits=4, places=1, step="0.1", required=False)
