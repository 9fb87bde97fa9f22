"""Forms of the public complaint pages (投诉举报, 马上查). They parse input only: what makes a report
acceptable (a place inside the district, real photos, at most six, a valid mobile number) is the
services', whose ValidationErrors land on these fields through add_service_errors."""

import uuid
from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuoyu.core.workdays import SHANGHAI

from ..models import Category
from ..services import MAX_DESCRIPTION, MAX_PHOTOS, MAX_REPORT_DESCRIPTION

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
PHOTO_TYPES = "image/jpeg,image/png"

# A few plain words under each category, so that nobody has to know the department's terms.
CATEGORY_HINTS = {
    Category.SAFETY: _("Broken stairs or windows, blocked fire exits, dangerous toys or equipment."),
    Category.HYGIENE: _("Dirty rooms, toilets or bedding; illnesses spreading."),
    Category.FOOD: _("Meals, the kitchen, drinking water, food that made children ill."),
    Category.FEES: _("Charges that were not announced, refunds refused, fees above the published ones."),
    Category.CARE: _("A child hit, scolded, neglected or left alone; too few carers."),
    Category.UNLICENSED: _("Someone looks after young children for money but is not in the register."),
    Category.ADVERTISING: _("Promises, prices or qualifications advertised that are not true."),
    Category.OTHER: _("Anything else about childcare."),
}


def new_key() -> str:
    """The form's one-time key, drawn with the form: a double click or a retried POST carries the same
    key, and the service answers the second with the report the first one filed."""
    return uuid.uuid4().hex


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files from one <input type=file multiple>; the service checks what they contain."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": PHOTO_TYPES}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("At most %(max)s photos per report."), code="too_many", params={"max": MAX_PHOTOS}
            )
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


class ReportForm(forms.Form):
    """The report form for anyone, signed in or not. The institution is a hidden id that the view
    resolves among the filed institutions; without one the report is about a place on the map."""

    institution = forms.IntegerField(widget=forms.HiddenInput, required=False)
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose what the report is about.")},
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=MAX_REPORT_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say what you saw or heard, where, and who was affected. Please do not name children."),
        error_messages={"required": _("Please describe what happened.")},
    )
    happened_date = forms.DateField(label=_("Date it happened (optional)"), required=False, widget=DATE)
    happened_time = forms.TimeField(label=_("Time (optional)"), required=False, widget=TIME)
    photos = MultiplePhotoField(label=_("Photos (optional)"))
    place_name = forms.CharField(label=_("Name of the place"), max_length=100, required=False)
    address = forms.CharField(
        label=_("Address or how to find it"),
        max_length=200,
        required=False,
        help_text=_("Street, building, floor, a shop next to it."),
    )
    # The point is picked on the map (or with the phone's location) and kept in these two; the page
    # hides them from anyone whose browser runs the picker and tucks them away for the rest.
    lat = forms.FloatField(
        label=_("Latitude (WGS-84)"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lng = forms.FloatField(
        label=_("Longitude (WGS-84)"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    anonymous = forms.TypedChoiceField(
        label=_("Who is reporting?"),
        choices=[
            ("1", _("Anonymously: nobody learns who reported")),
            ("0", _("With my name and mobile number, so the department can call me")),
        ],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("Your mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Only the department handling the report sees your name and number."),
    )
    sms_phone = forms.CharField(
        label=_("Send the query code by SMS to this number (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("We send one SMS and do not keep the number with your report: it stays anonymous."),
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set here, not at import: a lazy text formatted at import would be frozen in one language.
        self.fields["photos"].help_text = gettext(
            "Up to %(max)s JPEG or PNG photos. We remove the location and camera details stored in them."
        ) % {"max": MAX_PHOTOS}

    def categories(self):
        """The category radios, each with its plain-words hint."""
        return [(radio, CATEGORY_HINTS.get(radio.data["value"], "")) for radio in self["category"]]

    def clean(self):
        data = super().clean()
        day, at = data.get("happened_date"), data.get("happened_time")
        data["happened_at"] = None
        if day is None and at is not None:
            self.add_error("happened_date", _("Please give the date too, or leave the time empty."))
        elif day is not None:
            happened = datetime.combine(day, at or time(0), tzinfo=SHANGHAI)
            if happened > timezone.now() + timedelta(minutes=5):
                self.add_error("happened_date", _("The time it happened cannot be in the future."))
            data["happened_at"] = happened
        # Checked here too, not only by the service, so that a first attempt lists every missing thing.
        placed = data.get("lat") is not None and data.get("lng") is not None
        unchecked = "lat" not in self.errors and "lng" not in self.errors
        if not data.get("institution") and unchecked and not placed:
            self.add_error(
                "lat", _("Please mark the place on the map, or choose an institution from the register.")
            )
        return data


class TrackForm(forms.Form):
    """马上查: the tracking number and the query code printed when the report was filed."""

    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "placeholder": "TS20260101-00001"}
        ),
    )
    query_code = forms.CharField(
        label=_("Query code (8 digits)"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class AddInformationForm(forms.Form):
    text = forms.CharField(
        label=_("What do you want to add?"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Please write what you want to add.")},
    )
    photos = MultiplePhotoField(label=_("More photos (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = gettext("JPEG or PNG, up to %(max)s photos per report in all.") % {
            "max": MAX_PHOTOS
        }


class RateForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with how your report was handled?"),
        choices=[("1", _("Satisfied")), ("0", _("Not satisfied"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reopen = forms.BooleanField(
        label=_("Please look at it again (only when you are not satisfied; once)"), required=False
    )
