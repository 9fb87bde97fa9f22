"""The operator's forms of staff and certificates. They only parse (dates, choices, the file); the
services check every rule (the check digit, the same person twice, expiry before issue, the scan's type
by content …), so a page and the API give the same messages. The control names are the service's field
names, stable for the browser test."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.institutions.models import ClassGroup

from ..models import CertificateKind, Employment, Post


class DateInput(forms.DateInput):
    input_type = "date"


def _date(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DateInput(), **kwargs)


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ClassGroup) -> str:
        return f"{obj.name}（{obj.get_age_group_display()}）"


def _class_field(institution) -> ClassChoiceField:
    return ClassChoiceField(
        label=_("Class (carers only)"),
        required=False,
        queryset=ClassGroup.objects.filter(institution=institution).order_by("age_group", "name"),
        empty_label=_("No class"),
    )


class UnechoedInput(forms.TextInput):
    """A text box that never writes its value back into the page: a form returned with an error asks for the
    ID number again rather than print it in full (the number appears masked or not at all, everywhere)."""

    def format_value(self, value):
        return None


class StaffForm(forms.Form):
    """A person's record. The ID number is asked only when the person is added (`with_id_number`)."""

    name = forms.CharField(label=_("Name"), required=False, max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=18,
        help_text=_("18 digits; checked by its last check digit and stored encrypted."),
        widget=UnechoedInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    post = forms.ChoiceField(label=_("Post"), required=False, choices=[("", "---------"), *Post.choices])
    employment = forms.ChoiceField(
        label=_("Full- or part-time"), choices=Employment.choices, initial=Employment.FULL_TIME
    )
    started_on = _date(_("Employed from"))
    class_group = forms.ModelChoiceField(queryset=ClassGroup.objects.none(), required=False)
    background_checked_on = _date(
        _("Background check (入职查询) on"),
        help_text=_("The date of the criminal-record and sexual-offence check."),
    )
    health_checked_on = _date(_("Last health check on"))

    def __init__(self, *args, institution, with_id_number: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_group"] = _class_field(institution)
        if not with_id_number:
            del self.fields["id_number"]


class EndForm(forms.Form):
    ended_on = _date(_("Last day of employment"))


class ReopenForm(forms.Form):
    started_on = _date(_("Employed again from"))


class AssignClassForm(forms.Form):
    class_group = forms.ModelChoiceField(queryset=ClassGroup.objects.none(), required=False)

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_group"] = _class_field(institution)
        self.fields["class_group"].label = _("Class")


class CertificateForm(forms.Form):
    kind = forms.ModelChoiceField(
        label=_("Kind of certificate"),
        required=False,
        queryset=CertificateKind.objects.filter(active=True).order_by("sort_order", "code"),
    )
    number = forms.CharField(label=_("Certificate number"), required=False, max_length=50)
    issuer = forms.CharField(label=_("Issued by"), required=False, max_length=100)
    issued_on = _date(_("Issued on"))
    expires_on = _date(_("Valid until"), help_text=_("Leave empty if it does not expire."))
    scan = forms.FileField(
        label=_("Scanned copy"),
        required=False,
        help_text=_("A PDF, or a photo (JPEG or PNG). Photos are stored without their location data."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
