"""The inspector's forms on site. The checklist's controls are named by item code, so a person, a browser
test and the page's anchors all find them the same way:

- `answer-<code>`: radio buttons with values pass / fail / na (ids `answer-<code>-pass` …);
- `note-<code>`: the note (textarea);
- `photo-<code>`: photos of that item (JPEG or PNG; several allowed);
- on the submit page, per failed item: `severity-<code>` (minor / major / serious) and
  `deadline-<code>` (a date), plus `institution_signatory` and `summary`; the signature form: `name`.
"""

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from tuoyu.core.files import IMAGE_KINDS, validate_upload

from ..models import ChecklistAnswer, Severity


@dataclass
class SheetLine:
    """One item as the page shows it: the saved row, the value to show (posted or saved) and its errors."""

    row: ChecklistAnswer
    answer: str
    note: str
    errors: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.row.item.code


class ChecklistSheet:
    """Reads the checklist's answers, notes and photos from a POST; the service checks the values."""

    def __init__(self, rows: list[ChecklistAnswer], data=None, files=None):
        self.rows = rows
        self.data = data
        self.files = files
        self.errors: dict[str, list[str]] = {}

    def answers(self) -> dict[int, dict]:
        """{item_id: {"answer", "note"}} for the items the POST speaks of. A missing radio keeps the saved
        answer (a browser cannot un-choose one), so a partial post never clears what was answered."""
        out = {}
        for row in self.rows:
            code = row.item.code
            if f"answer-{code}" not in self.data and f"note-{code}" not in self.data:
                continue
            out[row.item_id] = {
                "answer": self.data.get(f"answer-{code}", row.answer),
                "note": self.data.get(f"note-{code}", row.note),
            }
        return out

    def photos(self) -> list[tuple[ChecklistAnswer | None, UploadedFile]]:
        """Every photo in the POST, each checked (type by content, size, integrity) before anything is
        saved: one bad photo refuses the whole post."""
        found: list[tuple[ChecklistAnswer | None, UploadedFile]] = []
        for row in self.rows:
            for upload in self.files.getlist(f"photo-{row.item.code}"):
                found.append((row, upload))
        for upload in self.files.getlist("photo"):
            found.append((None, upload))
        for row, upload in found:
            if not upload.size and not upload.name:
                continue
            try:
                validate_upload(upload, allowed=IMAGE_KINDS)
            except ValidationError as exc:
                key = f"item-{row.item.code}" if row else "photo"
                self.errors.setdefault(key, []).extend(exc.messages)
        return found

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for key, messages in exc.message_dict.items():
                self.errors.setdefault(key, []).extend(messages)
        else:
            self.errors.setdefault("__all__", []).extend(exc.messages)

    def lines(self) -> list[SheetLine]:
        lines = []
        for row in self.rows:
            code = row.item.code
            answer, note = row.answer, row.note
            if self.data is not None:
                answer = self.data.get(f"answer-{code}", answer)
                note = self.data.get(f"note-{code}", note)
            lines.append(
                SheetLine(row=row, answer=answer, note=note, errors=self.errors.get(f"item-{code}", []))
            )
        return lines

    def general_errors(self) -> list[str]:
        codes = {f"item-{row.item.code}" for row in self.rows}
        return [message for key, messages in self.errors.items() if key not in codes for message in messages]


class SignForm(forms.Form):
    name = forms.CharField(
        label=_("Your name, as on the inspectors' roster"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name", "id": "sign-name"}),
    )


class SubmitForm(forms.Form):
    """The submission: per failed item a severity and a deadline (defaults from the item), the name of
    the person who signs for the institution, and an optional summary."""

    institution_signatory = forms.CharField(
        label=_("Signed for the institution by"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"id": "institution_signatory", "autocomplete": "off"}),
    )
    summary = forms.CharField(
        label=_("Summary (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"id": "summary", "rows": 3}),
    )

    def __init__(self, *args, failed: list[tuple[ChecklistAnswer, object]], **kwargs):
        """`failed`: the failed answers with their default deadline."""
        super().__init__(*args, **kwargs)
        self.failed = failed
        for row, default_deadline in failed:
            code = row.item.code
            self.fields[f"severity-{code}"] = forms.ChoiceField(
                label=_("Severity"),
                choices=Severity.choices,
                initial=row.item.severity,
                widget=forms.Select(attrs={"id": f"severity-{code}"}),
            )
            self.fields[f"deadline-{code}"] = forms.DateField(
                label=_("Put right by"),
                initial=default_deadline,
                widget=forms.DateInput(attrs={"id": f"deadline-{code}", "type": "date"}, format="%Y-%m-%d"),
            )

    def findings(self) -> dict[int, dict]:
        return {
            row.item_id: {
                "severity": self.cleaned_data.get(f"severity-{row.item.code}"),
                "deadline": self.cleaned_data.get(f"deadline-{row.item.code}"),
            }
            for row, _default in self.failed
        }

    def failure_fields(self):
        """(answer row, severity field, deadline field) for the template."""
        return [
            (row, self[f"severity-{row.item.code}"], self[f"deadline-{row.item.code}"])
            for row, _d in self.failed
        ]

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for key, messages in exc.message_dict.items():
                self.add_error(key if key in self.fields else None, messages)
        else:
            self.add_error(None, exc.messages)
