"""Shared set-up for the financing tests: a funded envelope, a firm whose plan is validated,
a request filed and submitted through the services."""

from __future__ import annotations

from typing import Any

from essor.actionplans.enums import PlanStatus
from essor.actionplans.models import ActionPlan
from essor.companies.enums import JourneyState
from essor.companies.models import Company
from essor.funding import services
from essor.funding.enums import CostType
from essor.funding.models import FundingRequest, Instrument

EURO = 100


def at_state(company: Company, state: str) -> Company:
    """Put a firm at a journey step (test set-up: the steps before it belong to other
    capabilities, diagnostics and action plans)."""
    Company.objects.filter(pk=company.pk).update(state=state)
    company.refresh_from_db()
    return company


def plan_validated(company: Company) -> Company:
    """The firm with a validated action plan, at the journey step that says so."""
    from tests.actionplans.helpers import validated_plan

    validated_plan(company)
    return at_state(company, JourneyState.PLAN_VALIDATED)


def plan_of(company: Company) -> ActionPlan:
    """The firm's validated plan (`plan_validated` made it)."""
    plan = ActionPlan.objects.filter(company=company, status=PlanStatus.VALIDATED).first()
    assert plan is not None, "call plan_validated(company) first"
    return plan


def fund(region_id: int, euros: int, actor: Any = None) -> None:
    services.envelope_set(region_id=region_id, amount_cents=euros * EURO, actor=actor)


def file_request(
    company: Company,
    *,
    amount_euros: int = 40_000,
    costs: dict[str, int] | None = None,
    instrument: str = "grant",
    actor: Any = None,
    submit: bool = True,
) -> FundingRequest:
    """A request through the services; costs in euros by cost type."""
    costs = costs if costs is not None else {CostType.CONSULTING: 60_000, CostType.TRAINING: 40_000}
    # The firm's validated plan when it has one (the service refuses a request without).
    plan = ActionPlan.objects.filter(company=company, status=PlanStatus.VALIDATED).first()
    action = plan.actions.order_by("order", "pk").first() if plan else None
    request = services.request_save(
        actor=actor,
        company=company,
        title="Robotisation",
        instrument=Instrument.objects.get(code=instrument),
        amount_cents=amount_euros * EURO,
        action_plan=plan,
        lines=[
            services.CostLineData(
                cost_type=kind, description=f"{kind} cost", amount_cents=e * EURO,
                action_id=action.pk if action else None,
            )
            for kind, e in costs.items()
        ],
    )  # fmt: skip
    if submit:
        services.request_submit(request=request, actor=actor)
    return request


def grant(
    request: FundingRequest,
    *,
    amount_euros: int | None = None,
    key: str | None = None,
    actor: Any = None,
) -> Any:
    decision, _created = services.decision_create(
        request=request,
        actor=actor,
        idempotency_key=key or f"key-{request.pk}",
        outcome="granted",
        amount_cents=(amount_euros * EURO) if amount_euros is not None else request.amount_cents,
    )
    return decision
