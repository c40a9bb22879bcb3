"""The demo plans: every firm at "action plan validated" or beyond has a validated plan with
realistic actions; the demo funding requests finance them; a second run adds nothing."""

from __future__ import annotations

import pytest

from essor.actionplans.demo import PLAN_STATES, demo_action_plans_create
from essor.actionplans.enums import PlanStatus
from essor.actionplans.models import Action, ActionPlan
from essor.companies.models import Company
from essor.funding.models import FundingCostLine, FundingRequest


@pytest.mark.django_db
def test_the_demo_plans_are_validated_realistic_and_created_once(reference: None) -> None:
    from essor.companies.demo import demo_companies_create
    from essor.core.demo import demo_accounts_create, demo_organisations_create
    from essor.diagnostics.demo import demo_diagnostics_create
    from essor.funding.demo import demo_funding_create

    demo_organisations_create()
    demo_companies_create(region_firms={"84": 40})
    demo_accounts_create()
    demo_diagnostics_create()
    created = demo_action_plans_create()
    firms = Company.objects.filter(state__in=PLAN_STATES)
    assert firms.exists()
    for company in firms:
        plan = company.action_plans.get()
        assert plan.status == PlanStatus.VALIDATED
        assert plan.validated_at is not None and plan.created_at < plan.validated_at
        for action in plan.actions.all():
            assert action.estimated_cost_cents and action.owner and action.start_date
            assert action.end_date is not None and action.end_date >= action.start_date
            assert action.start_date > plan.validated_at.date()
    actions = Action.objects.filter(plan__status=PlanStatus.VALIDATED)
    assert actions.filter(title__contains="é").exists()  # French text
    assert actions.filter(status="done").exists() and actions.filter(status="in_progress").exists()
    assert actions.late().exists()  # what is late shows on the plan pages
    # The demo company account's firm, diagnosed, has a draft to carry through.
    firm = Company.objects.get(memberships__user__email="entreprise@demo.essor.fr")
    assert firm.action_plans.get().status == PlanStatus.DRAFT
    assert created == ActionPlan.objects.count()
    assert demo_action_plans_create() == 0

    assert demo_funding_create() > 0
    for request in FundingRequest.objects.select_related("action_plan"):
        assert (
            request.action_plan is not None and request.action_plan.company_id == request.company_id
        )
        assert request.action_plan.status == PlanStatus.VALIDATED
    lines = FundingCostLine.objects.select_related("action", "request")
    assert lines.filter(action__isnull=False).count() == lines.count()
    assert all(line.action.plan_id == line.request.action_plan_id for line in lines)
