"""Forms of rectification: the institution's evidence, the inspector's decisions, suspensions, and the
filters of the oversight lists. The services check every rule (a note is required, the deadline is a
future working day …); the forms only parse, so a page and the API give the same messages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.regions.models import Unit

from ..models import FindingStatus, InspectionStatus, Result, Severity

ALL = [("", _("All"))]


class EvidenceForm(forms.Form):
    """The institution's evidence. The control names `note` and `file` are stable (the browser test)."""

    note = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    file = forms.FileField(
        label=_("Photo or PDF showing it is put right"),
        required=False,
        help_text=_("A photo (JPEG or PNG) or a PDF. Photos are stored without their location data."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReinspectionRecordForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome of the re-inspection"),
        choices=[("passed", _("Put right")), ("failed", _("Not put right"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What the re-inspection found"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    new_deadline = forms.DateField(
        label=_("New deadline (if not put right)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (published)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    starts_on = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class FindingFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Not yet put right")), *FindingStatus.choices, ("all", _("All"))],
    )
    severity = forms.ChoiceField(label=_("Severity"), required=False, choices=ALL + Severity.choices)
    unit = forms.ModelChoiceField(
        label=_("Street or town"),
        required=False,
        queryset=Unit.objects.filter(
            level__in=[Unit.Level.STREET, Unit.Level.TOWN, Unit.Level.TOWNSHIP]
        ).order_by("path"),
        empty_label=_("All"),
    )
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("All")), ("overdue", _("Past the deadline")), ("running", _("Within the deadline"))],
    )
    inspection = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class InspectionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ALL + InspectionStatus.choices)
    result = forms.ChoiceField(label=_("Result"), required=False, choices=ALL + Result.choices)

    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}
