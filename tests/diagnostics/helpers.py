"""Builders shared by the diagnostics tests (and by other apps' tests that need a
validated diagnostic to pass the journey's guards)."""

from __future__ import annotations

from typing import Any

from essor.companies.models import Company
from essor.diagnostics.enums import DiagnosticKind, Phase
from essor.diagnostics.models import Diagnostic
from essor.diagnostics.services import (
    diagnostic_create,
    diagnostic_save_answers,
    diagnostic_submit,
    diagnostic_validate,
)

# A few answers to the shipped full référentiel (industrie-du-futur 2026.1), from the
# worked example of docs/methodology.md §9.
EXAMPLE_ANSWERS: dict[str, Any] = {
    "efficacite-energetique-q1": {"level": 2},
    "efficacite-energetique-q3": {"options": ["fuites-air", "variation-vitesse", "marche-a-vide"]},
    "efficacite-energetique-q4": {
        "na": "Pas de procédé thermique : assemblage et usinage à froid uniquement."
    },
    "ressources-circularite-q1": {"level": 3},
    "ressources-circularite-q2": {
        "rows": {
            "matiere": "mensuel",
            "emballages": "annuel",
            "eau": "non-suivi",
            "dechets-dangereux": "par-ligne",
        }
    },
    "ressources-circularite-q3": {"option": "scope-3"},
}


def expert_diagnostic(
    company: Company, *, expert: Any = None, phase: str = Phase.T0, actor: Any = None
) -> Diagnostic:
    return diagnostic_create(
        company=company, actor=actor, kind=DiagnosticKind.EXPERT, phase=phase, expert=expert
    )


def validated_diagnostic(
    company: Company,
    *,
    answers: dict[str, Any] | None = None,
    phase: str = Phase.T0,
    expert: Any = None,
) -> Diagnostic:
    """A validated expert diagnostic of the firm (takes "record_diagnosis" when scheduled)."""
    diagnostic = expert_diagnostic(company, expert=expert, phase=phase)
    saved = diagnostic_save_answers(
        diagnostic=diagnostic, answers=answers or EXAMPLE_ANSWERS, actor=None
    )
    assert saved.ok, saved.errors
    diagnostic_submit(diagnostic=diagnostic, actor=None)
    diagnostic_validate(diagnostic=diagnostic, actor=None)
    return diagnostic


def fresh_diagnostic(company: Company, *, expert: Any = None, status: str = "draft") -> Diagnostic:
    """A new T0 expert diagnostic of the firm in `status` (any earlier one is removed).

    For tests that act on one diagnostic many times over (the permission matrix).
    """
    Diagnostic.objects.filter(company=company, kind=DiagnosticKind.EXPERT).delete()
    diagnostic = expert_diagnostic(company, expert=expert)
    if status in ("submitted", "validated"):
        diagnostic_save_answers(diagnostic=diagnostic, answers=EXAMPLE_ANSWERS, actor=None)
        diagnostic_submit(diagnostic=diagnostic, actor=None)
    if status == "validated":
        diagnostic_validate(diagnostic=diagnostic, actor=None)
    return diagnostic


def pending_contact_request(company: Company, *, last_name: str = "Visiteur") -> Any:
    """A visitor's submitted self-assessment naming `company` (already followed): a
    `ContactRequest` waiting for the firm's platform."""
    from essor.companies.services import CompanyData
    from essor.diagnostics.services import (
        ContactDetails,
        diagnostic_submit,
        self_assessment_contact_request,
        self_assessment_start,
    )

    diagnostic = self_assessment_start()
    diagnostic_submit(diagnostic=diagnostic, actor=None)
    data = CompanyData(
        siren=company.siren, name="Nom tapé par le visiteur", naf_code="10.20Z",
        department_code="29",
    )  # fmt: skip
    self_assessment_contact_request(
        diagnostic=diagnostic,
        company_data=data,
        contact=ContactDetails("Paul", last_name, "paul.visiteur@example.fr"),
    )
    return diagnostic.contact_request
