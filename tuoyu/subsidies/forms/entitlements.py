"""The forms of an entitlement's page (dispute, review, approve, pay) and the ledger's filter. They parse
only; the services decide (a reason's length, a payment's day against the approval, a duplicate voucher).
No form has an amount: finance approves what the rules computed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Period, SubsidyKind
from ..services.entitlements import NOTE_MAX, REASON_MAX
from ..services.payments import VOUCHER_MAX


class ConfirmForm(forms.Form):
    """Confirming needs nothing but the button."""


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A child or a month missing, a class wrong … The health commission answers."),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    voucher_number = forms.CharField(label=_("Voucher number"), max_length=VOUCHER_MAX)


class LedgerFilterForm(forms.Form):
    """GET filters of the ledger; a wrong value is ignored as the choices say (the whole ledger shows)."""

    year = forms.TypedChoiceField(label=_("Year paid"), required=False, coerce=int, empty_value=None)
    period = forms.ModelChoiceField(
        label=_("Subsidy period"),
        required=False,
        queryset=Period.objects.order_by("-start"),
        empty_label=_("All"),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *SubsidyKind.choices])

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All")), *((y, str(y)) for y in years)]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"year": data.get("year"), "period": data.get("period"), "kind": data.get("kind") or ""}
