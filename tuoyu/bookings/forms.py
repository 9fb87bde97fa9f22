"""Forms of the booking pages. They parse input only; the rules (ages, places, check digits, dates) are the
services', whose ValidationErrors land on these fields through add_service_errors."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.institutions.models import AgeGroup, ServiceType

from .models import Child, WaitlistRule
from .policies import MAX_OFFER_HOURS, MIN_OFFER_HOURS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def new_key() -> str:
    """An idempotency key made when a form is drawn: a double click or a retried POST carries the same
    key, and the service answers it with the booking it already made."""
    return uuid.uuid4().hex


class KeyField(forms.CharField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(max_length=64, **kwargs)


class ChildForm(forms.Form):
    name = forms.CharField(label=_("Child's name"), max_length=50)
    sex = forms.ChoiceField(label=_("Sex"), choices=Child.Sex.choices, widget=forms.RadioSelect)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DATE)
    id_number = forms.CharField(
        label=_("ID number (optional)"),
        required=False,
        max_length=20,
        help_text=_("18 characters. Checked by its last digit, stored encrypted and only ever shown masked."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    is_second_or_later = forms.BooleanField(
        label=_("This is our second or third child"),
        required=False,
        help_text=_("Some institutions give second and third children priority on their waitlist."),
    )


class ChooseChildForm(forms.Form):
    """The GET form of the institution page: which child, starting when."""

    child = forms.TypedChoiceField(label=_("Child"), coerce=int, required=False)
    on = forms.DateField(label=_("Wished start date"), required=False, widget=DATE)

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [("", _("Choose a child"))] + [(c.pk, c.name) for c in children]


# The "no child" choice of a visit: a family may look around before a child is recorded, or without
# saying which child (Visit.child is optional).
JUST_LOOKING = ""


class VisitConfirmForm(forms.Form):
    """The confirmation step of a visit: which child it is for (or none), and the key drawn with the page
    so a double tap on "Confirm" books once. The child is an id the view looks up among the family's own
    children (404 otherwise), as the application form's is."""

    child = forms.TypedChoiceField(
        label=_("Which child is the visit for?"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    key = KeyField()

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [(c.pk, c.name) for c in children] + [
            (JUST_LOOKING, _("Just looking, no child chosen yet"))
        ]


class ApplicationForm(forms.Form):
    # The child is a plain id: the view looks it up among the family's own children (404 otherwise)
    # before the form validates, so here it only needs to be one of the choices drawn.
    child = forms.TypedChoiceField(label=_("Child"), coerce=int)
    age_group = forms.ChoiceField(label=_("Age group"))
    service_type = forms.ChoiceField(label=_("Service type"), widget=forms.RadioSelect)
    start_date = forms.DateField(label=_("Wished start date"), widget=DATE)
    notes = forms.CharField(
        label=_("Notes for the institution"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Allergies, pick-up times or anything the institution should know."),
    )
    parents_work_nearby = forms.BooleanField(label=_("Both parents work nearby"), required=False)
    key = KeyField()

    def __init__(self, *args, children=(), institution=None, age_groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [(c.pk, c.name) for c in children]
        self.fields["age_group"].choices = [(g, AgeGroup(g).label) for g in age_groups]
        offered = institution.service_types if institution is not None else []
        self.fields["service_type"].choices = [(s, ServiceType(s).label) for s in offered]


class DeclineForm(forms.Form):
    # Not required here: the service refuses an empty reason and says so in its own words.
    reason = forms.CharField(
        label=_("Reason for the family"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VisitSlotForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE)
    # Named as the service names them, so its errors land on these fields.
    starts_at = forms.TimeField(label=_("From"), widget=TIME)
    ends_at = forms.TimeField(label=_("To"), widget=TIME)
    capacity = forms.IntegerField(label=_("Families"), min_value=1, max_value=200, initial=5)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class EnrolmentRecordForm(forms.Form):
    class_group = forms.TypedChoiceField(label=_("Class"), coerce=int)
    child_name = forms.CharField(label=_("Child's name"), max_length=50)
    sex = forms.ChoiceField(label=_("Sex"), choices=Child.Sex.choices, widget=forms.RadioSelect)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DATE)
    service_type = forms.ChoiceField(label=_("Service type"))
    start_date = forms.DateField(label=_("Starts"), widget=DATE)

    def __init__(self, *args, institution=None, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_group"].choices = [
            (c.pk, f"{c.name} · {c.get_age_group_display()}") for c in classes
        ]
        offered = institution.service_types if institution is not None else []
        self.fields["service_type"].choices = [(s, ServiceType(s).label) for s in offered]


class EnrolmentEndForm(forms.Form):
    end_date = forms.DateField(label=_("Last day"), widget=DATE)
    # Optional: kept on the enrolment's history beside who ended it ("moved away", "school").
    reason = forms.CharField(label=_("Why the child leaves"), required=False, max_length=300)


class PolicyForm(forms.Form):
    waitlist_rule = forms.ChoiceField(
        label=_("Waitlist order"), choices=WaitlistRule.choices, widget=forms.RadioSelect
    )
    offer_hours = forms.IntegerField(
        label=_("Hours a family has to answer an offer"),
        min_value=MIN_OFFER_HOURS,
        max_value=MAX_OFFER_HOURS,
    )
