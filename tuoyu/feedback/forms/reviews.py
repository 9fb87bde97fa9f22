"""Forms of the review pages. They parse input only; the rules (who may review, once, scores, the
length, what is held) are reviews.py's, whose ValidationErrors land here through add_service_errors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Aspect
from ..reviews import MAX_MODERATION_NOTE, MAX_REPLY, MAX_TEXT

STARS = [(n, "★" * n + "☆" * (5 - n)) for n in range(5, 0, -1)]


class ReviewForm(forms.Form):
    overall = forms.TypedChoiceField(
        label=_("Overall"),
        choices=STARS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please give a score from 1 to 5.")},
    )
    text = forms.CharField(
        label=_("Your review (optional)"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_TEXT}),
        help_text=_(
            "Up to 1000 characters. Please write about the institution, not about people by name, and "
            "leave out phone and ID numbers: such reviews wait for a moderator."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The aspects sit between the overall score and the text, each with "not rated" as the default.
        fields = {"overall": self.fields.pop("overall")}
        for value, label in Aspect.choices:
            fields[value] = forms.TypedChoiceField(
                label=label,
                choices=[("", _("Not rated")), *STARS],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
        fields["text"] = self.fields.pop("text")
        self.fields = fields

    @property
    def aspect_fields(self):
        return [self[value] for value in Aspect.values]

    def aspects(self) -> dict:
        return {value: self.cleaned_data.get(value) for value in Aspect.values}


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply (shown in public beneath the review)"),
        max_length=MAX_REPLY,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_REPLY}),
        error_messages={"required": _("Please write your reply.")},
    )


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(choices=[("publish", _("Publish")), ("reject", _("Do not publish"))])
    # Why, for the review's moderation history; optional so that one click still decides.
    note = forms.CharField(
        label=_("Reason (optional, kept in the review's history)"),
        required=False,
        max_length=MAX_MODERATION_NOTE,
    )
