from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essor.territories.models import Department

from .enums import JourneyState, SizeClass
from .services import CompanyData, company_data_clean


class CompanyForm(forms.Form):
    siren = forms.CharField(label=_("SIREN"), max_length=11, help_text=_("9 digits."))
    name = forms.CharField(label=_("Legal name"), max_length=200)
    naf_code = forms.CharField(
        label=_("NAF code"), max_length=7, help_text=_("For example 25.62A.")
    )
    department = forms.ChoiceField(label=_("Department"))
    headcount = forms.CharField(label=_("Headcount"), required=False)
    turnover = forms.CharField(label=_("Turnover (€)"), required=False)
    balance_sheet = forms.CharField(label=_("Balance-sheet total (€)"), required=False)
    group_name = forms.CharField(label=_("Group"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, forms.ChoiceField)
        department.choices = [("", "—")] + [
            (d.code, f"{d.code} – {d.name}") for d in Department.objects.order_by("code")
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data, errors = company_data_clean(cleaned)
        for field, message in errors.items():
            self.add_error(field, message)
        self.company_data: CompanyData | None = data
        return cleaned


class TransitionForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CompanyFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or SIREN"), required=False)
    state = forms.ChoiceField(
        label=_("Journey state"), required=False, choices=[("", _("All")), *JourneyState.choices]
    )
    size_class = forms.ChoiceField(
        label=_("Size class"), required=False, choices=[("", _("All")), *SizeClass.choices]
    )
    naf_division = forms.CharField(label=_("NAF division"), required=False, max_length=2)
    department = forms.CharField(label=_("Department"), required=False, max_length=3)
    since = forms.DateField(
        label=_("In this state since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    stuck = forms.BooleanField(label=_("Stuck too long only"), required=False)
