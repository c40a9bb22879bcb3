"""The journey: guarded transitions, reasons, audit events and the company page."""

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from essor.companies.enums import JourneyState
from essor.companies.journey import (
    TRANSITIONS,
    TransitionError,
    available_transitions,
    journey_apply,
    register_guard,
)
from essor.companies.models import Company
from essor.core.models import AuditEvent
from essor.core.services import audit_trail
from tests.conftest import Cast
from tests.factories import make_company

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_every_state_is_reachable_and_every_transition_targets_a_state() -> None:
    targets = {t.target for t in TRANSITIONS.values()}
    assert targets | {JourneyState.IDENTIFIED} == set(JourneyState.values)
    for t in TRANSITIONS.values():
        assert t.sources <= set(JourneyState.values)


def test_confirming_eligibility_is_audited_with_actor_and_reason(cast: Cast) -> None:
    manager = cast.users["manager_a"]
    journey_apply(
        company=cast.company_a, transition="confirm_eligible", actor=manager, reason="visite faite"
    )
    cast.company_a.refresh_from_db()
    assert cast.company_a.state == JourneyState.ELIGIBLE
    event = audit_trail(cast.company_a).last()
    assert event is not None
    assert (event.verb, event.actor, event.reason) == (
        "journey.confirm_eligible",
        manager,
        "visite faite",
    )
    assert event.before == {"state": "identified"} and event.after == {"state": "eligible"}
    assert event.region_code == "84"


def test_a_firm_outside_the_rules_cannot_be_confirmed(cast: Cast) -> None:
    big = make_company(n=30, headcount=9000, turnover_cents=10**13, balance_cents=10**13)
    with pytest.raises(TransitionError, match="size class"):
        journey_apply(company=big, transition="confirm_eligible", actor=cast.users["admin"])
    big.refresh_from_db()
    assert big.state == JourneyState.IDENTIFIED
    assert not AuditEvent.objects.filter(
        verb="journey.confirm_eligible", object_id=str(big.pk)
    ).exists()


def test_steps_owned_by_other_capabilities_are_not_manual(cast: Cast) -> None:
    company = cast.company_a
    journey_apply(company=company, transition="confirm_eligible", actor=None)
    journey_apply(company=company, transition="schedule_diagnostic", actor=None)
    with pytest.raises(TransitionError, match="its own step"):
        journey_apply(company=company, transition="record_diagnosis", actor=cast.users["admin"])
    journey_apply(company=company, transition="record_diagnosis", actor=None, by_system=True)
    assert company.state == JourneyState.DIAGNOSED


def test_wrong_source_state_is_refused(cast: Cast) -> None:
    with pytest.raises(TransitionError, match="Not possible"):
        journey_apply(company=cast.company_a, transition="close", actor=None)


def test_withdrawal_needs_a_reason(cast: Cast) -> None:
    with pytest.raises(TransitionError, match="reason"):
        journey_apply(company=cast.company_a, transition="withdraw", actor=None, reason="  ")
    journey_apply(company=cast.company_a, transition="withdraw", actor=None, reason="cession")
    assert cast.company_a.state == JourneyState.WITHDRAWN
    assert available_transitions(cast.company_a) == []  # closed states offer nothing


def test_registered_guards_block_with_their_reason(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from essor.companies import journey

    # a private copy of the registry, so that this guard does not outlive the test
    monkeypatch.setattr(journey, "_GUARDS", {k: list(v) for k, v in journey._GUARDS.items()})

    def no_support_without_money(company: Company) -> str | None:
        return "pas de financement" if company.siren == cast.company_a.siren else None

    register_guard("start_support", no_support_without_money)
    company = cast.company_a
    for name in ("confirm_eligible", "schedule_diagnostic"):
        journey_apply(company=company, transition=name, actor=None)
    from tests.diagnostics.helpers import validated_diagnostic

    validated_diagnostic(company)  # takes "record_diagnosis"; "validate_plan" needs it
    journey_apply(company=company, transition="validate_plan", actor=None, by_system=True)
    with pytest.raises(TransitionError, match="pas de financement"):
        journey_apply(company=company, transition="start_support", actor=None)
    assert "start_support" not in {t.name for t in available_transitions(company)}


def test_the_company_page_moves_the_firm_and_shows_the_timeline(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.users["manager_a"])
    url = reverse("companies:company_transition", args=[cast.company_a.pk])
    response = client.post(url, {"transition": "confirm_eligible", "reason": "dossier complet"})
    assert response.status_code == 302
    page = client.get(reverse("companies:company_detail", args=[cast.company_a.pk]))
    body = page.content.decode()
    assert "Identifié → Éligible" in body
    assert "dossier complet" in body
    # refused transitions say why, and change nothing
    response = client.post(url, {"transition": "withdraw", "reason": ""}, follow=True)
    assert "motif" in response.content.decode().lower()
    cast.company_a.refresh_from_db()
    assert cast.company_a.state == JourneyState.ELIGIBLE


def test_company_user_sees_its_company_without_the_journey_controls(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.users["company"])
    page = client.get(reverse("companies:company_detail", args=[cast.company_a.pk]))
    assert page.status_code == 200
    assert page.context["transitions"] == []
    assert page.context["contacts"] is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_managers_acting_at_once_move_the_firm_only_once(cast: Cast) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")
    company_id = cast.company_a.pk
    journey_apply(company=cast.company_a, transition="confirm_eligible", actor=None)
    barrier = threading.Barrier(4)
    outcomes: list[Any] = []

    def act() -> None:
        from django.db import connections

        company = Company.objects.get(pk=company_id)
        barrier.wait()
        try:
            journey_apply(company=company, transition="schedule_diagnostic", actor=None)
            outcomes.append("ok")
        except TransitionError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    assert AuditEvent.objects.filter(verb="journey.schedule_diagnostic").count() == 1
