from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from essor.accounts.enums import Role
from essor.accounts.models import User
from essor.companies.models import Company
from essor.companies.services import CompanyData, company_data_clean
from essor.experts.enums import ExpertStatus
from essor.referentiel.enums import ReferentielKind
from essor.referentiel.model import Referentiel
from essor.referentiel.models import ReferentielVersion
from essor.territories.models import Department

from .enums import Phase
from .perms import mission_expert_ids


def expert_candidates(company: Company) -> QuerySet[User]:
    """The experts who may be named on the firm's diagnostic: the expert of its accepted
    diagnostic mission when there is one; otherwise the referenced experts who cover the
    firm's department (never every expert of the country)."""
    experts = User.objects.filter(memberships__role=Role.EXPERT, is_active=True)
    with_mission = mission_expert_ids(company)
    if with_mission:
        return experts.filter(pk__in=with_mission).distinct()
    return experts.filter(
        expert_profile__status=ExpertStatus.REFERENCED,
        expert_profile__departments=company.department_id,
    ).distinct()


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        profile = getattr(obj, "expert_profile", None)
        name = profile.full_name if profile is not None else obj.full_name
        firm = getattr(profile, "firm", None)
        return f"{name} ({firm})" if firm else str(name)


class DiagnosticCreateForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices, initial=Phase.T0)
    expert = ExpertChoiceField(
        label=_("Expert"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("The referenced expert who will carry out the diagnostic on site."),
    )
    referentiel = forms.ModelChoiceField(
        label=_("Référentiel version"), queryset=ReferentielVersion.objects.none()
    )

    def __init__(self, *args: Any, company: Company, self_expert: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        versions = ReferentielVersion.objects.filter(kind=ReferentielKind.FULL).order_by(
            "-published_at", "-pk"
        )
        field = self.fields["referentiel"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = versions
        field.initial = versions.first()
        expert = self.fields["expert"]
        assert isinstance(expert, forms.ModelChoiceField)
        if self_expert:  # an expert starting the diagnostic of their own mission
            del self.fields["expert"]
        else:
            expert.queryset = expert_candidates(company)


class KpiForm(forms.Form):
    kpis = forms.MultipleChoiceField(
        label=_("The KPIs that matter most to the firm"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They weigh in the priorities of the report."),
    )

    def __init__(self, *args: Any, ref: Referentiel, language: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        from essor.referentiel.texts import localised

        field = self.fields["kpis"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(k.id, localised(k.title, language)) for k in ref.kpis]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("What the expert must complete or correct"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ContactForm(forms.Form):
    """The self-assessment's "be contacted" form: the firm, the person, their consent."""

    siren = forms.CharField(label=_("SIREN"), max_length=11, help_text=_("9 digits."))
    name = forms.CharField(label=_("Company name"), max_length=200)
    department = forms.ChoiceField(label=_("Department of the plant"))
    naf_code = forms.CharField(
        label=_("NAF code"), max_length=7, help_text=_("For example 25.62A (on your Kbis).")
    )
    headcount = forms.CharField(label=_("Headcount"), required=False, max_length=7)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail address"))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    consent = forms.BooleanField(
        label=_(
            "I agree that the regional platform of the Industrie du Futur programme keeps "
            "these details and my self-assessment to contact me about the programme."
        ),
        error_messages={"required": _("Your consent is needed to be contacted.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, forms.ChoiceField)
        department.choices = [("", "—")] + [
            (d.code, f"{d.code} – {d.name}") for d in Department.objects.order_by("code")
        ]
        self.company_data: CompanyData | None = None

    def company_fields(self) -> list[Any]:
        return [self[name] for name in ("siren", "name", "department", "naf_code", "headcount")]

    def person_fields(self) -> list[Any]:
        return [self[name] for name in ("first_name", "last_name", "email", "phone")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        raw = {
            "siren": cleaned.get("siren"),
            "name": cleaned.get("name"),
            "naf_code": cleaned.get("naf_code"),
            "department": cleaned.get("department"),
            "headcount": cleaned.get("headcount"),
        }
        data, errors = company_data_clean(raw)
        for name, message in errors.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        self.company_data = data
        return cleaned
