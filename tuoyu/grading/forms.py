"""Forms of grading. They parse and present; the rules (at least two assessors, points in halves, the
review window, one title per institution, year and level) are the services'."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.capabilities import ASSESSORS
from tuoyu.accounts.models import User
from tuoyu.institutions.models import Institution, InstitutionStatus
from tuoyu.regions.selectors import grassroots_units

from .models import DemonstrationLevel
from .selectors import GRADE_NONE, grade_choices


class AssessmentForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.filter(status=InstitutionStatus.FILED).order_by("name"),
    )
    draw_from_pool = forms.BooleanField(
        label=_("Draw the two assessors from the expert pool"),
        required=False,
        help_text=_(
            "Experts available for grading with an assessor's account, never one who works at the "
            "institution; the seed and the result are kept on the assessment's history."
        ),
    )
    assessors = forms.ModelMultipleChoiceField(
        label=_("Assessors (at least two)"),
        queryset=User.objects.filter(role__in=ASSESSORS, is_active=True).order_by("username"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    assessed_on = forms.DateField(
        label=_("Assessed on"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )


class ScoreForm(forms.Form):
    """One field per item of the given dimensions: a number (step 0.5) for a scored item, met / not met
    for a basic item. Built from the rubric, so a new rubric version needs no code."""

    def __init__(self, *args, dimensions, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for dimension in dimensions:
            for item in dimension.items.all():
                score = getattr(item, "score", None)
                name = f"item_{item.pk}"
                if item.is_basic:
                    initial = "" if score is None or score.met is None else ("yes" if score.met else "no")
                    self.fields[name] = forms.ChoiceField(
                        label=f"{item.code} {item.text}",
                        choices=[("", _("Not yet answered")), ("yes", _("Met")), ("no", _("Not met"))],
                        required=False,
                        initial=initial,
                        widget=forms.RadioSelect,
                    )
                else:
                    self.fields[name] = forms.CharField(
                        label=f"{item.code} {item.text}",
                        required=False,
                        initial="" if score is None or score.points is None else score.points,
                        help_text=_("0 to %(max)s points, in steps of 0.5") % {"max": item.points},
                        widget=forms.NumberInput(
                            attrs={"min": 0, "max": item.points, "step": "0.5", "inputmode": "decimal"}
                        ),
                    )
                self.fields[name].item = item

    def rows(self):
        """(dimension, [bound fields]) for the template, in the rubric's order."""
        return [
            (dimension, [self[f"item_{item.pk}"] for item in dimension.items.all()])
            for dimension in self.dimensions
        ]

    def scores(self) -> dict[int, str]:
        """{item id: the raw answer}; the service checks each against its item."""
        return {field.item.pk: self.cleaned_data.get(name, "") for name, field in self.fields.items()}


class ReviewRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you ask for a review"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReviewDecideForm(forms.Form):
    outcome = forms.CharField(
        label=_("What the review found"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class DemonstrationForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.exclude(status=InstitutionStatus.DRAFT).order_by("name"),
    )
    year = forms.IntegerField(label=_("Year"), initial=lambda: timezone.localdate().year)
    level = forms.ChoiceField(
        label=_("Level"), choices=DemonstrationLevel.choices, initial=DemonstrationLevel.MUNICIPAL
    )
    title = forms.CharField(label=_("Title as awarded"), max_length=100, initial="重庆市托育服务示范单位")
    document_number = forms.CharField(label=_("Document number"), max_length=60, required=False)


class PublicFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Street or town"), queryset=None, required=False, empty_label=_("All")
    )
    grade = forms.ChoiceField(label=_("Grade"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = grassroots_units()
        self.fields["grade"].choices = [("", _("All")), *grade_choices(), (GRADE_NONE, _("No grade"))]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {"unit": self.cleaned_data.get("unit"), "grade": self.cleaned_data.get("grade") or ""}
