"""The financing API: file, submit, decide (idempotent by Idempotency-Key), read envelopes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from essor.accounts.services import api_token_create
from essor.companies.enums import JourneyState
from essor.funding.models import Decision, LedgerEntry
from tests.conftest import Cast

from .helpers import EURO, file_request, fund, grant, plan_of, plan_validated

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def api(cast: Cast, actor: str, method: str, path: str, body: Any = None, **headers: str) -> Any:
    _token, secret = api_token_create(user=cast.users[actor], name="test")
    return Client().generic(
        method,
        "/api/v1" + path,
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en", **headers},
    )


REQUEST = {
    "title": "Jumeau numérique",
    "instrument": "grant",
    "amount_cents": 40_000 * EURO,
    "lines": [
        {"cost_type": "digital", "description": "Logiciel", "amount_cents": 70_000 * EURO},
        {"cost_type": "training", "description": "Formation", "amount_cents": 30_000 * EURO},
    ],
}


def linked(company: Any, body: dict[str, Any]) -> dict[str, Any]:
    """The body with each cost linked to the first action of the firm's validated plan."""
    action = plan_of(company).actions.order_by("order", "pk").first()
    assert action is not None
    return {**body, "lines": [{**line, "action_id": action.pk} for line in body["lines"]]}


def test_file_submit_and_decide_through_the_api(cast: Cast) -> None:
    company = plan_validated(cast.company_a)
    fund(cast.region_a.pk, 100_000)
    body = linked(company, REQUEST)
    created = api(cast, "company", "POST", f"/funding/companies/{company.pk}/requests", body)
    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    assert (
        created.json()["status"] == "draft"
        and created.json()["total_costs_cents"] == 100_000 * EURO
    )
    submitted = api(cast, "company", "POST", f"/funding/requests/{request_id}/submit")
    assert submitted.json()["status"] == "submitted"
    company.refresh_from_db()
    assert company.state == JourneyState.FINANCING_REQUESTED

    decision = {"outcome": "granted", "amount_cents": 40_000 * EURO, "conditions": "Sur factures"}
    path = f"/funding/requests/{request_id}/decisions"
    missing = api(cast, "manager_a", "POST", path, decision)
    assert missing.status_code == 400 and "Idempotency-Key" in missing.json()["detail"]
    too_long = api(cast, "manager_a", "POST", path, decision, **{"Idempotency-Key": "k" * 81})
    assert too_long.status_code == 400 and "80 characters" in too_long.json()["detail"]
    first = api(cast, "manager_a", "POST", path, decision, **{"Idempotency-Key": "dec-1"})
    again = api(cast, "manager_a", "POST", path, decision, **{"Idempotency-Key": "dec-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["instrument"] == "grant" and first.json()["gge_cents"] == 40_000 * EURO
    other_key = api(cast, "manager_a", "POST", path, decision, **{"Idempotency-Key": "dec-2"})
    assert other_key.status_code == 409 and "already been decided" in other_key.json()["detail"]
    assert Decision.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="commitment").count() == 1

    read = api(cast, "company", "GET", f"/funding/requests/{request_id}")
    assert read.json()["decision"]["amount_cents"] == 40_000 * EURO
    envelope = api(cast, "manager_a", "GET", "/funding/envelopes/84").json()
    assert (
        envelope["allocated_cents"],
        envelope["committed_cents"],
        envelope["available_cents"],
    ) == (
        100_000 * EURO,
        40_000 * EURO,
        60_000 * EURO,
    )


def test_a_refused_decision_gives_the_rule_and_figures(cast: Cast) -> None:
    fund(cast.region_a.pk, 1_000_000)
    request = file_request(plan_validated(cast.company_a), amount_euros=40_000)
    response = api(
        cast, "manager_a", "POST", f"/funding/requests/{request.pk}/decisions",
        {"outcome": "granted", "amount_cents": 70_000 * EURO}, **{"Idempotency-Key": "x"},
    )  # fmt: skip
    assert response.status_code == 409
    breach = response.json()["breaches"][0]
    assert breach["rule"] == "intensity"
    assert breach["figures"]["asked_tenths"] == 700 and breach["figures"]["allowed"] == 50
    assert "70\u00a0% asked > 50\u00a0% allowed for an SME" in breach["message"]


def test_scope_in_the_api(cast: Cast) -> None:
    request = file_request(plan_validated(cast.company_a), submit=False)
    assert api(cast, "manager_b", "GET", f"/funding/requests/{request.pk}").status_code == 404
    assert api(cast, "manager_b", "GET", "/funding/requests").json() == []
    listed = api(cast, "expert", "GET", "/funding/requests").json()  # assigned to company_a
    assert [r["id"] for r in listed] == [request.pk]
    decide = api(
        cast, "company", "POST", f"/funding/requests/{request.pk}/decisions",
        {"outcome": "refused", "reason": "x"}, **{"Idempotency-Key": "k"},
    )  # fmt: skip
    assert decide.status_code == 404
    assert api(cast, "steering", "GET", "/funding/envelopes").status_code == 200
    assert api(cast, "company", "GET", "/funding/envelopes").status_code == 404


def test_the_request_list_reads_decisions_without_one_query_per_row(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fund(cast.region_a.pk, 1_000_000)
    company = plan_validated(cast.company_a)
    grant(file_request(company, amount_euros=10_000))
    with CaptureQueriesContext(connection) as one:
        assert len(api(cast, "admin", "GET", "/funding/requests").json()) == 1
    for _ in range(3):
        grant(file_request(company, amount_euros=10_000))
    with CaptureQueriesContext(connection) as four:
        rows = api(cast, "admin", "GET", "/funding/requests").json()
    assert len(rows) == 4 and all(row["decision"]["outcome"] == "granted" for row in rows)
    assert len(four.captured_queries) == len(one.captured_queries)
