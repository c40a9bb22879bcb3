import re
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from essor.core.formatting import euros_input, format_euros
from essor.territories.models import Department

from . import validation
from .enums import JourneyState, SizeClass
from .models import Company, Establishment
from .services import CompanyData, company_data_clean

PHONE_CHARACTERS = re.compile(r"^\+?[0-9 .()-]+$")


class EurosField(forms.Field):
    """An amount typed in euros ("12 345,67" or "12345.67"), cleaned to integer cents by
    `validation.clean_euros`; `positive` refuses zero, `max_cents` sets a ceiling below the
    general one. The one money field of every form."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 24})

    def __init__(
        self, *args: Any, positive: bool = True, max_cents: int | None = None, **kwargs: Any
    ) -> None:
        self.positive = positive
        self.max_cents = max_cents
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return euros_input(value) if isinstance(value, int) else value

    def to_python(self, value: Any) -> int | None:
        text = str(value or "").strip()
        if len(text) > 24:
            raise forms.ValidationError(
                _("“%(value)s” is not an amount in euros.") % {"value": text}
            )
        try:
            cents = validation.clean_euros(text)
        except validation.FieldError as exc:
            raise forms.ValidationError(str(exc)) from None
        if cents is not None and self.positive and cents <= 0:
            raise forms.ValidationError(_("The amount must be more than zero."))
        if cents is not None and self.max_cents is not None and cents > self.max_cents:
            raise forms.ValidationError(
                _("At most %(max)s.")
                % {"max": format_euros(self.max_cents, get_language() or "fr")}
            )
        return cents


class CountField(forms.Field):
    """A whole number of at least zero ("1 200"), read by `validation.clean_count`."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def to_python(self, value: Any) -> int | None:
        try:
            return validation.clean_count(value)
        except validation.FieldError as exc:
            raise forms.ValidationError(str(exc)) from None


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
    expert = forms.TypedChoiceField(label=_("Expert"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, experts: list[tuple[int, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if experts:
            expert = self.fields["expert"]
            assert isinstance(expert, forms.TypedChoiceField)
            expert.choices = [("", _("All")), *experts]
        else:
            # Nobody in the user's scope has an expert yet: no filter to offer.
            del self.fields["expert"]


class EstablishmentForm(forms.Form):
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        help_text=_("14 digits, starting with the company's SIREN."),
    )
    name = forms.CharField(label=_("Site name"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    department = forms.ChoiceField(
        label=_("Department"), required=False, help_text=_("The company's department if empty.")
    )
    is_head_office = forms.BooleanField(label=_("Head office"), required=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        department = self.fields["department"]
        assert isinstance(department, forms.ChoiceField)
        department.choices = [("", "—")] + [
            (d.code, f"{d.code} – {d.name}") for d in Department.objects.order_by("code")
        ]

    def clean_siret(self) -> str:
        try:
            siret = validation.clean_siret(self.cleaned_data["siret"], self.company.siren)
        except validation.FieldError as exc:
            raise forms.ValidationError(str(exc)) from None
        if Establishment.objects.filter(siret=siret).exists():
            raise forms.ValidationError(
                _("SIRET %(siret)s is already recorded.") % {"siret": siret}
            )
        return siret

    def clean_is_head_office(self) -> bool:
        head = self.cleaned_data["is_head_office"]
        existing = self.company.establishments.filter(is_head_office=True).first()
        if head and existing is not None:
            raise forms.ValidationError(
                _("The company already has a head office (SIRET %(siret)s).")
                % {"siret": existing.siret}
            )
        return bool(head)


class ContactForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    job_title = forms.CharField(label=_("Role in the company"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    consent = forms.BooleanField(
        label=_("The person agrees to be contacted by the programme"),
        required=False,
        help_text=_("The date of consent is recorded; without it the person is not e-mailed."),
    )

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        if not phone:
            return ""
        digits = re.sub(r"\D", "", phone)
        if not PHONE_CHARACTERS.match(phone) or not 10 <= len(digits) <= 15:
            raise forms.ValidationError(
                _("“%(value)s” is not a phone number: 10 to 15 digits expected.") % {"value": phone}
            )
        return phone


class ContactEraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the erasure"),
        max_length=300,
        help_text=_("For example: request of the person (RGPD art. 17) received on …"),
    )
