"""The commission's forms for periods: create one (the service checks the rules) and filter a period's
entitlements."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import EntitlementStatus, SubsidyKind


class PeriodForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60, help_text=_("For example 2024年上半年"))
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (included)"), widget=forms.DateInput(attrs={"type": "date"}))


class PeriodFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + SubsidyKind.choices)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + EntitlementStatus.choices
    )

    def filters(self) -> dict:
        """The filters understood; a value not understood is left out (the whole list is shown)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}
