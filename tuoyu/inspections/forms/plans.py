"""Forms of plans and draws: the plan, the redraw's reason, a declared link, and the public re-run. They
parse; the services and draw.py check the rules, so a page and the API give the same messages."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts import capabilities
from tuoyu.regions.models import Department, Unit
from tuoyu.workforce.models import Expert
from tuoyu.workforce.selectors.experts import experts_available

from ..models import ChecklistItem, Domain, Inspector


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    lead_department = forms.ModelChoiceField(label=_("Lead department"), queryset=Department.objects.none())
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments taking part"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A joint plan (联合抽查) names every department, the lead included."),
    )
    unit = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("The whole district"),
        help_text=_("Every filed institution of the area is a candidate."),
    )
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    domains = forms.MultipleChoiceField(
        label=_("Domains"), choices=Domain.choices, widget=forms.CheckboxSelectMultiple
    )
    checklist = forms.ModelMultipleChoiceField(
        label=_("Checklist"),
        queryset=ChecklistItem.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    sample_percent = forms.IntegerField(
        label=_("Sample (percent of the institutions)"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Give a percentage or a number, not both."),
    )
    sample_size = forms.IntegerField(label=_("Sample (number of institutions)"), required=False, min_value=1)
    inspectors_per_inspection = forms.IntegerField(
        label=_("Inspectors per inspection"), min_value=2, initial=2
    )
    inspectors = forms.ModelMultipleChoiceField(
        label=_("Inspector pool"),
        queryset=Inspector.objects.filter(active=True).select_related("department"),
        widget=forms.CheckboxSelectMultiple,
    )
    experts_per_inspection = forms.IntegerField(
        label=_("Experts per inspection"),
        min_value=0,
        initial=0,
        required=False,
        help_text=_("Experts of the district's pool drawn with the inspectors, the same way; 0 for none."),
    )
    experts = forms.ModelMultipleChoiceField(
        label=_("Expert pool"),
        queryset=Expert.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every expert available for inspections."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.order_by("code")
        self.fields["departments"].queryset = departments
        own = getattr(user, "department_id", None)
        if capabilities.is_health_commission(user):
            self.fields["lead_department"].queryset = departments
        else:
            self.fields["lead_department"].queryset = departments.filter(pk=own)
            self.fields["lead_department"].initial = own
        self.fields["unit"].queryset = Unit.objects.filter(
            level__in=[Unit.Level.STREET, Unit.Level.TOWN, Unit.Level.TOWNSHIP]
        ).order_by("path")
        self.fields["inspectors"].label_from_instance = lambda i: (
            f"{i.name}（{i.department}，{i.certificate_number}）"
        )
        self.fields["checklist"].label_from_instance = lambda item: f"{item.code} {item.text}"
        self.fields["experts"].queryset = experts_available("inspection")
        self.fields["experts"].label_from_instance = lambda e: (
            f"{e.name}（{e.get_field_display()}，{e.unit}，{e.code}）"
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the redraw (published)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the plan is cancelled"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class LinkForm(forms.Form):
    inspector = forms.ModelChoiceField(label=_("Inspector"), queryset=Inspector.objects.none())
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=None)
    reason = forms.CharField(
        label=_("The link"),
        max_length=200,
        help_text=_("For example: a relative works there; worked there until 2025."),
    )

    def __init__(self, *args, inspectors, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = inspectors
        self.fields["inspector"].label_from_instance = lambda i: f"{i.name}（{i.certificate_number}）"
        self.fields["institution"].queryset = institutions


class RerunForm(forms.Form):
    """The public re-run: a seed and the published JSON (the inputs, and the result to compare with)."""

    seed = forms.CharField(label=_("Seed"), max_length=200, required=False)
    inputs = forms.CharField(
        label=_("Published JSON of the draw"),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        max_length=500_000,
        help_text=_("Paste the JSON offered on the draw's page; the seed above replaces the one in it."),
    )

    def clean_inputs(self):
        try:
            doc = json.loads(self.cleaned_data["inputs"])
        except ValueError:
            raise ValidationError(_("This is not JSON: copy the whole file from the draw's page.")) from None
        if not isinstance(doc, dict):
            raise ValidationError(_("The JSON must be an object with the draw's inputs."))
        missing = [
            key
            for key in ("institutions", "inspectors", "links", "sample_count", "per_inspection")
            if key not in doc
        ]
        if missing:
            raise ValidationError(_("The JSON lacks: %(keys)s.") % {"keys": ", ".join(missing)})
        return doc

    def clean(self):
        data = super().clean()
        doc = data.get("inputs")
        if isinstance(doc, dict):
            seed = (data.get("seed") or "").strip() or str(doc.get("seed") or "").strip()
            if not seed:
                self.add_error("seed", _("Give the seed."))
            doc["seed"] = seed
        return data
