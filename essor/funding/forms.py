from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from essor.companies.forms import EurosField

from .enums import AidRegime, CostType, DecisionOutcome, PaymentBasis
from .models import Instrument

# Quotes: PDF or images, as suppliers send them; 10 MB each.
QUOTE_EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg")
QUOTE_MAX_BYTES = 10 * 1024 * 1024


def not_in_future(day: dt.date) -> dt.date:
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    return day


class PlanChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        validated = obj.validated_at
        return str(_("%(ref)s, validated on %(date)s")) % {
            "ref": obj.reference,
            "date": formats.date_format(validated, "SHORT_DATE_FORMAT") if validated else "—",
        }


class RequestForm(forms.Form):
    """`plans` are the firm's validated action plans; with one only, it is chosen already."""

    action_plan = PlanChoiceField(
        label=_("Action plan financed"),
        queryset=None,
        empty_label=None,
        help_text=_("A request finances actions of a validated action plan of the firm."),
    )
    title = forms.CharField(label=_("Project"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    instrument = forms.ModelChoiceField(
        label=_("Instrument asked for"), queryset=Instrument.objects.filter(is_active=True)
    )
    amount = EurosField(label=_("Amount asked (€)"))

    def __init__(self, *args: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PlanChoiceField, self.fields["action_plan"]).queryset = plans


class CostLineForm(forms.Form):
    """`actions` are the choices of the `action` field: the actions of the firm's validated
    plans (the service checks that the action is in the plan the request finances)."""

    line_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    action = forms.TypedChoiceField(
        label=_("Action of the plan"), coerce=int, empty_value=None, required=False
    )
    cost_type = forms.ChoiceField(label=_("Cost type"), choices=CostType.choices, required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    amount = EurosField(label=_("Amount (€)"), required=False)
    quote = forms.FileField(label=_("Quote (PDF or image)"), required=False)

    def __init__(
        self, *args: Any, actions: list[tuple[Any, Any]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("— choose the action —")), *(actions or [])]  # type: ignore[attr-defined]

    def clean_quote(self) -> Any:
        quote = self.cleaned_data.get("quote")
        if quote is None:
            return None
        name = (quote.name or "").lower()
        if not name.endswith(QUOTE_EXTENSIONS):
            raise ValidationError(_("A quote is a PDF, PNG or JPEG file."))
        if quote.size > QUOTE_MAX_BYTES:
            raise ValidationError(_("A quote is at most 10 MB."))
        return quote

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        filled = cleaned.get("description") or cleaned.get("amount")
        if filled and not cleaned.get(forms.formsets.DELETION_FIELD_NAME):
            if not cleaned.get("description"):
                self.add_error("description", _("Describe the cost."))
            if not cleaned.get("amount"):
                self.add_error("amount", _("Give the amount."))
            if not cleaned.get("cost_type"):
                self.add_error("cost_type", _("Choose the type of cost."))
        return cleaned


CostLineFormSet = forms.formset_factory(
    CostLineForm, extra=3, can_delete=True, max_num=30, validate_max=True
)


class DecisionForm(forms.Form):
    """The hidden `idempotency_key` is drawn when the form is shown: submitting the same
    form twice (a double click, a resent POST) decides once."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=DecisionOutcome.choices, widget=forms.RadioSelect
    )
    instrument = forms.ModelChoiceField(
        label=_("Instrument"), queryset=Instrument.objects.filter(is_active=True), required=False
    )
    amount = EurosField(label=_("Amount granted (€)"), required=False)
    conditions = forms.CharField(
        label=_("Conditions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reason = forms.CharField(
        label=_("Reason for refusal"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("outcome") == DecisionOutcome.GRANTED:
            if not cleaned.get("amount"):
                self.add_error("amount", _("Give the amount granted."))
            if not cleaned.get("instrument"):
                self.add_error("instrument", _("Choose the instrument."))
        if (
            cleaned.get("outcome") == DecisionOutcome.REFUSED
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", _("A refusal needs a reason."))
        return cleaned


class PaymentForm(forms.Form):
    basis = forms.ChoiceField(label=_("Paid on"), choices=PaymentBasis.choices)
    reference = forms.CharField(label=_("Milestone or invoice"), max_length=200)
    amount = EurosField(label=_("Amount (€)"))
    paid_on = forms.DateField(
        label=_("Payment date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_paid_on(self) -> dt.date:
        return not_in_future(self.cleaned_data["paid_on"])


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Instruction notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class AmountForm(forms.Form):
    amount = EurosField(label=_("Amount (€)"), positive=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class DeclaredAidForm(forms.Form):
    granting_body = forms.CharField(label=_("Granting body"), max_length=200)
    regime = forms.ChoiceField(label=_("Regime"), choices=AidRegime.choices)
    granted_on = forms.DateField(
        label=_("Granted on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = EurosField(label=_("Amount (€)"))
    gge = EurosField(
        label=_("Gross grant equivalent (€)"),
        required=False,
        positive=False,
        help_text=_("As stated on the attestation; empty: the amount (a grant)."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_granted_on(self) -> dt.date:
        return not_in_future(self.cleaned_data["granted_on"])


class SessionBudgetForm(forms.Form):
    """What this committee session may commit, when it is less than the envelope holds."""

    session = EurosField(label=_("Amount for this session (€)"), required=False)
