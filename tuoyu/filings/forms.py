from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.institutions.models import RegistrationBody

from .models import MaterialKind, RequirementDomain


class OperatorRegistrationForm(forms.Form):
    name = forms.CharField(label=_("Institution name"), max_length=100)
    registration_body = forms.ChoiceField(label=_("Registered with"), choices=RegistrationBody.choices)
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        help_text=_("18 characters, as on the business licence or certificate."),
    )
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50)
    phone = forms.CharField(
        label=_("Mobile number"), max_length=20, help_text=_("Messages about the application are sent here.")
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput, help_text=_("At least 10 characters.")
    )
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Material"), choices=MaterialKind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, up to 10 MB)"))
    lease_start = forms.DateField(
        label=_("Lease starts"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    lease_end = forms.DateField(
        label=_("Lease ends"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    hygiene_passed = forms.BooleanField(
        label=_("The hygiene evaluation is rated 合格 (pass)"), required=False
    )


class DeregistrationForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    last_day = forms.DateField(
        label=_("Last day of service"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("approve", _("Approve")),
            ("return", _("Return for correction")),
            ("noncompliant", _("Does not comply")),
        ]
    )
    note = forms.CharField(
        label=_("Note or reasons"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Subject"), max_length=200)
    domain = forms.ChoiceField(label=_("Blocking requirement"), choices=RequirementDomain.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    departments = forms.MultipleChoiceField(
        label=_("Departments taking part"), widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
