"""The record's forms. They only parse (dates, choices, the file); the services check every rule (a date
in the future or before birth, missing doses not listed, the report's type by content …), so the pages
and any later API give the same messages. The control names are the services' argument names."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.institutions.models import Institution

from ..models import EntryResult, VaccinationStatus


class DateInput(forms.DateInput):
    input_type = "date"


def _date(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DateInput(), **kwargs)


class EntryCheckForm(forms.Form):
    checked_on = _date(_("Date of the entry health check"))
    hospital = forms.CharField(label=_("Hospital"), required=False, max_length=100)
    result = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", "---------"), *EntryResult.choices]
    )
    note = forms.CharField(
        label=_("Note on the check"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    report = forms.FileField(
        label=_("Report"),
        required=False,
        help_text=_(
            "The hospital's report as a PDF, or a photo (JPEG or PNG). Leave empty to keep the report on file."
        ),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class VaccinationForm(forms.Form):
    checked_on = _date(_("Date the vaccination certificate was checked"))
    status = forms.ChoiceField(
        label=_("What the certificate shows"),
        required=False,
        choices=[("", "---------"), *[(v, label) for v, label in VaccinationStatus.choices if v]],
    )
    missing_doses = forms.CharField(
        label=_("Doses to catch up"),
        required=False,
        max_length=500,
        help_text=_("Needed when doses are missing, e.g. 麻腮风 第2剂."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


FAMILY_DOCTOR_CHOICES = [("", _("Not asked yet")), ("yes", _("Yes")), ("no", _("No"))]


class DetailsForm(forms.Form):
    allergies = forms.CharField(
        label=_("Allergies"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    special_needs = forms.CharField(
        label=_("Special needs"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    family_doctor = forms.TypedChoiceField(
        label=_("Family doctor contract (家庭医生签约)"),
        required=False,
        choices=FAMILY_DOCTOR_CHOICES,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
    )

    @staticmethod
    def initial_of(record) -> dict:
        doctor = {True: "yes", False: "no"}.get(record.family_doctor, "")
        return {"allergies": record.allergies, "special_needs": record.special_needs, "family_doctor": doctor}


class ConsentForm(forms.Form):
    """The answer to a move. `decision` is the button pressed; `form_seen` is the new institution's health
    staff confirming the guardian's signed form (needed for a paper answer)."""

    decision = forms.ChoiceField(choices=[("consent", _("Consent")), ("refuse", _("Refuse"))])
    form_seen = forms.BooleanField(
        label=_("I have seen the consent form signed by the guardian"), required=False
    )


class RecordSearchForm(forms.Form):
    """The child-health officer's search: by the institution keeping the record and the child's name."""

    institution = forms.ModelChoiceField(
        label=_("Institution"),
        required=False,
        queryset=Institution.objects.none(),
        empty_label=_("All institutions"),
    )
    name = forms.CharField(label=_("Child's name"), required=False, max_length=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the institutions that keep records, so the list stays short and every choice finds someone.
        self.fields["institution"].queryset = (
            Institution.objects.filter(health_records__isnull=False).distinct().order_by("name", "pk")
        )
