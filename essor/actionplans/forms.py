from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from essor.companies.forms import EurosField
from essor.referentiel.model import Referentiel

from . import reference
from .enums import ActionStatus
from .services import ActionData


class ActionForm(forms.Form):
    """One action; the choices come from the référentiel of the plan's diagnostic."""

    title = forms.CharField(label=_("Title"), max_length=200)
    dimension_id = forms.ChoiceField(label=_("Dimension"))
    technology_family = forms.ChoiceField(label=_("Technology family"), required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    estimated_cost = EurosField(
        label=_("Estimated cost (€)"),
        required=False,
        positive=False,
        help_text=_("Needed to submit the plan."),
    )
    start_date = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("End"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    owner = forms.CharField(
        label=_("Owner"),
        max_length=200,
        required=False,
        help_text=_("Who carries the action at the firm (a name or a function)."),
    )
    kpi_effects = forms.MultipleChoiceField(
        label=_("Expected effect on the KPIs"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, referentiel: Referentiel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["dimension_id"]).choices = reference.dimension_choices(
            referentiel
        )
        cast(forms.ChoiceField, self.fields["technology_family"]).choices = [
            ("", _("— none —")),
            *reference.family_choices(),
        ]
        cast(forms.ChoiceField, self.fields["kpi_effects"]).choices = reference.kpi_choices(
            referentiel
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end is before the start."))
        cost = cleaned.get("estimated_cost")
        if cost is not None and cost < 0:
            self.add_error("estimated_cost", _("The estimated cost cannot be negative."))
        return cleaned

    def data_object(self) -> ActionData:
        data = self.cleaned_data
        return ActionData(
            dimension_id=data["dimension_id"],
            title=data["title"],
            technology_family=data.get("technology_family") or "",
            description=data.get("description") or "",
            estimated_cost_cents=data.get("estimated_cost"),
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
            owner=data.get("owner") or "",
            kpi_effects=tuple(data.get("kpi_effects") or ()),
        )


# Form field of each service field name, to show a service refusal next to its field.
FORM_FIELD = {"estimated_cost_cents": "estimated_cost"}


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": 5}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
