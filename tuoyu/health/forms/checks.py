"""The check sheet's forms: which day and check (the query string), and one set of controls per child
(attendance, reason, symptoms, temperature, note). They parse; the service checks every rule, so the page
and the API give the same messages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.core.workdays import beijing_today

from ..models import AbsenceReason, Attendance, Session, Symptom


class DateInput(forms.DateInput):
    input_type = "date"


class SheetQueryForm(forms.Form):
    """`?day=YYYY-MM-DD&session=morning`; empty means today's morning check."""

    day = forms.DateField(label=_("Day"), required=False, widget=DateInput())
    session = forms.ChoiceField(label=_("Check"), required=False, choices=Session.choices)

    def picked(self) -> tuple:
        data = self.cleaned_data
        return data.get("day") or beijing_today(), data.get("session") or Session.MORNING


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CheckSheetForm(forms.Form):
    """One row of controls per child, named by the child's id (att-12, reason-12, sym-12, temp-12,
    note-12), started from the selector's SheetRow."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet_rows = list(rows)
        self.rows = []
        for row in self.sheet_rows:
            n = row.child_id
            self.fields[f"att-{n}"] = forms.ChoiceField(
                label=_("Attendance"),
                choices=Attendance.choices,
                widget=forms.RadioSelect,
                initial=row.attendance,
                required=False,
            )
            self.fields[f"reason-{n}"] = forms.ChoiceField(
                label=_("Reason for the absence"),
                choices=AbsenceReason.choices,
                widget=forms.RadioSelect,
                initial=row.absence_reason or None,
                required=False,
            )
            self.fields[f"sym-{n}"] = forms.MultipleChoiceField(
                label=_("Symptoms"),
                choices=Symptom.choices,
                widget=forms.CheckboxSelectMultiple,
                initial=row.symptoms,
                required=False,
            )
            self.fields[f"temp-{n}"] = forms.DecimalField(
                label=_("Temperature (°C)"),
                required=False,
                max_digits=3,
                decimal_places=1,
                initial=row.temperature,
                widget=forms.NumberInput(
                    attrs={"step": "0.1", "inputmode": "decimal", "min": "34", "max": "43"}
                ),
            )
            self.fields[f"note-{n}"] = forms.CharField(
                label=_("Note"), required=False, max_length=200, initial=row.note
            )
            self.rows.append(
                (
                    row,
                    self[f"att-{n}"],
                    self[f"reason-{n}"],
                    self[f"sym-{n}"],
                    self[f"temp-{n}"],
                    self[f"note-{n}"],
                )
            )

    def entries(self) -> list[dict]:
        """The service's entries for the children whose attendance was chosen. What belongs to another
        choice (symptoms ticked before the child was marked present) is left out, as the screen hides it."""
        entries = []
        for row in self.sheet_rows:
            n = row.child_id
            attendance = self.cleaned_data.get(f"att-{n}")
            if not attendance:
                continue
            reason = self.cleaned_data.get(f"reason-{n}") or ""
            symptoms = list(self.cleaned_data.get(f"sym-{n}") or [])
            temperature = self.cleaned_data.get(f"temp-{n}")
            if attendance == Attendance.PRESENT:
                reason, symptoms = "", []
            elif attendance == Attendance.ILL:
                reason = ""
            elif reason != AbsenceReason.ILLNESS:
                symptoms, temperature = [], None
            entries.append(
                {
                    "child_id": n,
                    "attendance": attendance,
                    "absence_reason": reason,
                    "symptoms": symptoms,
                    "temperature": temperature,
                    "note": self.cleaned_data.get(f"note-{n}") or "",
                }
            )
        return entries
