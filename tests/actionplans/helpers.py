"""Builders shared by the action-plan tests (and by the financing tests, whose requests
finance a validated plan). Everything through the services, as the platform would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from essor.actionplans import services
from essor.actionplans.enums import PlanStatus
from essor.actionplans.models import Action, ActionPlan
from essor.companies.enums import JourneyState
from essor.companies.models import Company
from essor.diagnostics.enums import DiagnosticKind, DiagnosticStatus
from essor.diagnostics.models import Diagnostic
from tests.diagnostics.helpers import validated_diagnostic

START = dt.date(2030, 1, 15)


def diagnosed(company: Company, *, expert: Any = None) -> Diagnostic:
    """The firm's validated expert diagnostic (made once), and the firm at the step
    "diagnosed" when it was not there yet (test set-up: in the product the diagnostic
    mission and the validation of the diagnostic take it there)."""
    found = Diagnostic.objects.filter(
        company=company, kind=DiagnosticKind.EXPERT, status=DiagnosticStatus.VALIDATED
    ).first()
    diagnostic = found or validated_diagnostic(company, expert=expert)
    if company.state in services.BEFORE_DIAGNOSED:
        Company.objects.filter(pk=company.pk).update(state=JourneyState.DIAGNOSED)
        company.refresh_from_db()
    return diagnostic


def draft_plan(company: Company, *, expert: Any = None, actor: Any = None) -> ActionPlan:
    """A new plan of the firm, pre-filled from its validated diagnostic."""
    return services.plan_create(diagnostic=diagnosed(company, expert=expert), actor=actor)


def complete(
    action: Action, *, cost_euros: int = 20_000, start: dt.date = START, days: int = 120
) -> Action:
    """Give an action what submitting asks for: cost, dates and owner."""
    return services.action_update(
        action=action,
        actor=None,
        data=services.ActionData(
            dimension_id=action.dimension_id,
            title=action.title,
            technology_family=action.technology_family,
            description=action.description,
            estimated_cost_cents=cost_euros * 100,
            start_date=start,
            end_date=start + dt.timedelta(days=days),
            owner="Responsable de production",
            kpi_effects=tuple(action.kpi_effects),
        ),
    )


def ready_plan(company: Company, **kwargs: Any) -> ActionPlan:
    """A draft whose actions are complete (it may be submitted)."""
    plan = draft_plan(company, **kwargs)
    for action in plan.actions.all():
        complete(action)
    return plan


def validated_plan(company: Company, *, expert: Any = None) -> ActionPlan:
    """The firm's validated plan (made once): prepared, submitted, validated by the firm
    and by the region (the system acting for both)."""
    found = ActionPlan.objects.filter(company=company, status=PlanStatus.VALIDATED).first()
    if found is not None:
        return found
    plan = ready_plan(company, expert=expert)
    services.plan_submit(plan=plan, actor=None)
    services.plan_company_validate(plan=plan, actor=None)
    services.plan_validate(plan=plan, actor=None)
    plan.refresh_from_db()
    return plan
