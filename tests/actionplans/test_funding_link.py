"""A funding request finances a validated action plan of the firm, its costs linked to the
plan's actions (design.md §3: no funding request without a validated plan)."""

from __future__ import annotations

import pytest

from essor.actionplans import services as plan_services
from essor.companies.enums import JourneyState
from essor.funding import services
from essor.funding.enums import CostType
from essor.funding.models import FundingRequest, Instrument
from tests.conftest import Cast
from tests.funding.helpers import plan_validated

from .helpers import ready_plan, validated_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
EURO = 100


def save(company, plan, *, action_id=None):  # type: ignore[no-untyped-def]
    return services.request_save(
        actor=None,
        company=company,
        title="Cellule robotisée",
        instrument=Instrument.objects.get(code="grant"),
        amount_cents=30_000 * EURO,
        action_plan=plan,
        lines=[
            services.CostLineData(
                cost_type=CostType.EQUIPMENT,
                description="Robot",
                amount_cents=90_000 * EURO,
                action_id=action_id,
            )
        ],
    )


def test_a_request_names_a_validated_plan_of_the_firm(cast: Cast) -> None:
    company = plan_validated(cast.company_a)
    with pytest.raises(services.FundingError, match="Choose the validated action plan"):
        save(company, None)
    draft = ready_plan(cast.company_b)
    with pytest.raises(services.FundingError, match="is not a validated plan of"):
        save(company, draft)  # another firm's plan, and not validated
    plan_services.plan_submit(plan=draft, actor=None)
    plan_services.plan_company_validate(plan=draft, actor=None)
    plan_services.plan_validate(plan=draft, actor=None)
    with pytest.raises(services.FundingError, match="is not a validated plan of"):
        save(company, draft)  # validated, but another firm's
    assert not FundingRequest.objects.exists()


def test_costs_name_actions_of_that_plan_and_submitting_needs_one(cast: Cast) -> None:
    company = plan_validated(cast.company_a)
    plan = validated_plan(cast.company_a)
    other = validated_plan(cast.company_b).actions.first()
    assert other is not None
    with pytest.raises(services.FundingError, match="not in the plan"):
        save(company, plan, action_id=other.pk)
    request = save(company, plan)
    with pytest.raises(services.FundingError, match="Link at least one cost"):
        services.request_submit(request=request, actor=None)
    action = plan.actions.order_by("order").first()
    assert action is not None
    line = request.lines.get()
    services.request_save(
        actor=None, company=company, title=request.title, instrument=request.instrument,
        amount_cents=request.amount_cents, request=request,
        lines=[services.CostLineData(
            cost_type=line.cost_type, description=line.description,
            amount_cents=line.amount_cents, line_id=line.pk, action_id=action.pk,
        )],
    )  # fmt: skip
    services.request_submit(request=request, actor=None)
    request.refresh_from_db()
    company.refresh_from_db()
    assert request.action_plan == plan and request.lines.get().action == action
    assert list(action.funding_lines.all()) == [request.lines.get()]
    assert company.state == JourneyState.FINANCING_REQUESTED
    assert list(plan.funding_requests.all()) == [request]


def test_the_plan_page_lists_the_requests_it_finances(cast: Cast) -> None:
    from django.test import Client

    from tests.funding.helpers import file_request

    company = plan_validated(cast.company_a)
    request = file_request(company, submit=False)
    client = Client(headers={"accept-language": "en"})
    client.force_login(cast.users["company"])
    page = client.get(request.action_plan.get_absolute_url()).content.decode()
    assert "Funding requests from this plan" in page and request.reference in page
    detail = client.get(request.get_absolute_url()).content.decode()
    assert request.action_plan.reference in detail


def test_a_plan_financed_by_a_request_keeps_its_actions(cast: Cast) -> None:
    from django.db.models import ProtectedError

    from tests.funding.helpers import file_request

    company = plan_validated(cast.company_a)
    request = file_request(company, submit=False)
    with pytest.raises(ProtectedError):
        request.lines.first().action.delete()  # type: ignore[union-attr]


def test_submitting_refuses_a_cost_left_on_another_plans_action(cast: Cast) -> None:
    """A line kept from an earlier version of the draft cannot point outside the request's
    plan (the submit checks every line, not only those posted again)."""
    from essor.funding.models import FundingCostLine

    company = plan_validated(cast.company_a)
    plan = validated_plan(cast.company_a)
    request = save(company, plan, action_id=plan.actions.first().pk)  # type: ignore[union-attr]
    elsewhere = validated_plan(cast.company_b).actions.first()
    FundingCostLine.objects.filter(request=request).update(action=elsewhere)
    with pytest.raises(services.FundingError, match="not in the plan"):
        services.request_submit(request=request, actor=None)


def test_the_region_validates_a_plan_only_once_the_firm_is_diagnosed(cast: Cast) -> None:
    from essor.companies.models import Company

    plan = ready_plan(cast.company_a)
    plan_services.plan_submit(plan=plan, actor=None)
    plan_services.plan_company_validate(plan=plan, actor=None)
    Company.objects.filter(pk=cast.company_a.pk).update(state=JourneyState.ELIGIBLE)
    with pytest.raises(plan_services.PlanError, match="must first take it"):
        plan_services.plan_validate(plan=plan, actor=cast.users["manager_a"])
    Company.objects.filter(pk=cast.company_a.pk).update(state=JourneyState.DIAGNOSED)
    plan_services.plan_validate(plan=plan, actor=cast.users["manager_a"])
    cast.company_a.refresh_from_db()
    assert cast.company_a.state == JourneyState.PLAN_VALIDATED


def test_a_suspended_expert_loses_the_plans_until_reinstated(cast: Cast) -> None:
    from django.test import Client

    from essor.experts.workflow import referencing_apply

    plan = ready_plan(cast.company_a, expert=cast.users["expert"])
    client = Client()
    client.force_login(cast.users["expert"])
    assert client.get(plan.get_absolute_url()).status_code == 200
    referencing_apply(
        expert=cast.expert_profile, transition="suspend", actor=None, reason="enquête en cours"
    )
    assert client.get(plan.get_absolute_url()).status_code == 404
    action = plan.actions.first()
    assert action is not None
    referencing_apply(expert=cast.expert_profile, transition="reinstate", actor=None)
    assert client.get(plan.get_absolute_url()).status_code == 200


def test_a_firm_moved_to_another_region_takes_its_plans_along(cast: Cast) -> None:
    from django.test import Client

    from essor.companies.models import Company
    from essor.territories.models import Department

    plan = ready_plan(cast.company_a)
    breton = Department.objects.get(code="29")
    Company.objects.filter(pk=cast.company_a.pk).update(department=breton, region=breton.region)
    for actor, status in (("manager_a", 404), ("manager_b", 200)):
        client = Client()
        client.force_login(cast.users[actor])
        assert client.get(plan.get_absolute_url()).status_code == status, actor
