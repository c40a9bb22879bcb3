from typing import Any

from django import forms
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from essor.companies.forms import EurosField
from essor.territories.models import Department, Organisation

from .enums import Language, MissionKind, SkillLevel
from .matching_input import DEFAULT_WEIGHTS
from .skills import TECHNOLOGY, skill_choices, skills


def department_choices() -> list[tuple[str, str]]:
    return [(d.code, f"{d.code} – {d.name}") for d in Department.objects.order_by("code")]


MAX_DAILY_RATE_CENTS = 10_000_00 * 10
"""10,000 € a day: far above any consultant's rate, and inside the column's range."""


class ExpertCreateForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Name"), max_length=150)
    home_department = forms.ChoiceField(label=_("Home department"))
    firm = forms.ModelChoiceField(
        label=_("Consulting firm"), queryset=Organisation.objects.none(), required=False
    )
    capacity = forms.IntegerField(
        label=_("Capacity (missions at once)"), min_value=0, max_value=50, initial=3
    )
    daily_rate = EurosField(
        label=_("Daily rate (€, excl. VAT)"), required=False, max_cents=MAX_DAILY_RATE_CENTS
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["home_department"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *department_choices()]
        firm = self.fields["firm"]
        assert isinstance(firm, forms.ModelChoiceField)
        if organisations is not None:
            firm.queryset = organisations


class ExpertProfileForm(forms.Form):
    """What an expert declares about their availability and reach."""

    capacity = forms.IntegerField(label=_("Capacity (missions at once)"), min_value=0, max_value=50)
    daily_rate = EurosField(
        label=_("Daily rate (€, excl. VAT)"), required=False, max_cents=MAX_DAILY_RATE_CENTS
    )
    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    departments = forms.MultipleChoiceField(
        label=_("Departments covered"),
        help_text=_("The departments where you take missions, by region."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["departments"]
        assert isinstance(field, forms.MultipleChoiceField)
        groups: dict[str, list[tuple[str, str]]] = {}
        for d in Department.objects.select_related("region").order_by("region__name", "code"):
            groups.setdefault(d.region.display_name, []).append((d.code, f"{d.code} – {d.name}"))
        field.choices = list(groups.items())


class SkillsForm(forms.Form):
    """One level selector per skill (empty: not a skill of the expert)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "fr"
        choices = [("", _("—")), *[(str(v), label) for v, label in SkillLevel.choices]]
        for skill in skills():
            self.fields[f"skill_{skill.id}"] = forms.TypedChoiceField(
                label=skill.title(language),
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
            )

    def rows(self) -> list[tuple[Any, Any, bool]]:
        """(skill, bound field, first technology?) in display order."""
        rows = []
        seen_technology = False
        for skill in skills():
            first = skill.kind == TECHNOLOGY and not seen_technology
            seen_technology = seen_technology or first
            rows.append((skill, self[f"skill_{skill.id}"], first))
        return rows

    def levels(self) -> dict[str, int]:
        return {
            name.removeprefix("skill_"): level
            for name, level in self.cleaned_data.items()
            if level is not None
        }


class ConflictForm(forms.Form):
    siren = forms.CharField(
        label=_("SIREN of the firm"),
        required=False,
        max_length=11,
        help_text=_("Either one firm (9 digits)…"),
    )
    group_name = forms.CharField(label=_("or a whole group"), required=False, max_length=200)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("siren", "").strip()) == bool(cleaned.get("group_name", "").strip()):
            raise forms.ValidationError(_("Name either one firm (its SIREN) or one group."))
        return cleaned


class TransitionForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MissionProposeForm(forms.Form):
    siren = forms.CharField(
        label=_("SIREN of the firm"),
        max_length=11,
        help_text=_("A firm of your region(s), shown on its page."),
    )
    kind = forms.ChoiceField(label=_("Kind of mission"), choices=MissionKind.choices)
    note = forms.CharField(
        label=_("Note to the expert"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=pgettext_lazy("rating", "Score"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5: excellent, 1: very poor."),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


MAX_WEIGHT = 10_000
"""Weights beyond this make no difference to the ranking and could overflow the costs."""


class MatchingRunForm(forms.Form):
    distance = forms.FloatField(
        label=_("Weight of distance (per km)"),
        min_value=0,
        max_value=MAX_WEIGHT,
        initial=DEFAULT_WEIGHTS["distance"],
    )
    skill = forms.FloatField(
        label=_("Weight of a missing skill"),
        min_value=0,
        max_value=MAX_WEIGHT,
        initial=DEFAULT_WEIGHTS["skill"],
    )
    load = forms.FloatField(
        label=_("Weight of an open mission"),
        min_value=0,
        max_value=MAX_WEIGHT,
        initial=DEFAULT_WEIGHTS["load"],
    )

    def weights(self) -> dict[str, float]:
        return {key: float(self.cleaned_data[key]) for key in ("distance", "skill", "load")}


class PairChangeForm(forms.Form):
    """The select is rendered by the template; the service checks every rule on the expert."""

    company = forms.IntegerField(min_value=1)
    expert = forms.IntegerField(required=False, min_value=1)


class NeedsForm(forms.Form):
    skills = forms.MultipleChoiceField(
        label=_("Skills the firm needs"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["skills"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = skill_choices(get_language() or "fr", str(_("Technologies")))
