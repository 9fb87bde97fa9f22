"""Forms of the handling side: the queue's filters and one small form per action on a case."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.regions.models import Department, Unit
from tuoyu.regions.selectors import grassroots_units

from .. import selectors, services
from ..models import Category, Complaint, ComplaintStatus, Finding
from ..selectors import OPEN_STATUSES, QueueFilters


class QueueFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("All")
    )
    unit = forms.ModelChoiceField(
        label=_("Street or town"), queryset=Unit.objects.none(), required=False, empty_label=_("All")
    )
    category = forms.ChoiceField(
        label=_("What it is about"), choices=[("", _("All")), *Category.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(OPEN_STATUSES, _("Being handled (all open)")), ("", _("All")), *ComplaintStatus.choices],
        required=False,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    number = forms.CharField(label=_("Tracking number"), max_length=20, required=False)

    # With no filter in the address, the queue shows what is still waiting for someone.
    DEFAULTS = {"status": OPEN_STATUSES}

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not any(name in data for name in self.base_fields):
            data = data.copy()
            data.update(self.DEFAULTS)
        super().__init__(data, *args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("code")
        self.fields["unit"].queryset = grassroots_units()

    def filters(self) -> QueueFilters:
        """The valid filters; a value that does not parse is ignored rather than refused."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return QueueFilters(
            department=data.get("department"),
            unit=data.get("unit"),
            category=data.get("category") or "",
            status=data.get("status") or "",
            overdue=bool(data.get("overdue")),
            number=data.get("number") or "",
        )


class AcknowledgeForm(forms.Form):
    """Nothing to fill in: taking the case up is the whole action."""


class ReassignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Pass to department"), queryset=Department.objects.order_by("code"), empty_label=None
    )
    reason = forms.CharField(
        label=_("Reason for passing it on (the reporter reads it)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    finding = forms.ChoiceField(label=_("Finding"), choices=Finding.choices, widget=forms.RadioSelect)
    answer = forms.CharField(
        label=_("Answer (the reporter reads it)"),
        max_length=services.MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Tracking number of the report it repeats"),
        max_length=20,
        help_text=_("The reporter will then follow that report and get its answer."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_into(self) -> Complaint:
        number = self.cleaned_data["into"].strip().upper()
        # Only a case this user may see: the form must not confirm which other numbers exist.
        target = selectors.complaints_for_user(self.user).filter(tracking_number=number).first()
        if target is None:
            raise forms.ValidationError(_("No report with this tracking number is open to you."))
        return target


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note (never shown to the reporter or the institution)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InstitutionReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your institution's reply"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class PlaceForm(forms.Form):
    """The point of a report filed with an address only, read off a map (WGS-84)."""

    lat = forms.FloatField(
        label=_("Latitude (WGS-84)"),
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lng = forms.FloatField(
        label=_("Longitude (WGS-84)"),
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
