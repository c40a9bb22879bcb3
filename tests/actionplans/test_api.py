"""The read API of action plans: the plan, its actions with the late flag, its totals."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from essor.accounts.services import api_token_create
from essor.actionplans import services
from tests.conftest import Cast

from .helpers import complete, draft_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def api(cast: Cast, actor: str, path: str) -> Any:
    _token, secret = api_token_create(user=cast.users[actor], name="test")
    return Client().get("/api/v1" + path, headers={"Authorization": f"Bearer {secret}"})


def test_a_plan_in_the_api(cast: Cast) -> None:
    plan = draft_plan(cast.company_a)
    past = dt.date.today() - dt.timedelta(days=300)
    actions = list(plan.actions.all())
    for action in actions:
        complete(action, cost_euros=15_000, start=past, days=60)
    services.plan_submit(plan=plan, actor=None)
    services.plan_company_validate(plan=plan, actor=None)
    services.plan_validate(plan=plan, actor=None)
    services.action_progress_set(action=actions[0], actor=None, status="done", progress=100)

    response = api(cast, "company", f"/action-plans/{plan.pk}")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["reference"] == plan.reference and data["status"] == "validated"
    assert [a["id"] for a in data["actions"]] == [a.pk for a in actions]
    assert [a["late"] for a in data["actions"]] == [False] + [True] * (len(actions) - 1)
    assert data["actions"][0]["progress"] == 100
    assert data["summary"]["total_cost_cents"] == 15_000_00 * len(actions)
    assert data["summary"]["late"] == len(actions) - 1 and data["summary"]["done"] == 1

    assert api(cast, "manager_b", f"/action-plans/{plan.pk}").status_code == 404
    assert api(cast, "steering", f"/action-plans/{plan.pk}").status_code == 404
    assert [p["id"] for p in json.loads(api(cast, "manager_a", "/action-plans").content)] == [
        plan.pk
    ]
    assert json.loads(api(cast, "manager_b", "/action-plans").content) == []


def test_the_plan_detail_queries_do_not_grow_with_its_actions(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = draft_plan(cast.company_a)
    first, *others = plan.actions.all()
    for action in others:
        services.action_remove(action=action, actor=None)
    _token, secret = api_token_create(user=cast.users["company"], name="test")
    client, headers = Client(), {"Authorization": f"Bearer {secret}"}
    path = f"/api/v1/action-plans/{plan.pk}"
    with CaptureQueriesContext(connection) as one:
        assert client.get(path, headers=headers).status_code == 200
    # The token, its user, the plan with its firm, region and diagnostic, its actions once.
    assert len(one.captured_queries) <= 5
    for n in range(7):
        services.action_add(
            plan=plan,
            actor=None,
            data=services.ActionData(dimension_id=first.dimension_id, title=f"Action {n}"),
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(path, headers=headers)
    assert len(json.loads(response.content)["actions"]) == 8
