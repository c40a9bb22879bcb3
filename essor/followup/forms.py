from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essor.companies.forms import CountField, EurosField

from .enums import MONEY_KINDS, ImpactKind

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


class ImpactSurveyForm(forms.Form):
    """One value, one optional supporting document and one comment per figure."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in ImpactKind:
            help_text = (
                _("In euros.") if kind in MONEY_KINDS else _("In persons (full-time equivalent).")
            )
            required = {"required": _("Give a figure (0 if none).")}
            self.fields[kind.value] = (
                EurosField(
                    label=kind.label, help_text=help_text, positive=False, error_messages=required
                )
                if kind in MONEY_KINDS
                else CountField(label=kind.label, help_text=help_text, error_messages=required)
            )
            self.fields[f"{kind.value}_evidence"] = forms.FileField(
                label=_("Supporting document for: %(figure)s") % {"figure": kind.label},
                required=False,
            )
            self.fields[f"{kind.value}_comment"] = forms.CharField(
                label=_("Comment on: %(figure)s") % {"figure": kind.label},
                required=False,
                max_length=300,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for kind in ImpactKind:
            evidence = cleaned.get(f"{kind.value}_evidence")
            if evidence is not None and evidence.size > MAX_EVIDENCE_BYTES:
                self.add_error(f"{kind.value}_evidence", _("The document is larger than 10 MB."))
        return cleaned

    def figures(self) -> dict[str, tuple[int, Any, str]]:
        return {
            kind.value: (
                self.cleaned_data[kind.value],
                self.cleaned_data.get(f"{kind.value}_evidence"),
                self.cleaned_data.get(f"{kind.value}_comment", ""),
            )
            for kind in ImpactKind
        }
