"""Forms of the expert pool: an expert, and the list's filters. They parse; services/experts.py checks
the rules (a unique number, a mobile number, an account that can act), so a page and a test get the same
messages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import User
from tuoyu.institutions.models import Institution

from ..models import ExpertField

ALL = [("", _("All"))]


class ExpertForm(forms.Form):
    code = forms.CharField(label=_("Expert number"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=50)
    field = forms.ChoiceField(label=_("Field"), choices=ExpertField.choices)
    title = forms.CharField(label=_("Professional title"), max_length=50)
    unit = forms.CharField(label=_("Work unit"), max_length=100)
    mobile = forms.CharField(
        label=_("Mobile number"), max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    user = forms.ModelChoiceField(
        label=_("Account"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "The account the expert scores assessments or takes part in inspections with (optional)."
        ),
    )
    employer = forms.ModelChoiceField(
        label=_("Works at the institution"),
        queryset=Institution.objects.order_by("name"),
        required=False,
        help_text=_("Never drawn for this institution (回避)."),
    )
    for_inspection = forms.BooleanField(label=_("Available for inspections"), required=False, initial=True)
    for_grading = forms.BooleanField(label=_("Available for grading"), required=False, initial=True)
    for_guidance = forms.BooleanField(
        label=_("Available for guidance activities"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            role__in=capabilities.ASSESSORS | capabilities.INSPECTORS, is_active=True
        ).order_by("username")


class ExpertFilterForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), required=False, choices=ALL + ExpertField.choices)
    purpose = forms.ChoiceField(
        label=_("Available for"),
        required=False,
        choices=ALL
        + [
            ("inspection", _("Inspections")),
            ("grading", _("Grading")),
            ("guidance", _("Guidance activities")),
        ],
    )
    active = forms.ChoiceField(
        label=_("In the pool"),
        required=False,
        choices=[("1", _("In the pool")), ("0", _("Left the pool")), ("", _("All"))],
    )

    def filters(self) -> dict:
        if not self.is_bound:
            return {"field": "", "purpose": "", "active": "1"}
        return self.cleaned_data if self.is_valid() else {"field": "", "purpose": "", "active": "1"}
