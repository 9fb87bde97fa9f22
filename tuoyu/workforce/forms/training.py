"""Forms of training: a course, the reason a course is cancelled, the attendance sheet and an enrolment.
They parse; services.training checks the rules, so a page and the API give the same messages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import CourseKind


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind of training"), choices=CourseKind.choices)
    organiser = forms.CharField(label=_("Organiser"), max_length=100)
    place = forms.CharField(label=_("Place"), max_length=200)
    starts_on = forms.DateField(
        label=_("First day of the course"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Last day of the course"), widget=forms.DateInput(attrs={"type": "date"})
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        help_text=_("The hours a person who attends the whole course is credited with."),
    )
    capacity = forms.IntegerField(
        label=_("Training places"), widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    description = forms.CharField(
        label=_("About the course"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class CancelCourseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the course cancelled?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The institutions with staff enrolled are told, with this reason."),
    )


class EnrolForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("Member of staff"), queryset=None, empty_label=None)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff


ATTENDED_CHOICES = [("yes", _("Attended")), ("no", _("Absent"))]


class AttendanceForm(forms.Form):
    """One pair of fields per enrolment: attended yes or no, and the hours (empty: the course's hours)."""

    def __init__(self, *args, enrolments, course_hours, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = list(enrolments)
        self.rows = []
        for enrolment in self.enrolments:
            attended_name, hours_name = f"attended-{enrolment.pk}", f"hours-{enrolment.pk}"
            initial = {True: "yes", False: "no"}.get(enrolment.attended)
            self.fields[attended_name] = forms.ChoiceField(
                label=enrolment.staff.name,
                choices=ATTENDED_CHOICES,
                widget=forms.RadioSelect,
                initial=initial,
                required=False,
            )
            self.fields[hours_name] = forms.DecimalField(
                label=_("Hours"),
                required=False,
                min_value=0,
                max_digits=5,
                decimal_places=1,
                initial=enrolment.hours,
                widget=forms.NumberInput(
                    attrs={"step": "0.5", "inputmode": "decimal", "placeholder": str(course_hours)}
                ),
            )
            self.rows.append((enrolment, self[attended_name], self[hours_name]))

    def service_rows(self) -> list[dict]:
        """The rows for attendance_record: only the people whose attendance was chosen."""
        rows = []
        for enrolment in self.enrolments:
            attended = self.cleaned_data.get(f"attended-{enrolment.pk}")
            if not attended:
                continue
            rows.append(
                {
                    "enrolment": enrolment.pk,
                    "attended": attended == "yes",
                    "hours": self.cleaned_data.get(f"hours-{enrolment.pk}"),
                }
            )
        return rows
