"""The action-plan pages as their users meet them: built from the diagnostic, edited,
validated by the firm then the region, followed; the funding request filed from the plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from essor.actionplans import services
from essor.actionplans.enums import PlanStatus
from essor.actionplans.models import ActionPlan
from essor.companies.enums import JourneyState
from tests.conftest import Cast
from tests.diagnostics.helpers import validated_diagnostic
from tests.funding.helpers import at_state

from .helpers import complete, draft_plan, ready_plan, validated_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def client_for(cast: Cast, actor: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(cast.users[actor])
    client.cookies["django_language"] = "en"
    return client


def action_post(action_title: str, dimension: str, **changes: str) -> dict[str, object]:
    return {
        "title": action_title,
        "dimension_id": dimension,
        "technology_family": "robotique-cobotique",
        "description": "Cellule de chargement des tours",
        "estimated_cost": "85 000",
        "start_date": "2031-02-01",
        "end_date": "2031-09-30",
        "owner": "Directeur industriel",
        "kpi_effects": ["cost", "delivery"],
        **changes,
    }


def test_the_plan_page_shows_totals_what_is_done_and_what_is_late(cast: Cast) -> None:
    plan = draft_plan(cast.company_a)
    past = dt.date.today() - dt.timedelta(days=400)
    actions = list(plan.actions.all())
    assert len(actions) >= 2
    for n, action in enumerate(actions):
        complete(action, cost_euros=10_000 * (n + 1), start=past, days=100)
    services.plan_submit(plan=plan, actor=None)
    services.plan_company_validate(plan=plan, actor=None)
    services.plan_validate(plan=plan, actor=None)
    services.action_progress_set(action=actions[0], actor=None, status="done", progress=100)
    body = client_for(cast, "company").get(plan.get_absolute_url()).content.decode()
    total = sum(10_000 * (n + 1) for n in range(len(actions)))
    assert f"€{total:,}.00" in body
    assert f"1 of {len(actions)}" in body  # done
    late = len(actions) - 1
    assert f'<span class="badge badge-warn">{late}</span>' in body
    assert body.count(">late</span>") == late
    assert 'role="img" aria-label="100 % done"' in body
    # The firm follows its actions on the page; it may file a request from the plan.
    assert "Save the progress" in body
    assert "File a funding request from this plan" in body


def test_the_buttons_follow_the_role_and_the_step(cast: Cast) -> None:
    plan = ready_plan(cast.company_a, expert=cast.users["expert"])
    url = plan.get_absolute_url()
    expert = client_for(cast, "expert").get(url).content.decode()
    assert "Submit the plan for validation" in expert and "Add an action" in expert
    assert "Submit the plan" not in client_for(cast, "manager_a").get(url).content.decode()
    services.plan_submit(plan=plan, actor=None)
    company = client_for(cast, "company").get(url).content.decode()
    assert "Validate the plan for the firm" in company and "Return the plan for changes" in company
    expert = client_for(cast, "expert").get(url).content.decode()
    assert "Validate the plan for the firm" not in expert and "Add an action" not in expert
    manager = client_for(cast, "manager_a").get(url).content.decode()
    assert "Validate the plan for the region" not in manager
    services.plan_company_validate(plan=plan, actor=None)
    manager = client_for(cast, "manager_a").get(url).content.decode()
    assert (
        "Validate the plan for the region" in manager and "Return the plan for changes" in manager
    )
    company = client_for(cast, "company").get(url).content.decode()
    assert "Validate the plan for the region" not in company
    assert client_for(cast, "manager_b").get(url).status_code == 404
    assert client_for(cast, "steering").get(url).status_code == 404


def test_from_the_diagnostic_to_a_validated_plan_through_the_pages(cast: Cast) -> None:
    company = at_state(cast.company_a, JourneyState.DIAGNOSTIC_SCHEDULED)
    diagnostic = validated_diagnostic(company, expert=cast.users["expert"])
    expert = client_for(cast, "expert")
    page = expert.get(diagnostic.get_absolute_url()).content.decode()
    assert "Build the action plan" in page
    response = expert.post(reverse("actionplans:plan_create", args=[diagnostic.pk]))
    plan = ActionPlan.objects.get(diagnostic=diagnostic)
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert "See the action plan" in expert.get(diagnostic.get_absolute_url()).content.decode()

    action = plan.actions.order_by("order").first()
    assert action is not None
    edit = reverse("actionplans:action_edit", args=[plan.pk, action.pk])
    form = expert.get(edit).content.decode()
    assert '<label for="id_estimated_cost">' in form and '<label for="id_owner">' in form
    refused = expert.post(edit, action_post("Robot", action.dimension_id, end_date="2031-01-01"))
    assert refused.status_code == 200
    assert "The end is before the start." in refused.content.decode()
    for a in plan.actions.all():
        saved = expert.post(
            reverse("actionplans:action_edit", args=[plan.pk, a.pk]),
            action_post(f"Action {a.order}", a.dimension_id),
        )
        assert saved.status_code == 302, saved.content.decode()[:2000]
    action.refresh_from_db()
    assert action.estimated_cost_cents == 85_000_00 and action.kpi_effects == ["cost", "delivery"]
    assert action.end_date == dt.date(2031, 9, 30) and action.owner == "Directeur industriel"

    expert.post(reverse("actionplans:plan_submit", args=[plan.pk]))
    client_for(cast, "company").post(reverse("actionplans:plan_company_validate", args=[plan.pk]))
    queue = client_for(cast, "manager_a").get(reverse("actionplans:plan_queue")).content.decode()
    assert plan.reference in queue
    response = client_for(cast, "manager_a").post(
        reverse("actionplans:plan_validate", args=[plan.pk]), follow=True
    )
    assert "Plan validated" in response.content.decode()
    plan.refresh_from_db()
    company.refresh_from_db()
    assert plan.status == PlanStatus.VALIDATED
    assert company.state == JourneyState.PLAN_VALIDATED

    # The firm files a funding request from its plan: one cost per action, linked to it.
    firm = client_for(cast, "company")
    assert (
        "File a funding request from this plan"
        in firm.get(plan.get_absolute_url()).content.decode()
    )
    page = firm.get(reverse("funding:request_create", args=[company.pk]) + f"?plan={plan.pk}")
    initial = [f.initial for f in page.context["formset"].forms if f.initial]
    assert [(i["action"], i["amount"]) for i in initial] == [
        (a.pk, "85 000") for a in plan.actions.all()
    ]
    assert page.context["form"].initial["action_plan"] == plan.pk


def test_a_return_needs_its_reason_on_the_page(cast: Cast) -> None:
    plan = ready_plan(cast.company_a)
    services.plan_submit(plan=plan, actor=None)
    services.plan_company_validate(plan=plan, actor=None)
    manager = client_for(cast, "manager_a")
    url = reverse("actionplans:plan_return", args=[plan.pk])
    page = manager.post(url, {"reason": ""}, follow=True).content.decode()
    assert "Say why the plan is returned (field “Reason”)." in page
    page = manager.post(url, {"reason": "Dates irréalistes"}, follow=True).content.decode()
    assert "Returned for changes:" in page and "Dates irréalistes" in page
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED


def test_the_manager_work_list_holds_the_own_region_only(cast: Cast) -> None:
    own = ready_plan(cast.company_a)
    foreign = ready_plan(cast.company_b)
    for plan in (own, foreign):
        services.plan_submit(plan=plan, actor=None)
        services.plan_company_validate(plan=plan, actor=None)
    page = client_for(cast, "manager_a").get(reverse("actionplans:plan_queue")).content.decode()
    assert own.reference in page and foreign.reference not in page
    admin = client_for(cast, "admin").get(reverse("actionplans:plan_queue")).content.decode()
    assert own.reference in admin and foreign.reference in admin
    assert client_for(cast, "company").get(reverse("actionplans:plan_queue")).status_code == 404


def test_the_company_page_leads_to_the_plans(cast: Cast) -> None:
    plan = validated_plan(cast.company_a)
    page = client_for(cast, "company").get(cast.company_a.get_absolute_url()).content.decode()
    assert 'id="action-plans"' in page and plan.reference in page
    listing = client_for(cast, "company").get(
        reverse("actionplans:company_plans", args=[cast.company_a.pk])
    )
    assert plan.reference in listing.content.decode()


def test_progress_is_reported_on_the_page(cast: Cast) -> None:
    plan = validated_plan(cast.company_a)
    action = plan.actions.order_by("order").first()
    assert action is not None
    url = reverse("actionplans:action_progress", args=[plan.pk, action.pk])
    prefix = f"a{action.pk}"
    client = client_for(cast, "company")
    page = client.post(
        url, {f"{prefix}-status": "planned", f"{prefix}-progress": "30"}, follow=True
    ).content.decode()
    assert "a planned action has not started" in page
    client.post(url, {f"{prefix}-status": "in_progress", f"{prefix}-progress": "30"})
    action.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", 30)
    # The regional manager sees the progress, and does not report it.
    manager = client_for(cast, "manager_a")
    assert (
        manager.post(url, {f"{prefix}-status": "done", f"{prefix}-progress": "100"}).status_code
        == 404
    )


def _plan_of(cast: Cast, actions: int, *, validated: bool) -> ActionPlan:
    """A plan of firm A with exactly `actions` complete actions, validated or a draft."""
    plan = draft_plan(cast.company_a)
    first, *others = plan.actions.all()
    for action in others:
        services.action_remove(action=action, actor=None)
    complete(first)
    for _n in range(actions - 1):
        added = services.action_add(
            plan=plan,
            actor=None,
            data=services.ActionData(dimension_id=first.dimension_id, title="Autre action"),
        )
        complete(added)
    if validated:
        services.plan_submit(plan=plan, actor=None)
        services.plan_company_validate(plan=plan, actor=None)
        services.plan_validate(plan=plan, actor=None)
    assert plan.actions.count() == actions
    return plan


# Queries of the plan page, whatever its number of actions (session and user included; an
# expert's access is checked against the expert's missions).
PLAN_PAGE_QUERIES = {
    ("company", False): 6,
    ("company", True): 7,
    ("expert", False): 8,
    ("expert", True): 10,
}


@pytest.mark.parametrize("validated", [False, True], ids=["draft", "validated"])
@pytest.mark.parametrize("actions", [1, 8])
@pytest.mark.parametrize("actor", ["company", "expert"])
def test_the_plan_page_queries_do_not_grow_with_its_actions(
    cast: Cast, django_assert_max_num_queries: Any, actor: str, actions: int, validated: bool
) -> None:
    plan = _plan_of(cast, actions, validated=validated)
    client = client_for(cast, actor)
    with django_assert_max_num_queries(PLAN_PAGE_QUERIES[actor, validated]):
        response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="action-') == actions
