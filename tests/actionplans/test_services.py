"""Action plans through their services: built from the diagnostic's priorities, edited,
validated by the firm then the region (which moves the journey), followed action by action."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from essor.actionplans import services
from essor.actionplans.enums import ActionStatus, PlanStatus
from essor.actionplans.models import Action, ActionPlan
from essor.actionplans.selectors import plan_summary
from essor.actionplans.workflow import PlanError, WorkflowError
from essor.companies.enums import JourneyState
from essor.companies.journey import (
    TRANSITIONS,
    TransitionError,
    blocking_reasons,
    journey_apply,
)
from essor.core.models import AuditEvent
from essor.core.services import audit_trail
from essor.diagnostics.scoring import raw_scores
from essor.diagnostics.services import targets_of
from essor.referentiel.prioritisation import prioritise
from tests.conftest import Cast
from tests.diagnostics.helpers import EXAMPLE_ANSWERS, expert_diagnostic, validated_diagnostic
from tests.funding.helpers import at_state

from .helpers import START, complete, draft_plan, ready_plan, validated_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# Answers reaching different levels on four dimensions, so that the ranking has an order.
ANSWERS = {
    **EXAMPLE_ANSWERS,
    "feuille-de-route-q1": {"level": 1},
    "automatisation-robotique-q1": {"level": 4},
}


def data_of(action: Action, **changes: object) -> services.ActionData:
    values = {
        "dimension_id": action.dimension_id,
        "title": action.title,
        "technology_family": action.technology_family,
        "description": action.description,
        "estimated_cost_cents": action.estimated_cost_cents,
        "start_date": action.start_date,
        "end_date": action.end_date,
        "owner": action.owner,
        "kpi_effects": tuple(action.kpi_effects),
        **changes,
    }
    return services.ActionData(**values)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- creation


def test_the_plan_is_prefilled_with_one_action_per_top_priority(cast: Cast) -> None:
    diagnostic = validated_diagnostic(cast.company_a, answers=ANSWERS)
    plan = services.plan_create(diagnostic=diagnostic, actor=cast.users["expert"])
    ref = diagnostic.referentiel.parsed
    expected = prioritise(
        ref, raw_scores(ref, diagnostic.answers).dimensions, targets_of(diagnostic), []
    ).top(services.TOP_ACTIONS)
    actions = list(plan.actions.all())
    assert len(expected) >= 2  # the example has gaps on several dimensions
    assert [a.dimension_id for a in actions] == [p.dimension_id for p in expected]
    # The ranking itself, written out (not recomputed): the roadmap answered at level 1 first.
    assert [a.dimension_id for a in actions] == [
        "feuille-de-route",
        "automatisation-robotique",
        "efficacite-energetique",
        "ressources-circularite",
    ]
    assert [a.order for a in actions] == list(range(1, len(expected) + 1))
    dimensions = {d.id: d for d in ref.dimensions}
    for action, priority in zip(actions, expected, strict=True):
        dimension = dimensions[priority.dimension_id]
        assert action.technology_family == next(iter(priority.technologies), "")
        assert action.title == dimension.title["en"]
        assert f"Reach level {priority.target_level}" in action.description
        assert action.kpi_effects == [k.id for k in ref.kpis if dimension.impacts.get(k.id, 0) > 0]
        assert action.status == ActionStatus.PLANNED and action.progress == 0
        assert action.estimated_cost_cents is None and action.start_date is None
    assert any(a.technology_family for a in actions)
    assert plan.status == PlanStatus.DRAFT and plan.region == cast.company_a.region
    (event,) = audit_trail(plan)
    assert event.verb == "actionplan.create" and event.actor == cast.users["expert"]
    assert event.after["dimensions"] == [p.dimension_id for p in expected]


def test_a_plan_needs_a_validated_expert_diagnostic_and_only_one_per_diagnostic(
    cast: Cast,
) -> None:
    draft = expert_diagnostic(cast.company_a)
    with pytest.raises(PlanError, match="needs a validated diagnostic"):
        services.plan_create(diagnostic=draft, actor=None)
    draft.delete()
    diagnostic = validated_diagnostic(cast.company_a)
    services.plan_create(diagnostic=diagnostic, actor=None)
    with pytest.raises(PlanError, match="already has its action plan"):
        services.plan_create(diagnostic=diagnostic, actor=None)
    assert ActionPlan.objects.count() == 1


def test_a_firm_that_left_the_programme_gets_no_new_plan(cast: Cast) -> None:
    diagnostic = validated_diagnostic(cast.company_a)
    at_state(cast.company_a, JourneyState.WITHDRAWN)
    diagnostic.company.refresh_from_db()
    with pytest.raises(PlanError, match="no new action plan"):
        services.plan_create(diagnostic=diagnostic, actor=None)


# ----------------------------------------------------------------------------- actions


def test_action_guards_name_the_field(cast: Cast) -> None:
    plan = draft_plan(cast.company_a)
    action = plan.actions.first()
    assert action is not None
    cases = {
        "end_date": data_of(action, start_date=START, end_date=START - dt.timedelta(days=1)),
        "estimated_cost_cents": data_of(action, estimated_cost_cents=-100),
        "kpi_effects": data_of(action, kpi_effects=("cost", "happiness")),
        "technology_family": data_of(action, technology_family="teleportation"),
        "dimension_id": data_of(action, dimension_id="nowhere"),
        "title": data_of(action, title="   "),
        "owner": data_of(action, owner="x" * 201),
        "start_date": data_of(action, start_date=dt.date(1203, 1, 1), end_date=None),
    }
    messages = {
        "owner": "“Owner” has at most 200 characters",
        "start_date": "a year from 2000 to 2100",
        "end_date": "“End” is before “Start”",
        "estimated_cost_cents": "“Estimated cost (€)” cannot be negative",
        "kpi_effects": "unknown KPI happiness",
        "technology_family": "unknown technology family",
        "dimension_id": "choose a dimension",
        "title": "“Title” is required",
    }
    for field, data in cases.items():
        with pytest.raises(services.ActionInvalid) as refused:
            services.action_update(action=action, actor=None, data=data)
        assert list(refused.value.errors) == [field]
        assert messages[field] in refused.value.errors[field]
    action.refresh_from_db()
    assert action.start_date is None and action.estimated_cost_cents is None


def test_actions_are_added_changed_and_removed_while_prepared_and_audited(cast: Cast) -> None:
    plan = draft_plan(cast.company_a)
    before = plan.actions.count()
    first = plan.actions.first()
    assert first is not None
    added = services.action_add(
        plan=plan,
        actor=cast.users["company"],
        data=data_of(first, title="Formation des chefs d'équipe", kpi_effects=("safety", "cost")),
    )
    assert added.order == before + 1
    assert added.kpi_effects == ["cost", "safety"]  # référentiel order
    complete(added, cost_euros=12_500)
    added.refresh_from_db()
    assert added.estimated_cost_cents == 1_250_000
    services.action_remove(action=first, actor=cast.users["expert"])
    assert plan.actions.count() == before
    verbs = [e.verb for e in audit_trail(plan)]
    assert verbs == [
        "actionplan.create",
        "actionplan.action.add",
        "actionplan.action.update",
        "actionplan.action.remove",
    ]
    removed = AuditEvent.objects.get(verb="actionplan.action.remove")
    assert removed.actor == cast.users["expert"] and removed.before["title"] == first.title


def test_actions_are_frozen_once_the_plan_is_submitted(cast: Cast) -> None:
    plan = ready_plan(cast.company_a)
    services.plan_submit(plan=plan, actor=None)
    action = plan.actions.first()
    assert action is not None
    with pytest.raises(PlanError, match="only while it is prepared"):
        services.action_update(action=action, actor=None, data=data_of(action, title="Autre"))
    with pytest.raises(PlanError, match="only while it is prepared"):
        services.action_remove(action=action, actor=None)


def test_the_database_refuses_incoherent_actions(cast: Cast) -> None:
    plan = draft_plan(cast.company_a)
    bad = [
        {"start_date": START, "end_date": START - dt.timedelta(days=1)},
        {"estimated_cost_cents": -1},
        {"progress": 101},
    ]
    for values in bad:
        with pytest.raises(IntegrityError), transaction.atomic():
            Action.objects.create(plan=plan, dimension_id="x", title="x", **values)


# ----------------------------------------------------------------------------- workflow


def test_submitting_needs_cost_dates_and_owner_of_every_action(cast: Cast) -> None:
    plan = draft_plan(cast.company_a)
    first, *others = plan.actions.all()
    for action in others:
        complete(action)
    with pytest.raises(PlanError) as refused:
        services.plan_submit(plan=plan, actor=None)
    message = str(refused.value)
    assert f"Action 1 “{first.title}”" in message
    for label in ("Estimated cost (€)", "Start", "End", "Owner"):
        assert label in message
    assert "Action 2" not in message
    assert "cents" not in message  # the form's label, not the model's
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    for action in plan.actions.all():
        services.action_remove(action=action, actor=None)
    with pytest.raises(PlanError, match="at least one action"):
        services.plan_submit(plan=plan, actor=None)


def test_the_firm_then_the_region_validate_and_the_journey_moves(cast: Cast) -> None:
    company = cast.company_a
    at_state(company, JourneyState.DIAGNOSTIC_SCHEDULED)
    plan = ready_plan(company)  # its diagnostic's validation took "record_diagnosis"
    company.refresh_from_db()
    assert company.state == JourneyState.DIAGNOSED
    services.plan_submit(plan=plan, actor=cast.users["expert"])
    with pytest.raises(WorkflowError, match="while the plan is “Submitted to the firm”"):
        services.plan_validate(plan=plan, actor=cast.users["manager_a"])
    services.plan_company_validate(plan=plan, actor=cast.users["company"])
    services.plan_validate(plan=plan, actor=cast.users["manager_a"])
    plan.refresh_from_db()
    company.refresh_from_db()
    assert plan.status == PlanStatus.VALIDATED
    assert plan.company_validated_by == cast.users["company"] and plan.company_validated_at
    assert plan.validated_by == cast.users["manager_a"] and plan.validated_at
    assert company.state == JourneyState.PLAN_VALIDATED
    journey = AuditEvent.objects.get(verb="journey.validate_plan")
    assert journey.actor == cast.users["manager_a"] and plan.reference in journey.reason
    assert [e.verb for e in audit_trail(plan)][-3:] == [
        "actionplan.submit",
        "actionplan.company_validate",
        "actionplan.validate",
    ]


def test_the_diagnostics_guard_still_holds_on_the_journey(cast: Cast) -> None:
    company = at_state(cast.company_a, JourneyState.DIAGNOSED)
    reasons = blocking_reasons(company, TRANSITIONS["validate_plan"])
    assert any("no validated expert diagnostic" in r for r in reasons)
    with pytest.raises(TransitionError, match="no validated expert diagnostic"):
        journey_apply(company=company, transition="validate_plan", actor=None, by_system=True)


def test_a_firm_further_along_keeps_its_step(cast: Cast) -> None:
    plan = ready_plan(cast.company_a)
    at_state(cast.company_a, JourneyState.SUPPORT_UNDERWAY)
    services.plan_submit(plan=plan, actor=None)
    services.plan_company_validate(plan=plan, actor=None)
    services.plan_validate(plan=plan, actor=None)
    cast.company_a.refresh_from_db()
    assert cast.company_a.state == JourneyState.SUPPORT_UNDERWAY
    assert not AuditEvent.objects.filter(verb="journey.validate_plan").exists()


def test_a_withdrawn_firm_gets_no_validated_plan(cast: Cast) -> None:
    plan = ready_plan(cast.company_a)
    services.plan_submit(plan=plan, actor=None)
    services.plan_company_validate(plan=plan, actor=None)
    at_state(cast.company_a, JourneyState.WITHDRAWN)
    plan.company.refresh_from_db()
    with pytest.raises(PlanError, match="can no longer be validated"):
        services.plan_validate(plan=plan, actor=None)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPANY_VALIDATED


def test_returned_for_changes_with_a_reason_then_edited_and_submitted_again(cast: Cast) -> None:
    plan = ready_plan(cast.company_a)
    services.plan_submit(plan=plan, actor=None)
    services.plan_company_validate(plan=plan, actor=None)
    with pytest.raises(WorkflowError, match="A reason is required"):
        services.plan_return(plan=plan, actor=cast.users["manager_a"], reason="  ")
    services.plan_return(plan=plan, actor=cast.users["manager_a"], reason="Chiffrer la formation")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED and plan.return_reason == "Chiffrer la formation"
    assert plan.is_editable
    action = plan.actions.first()
    assert action is not None
    services.action_update(action=action, actor=None, data=data_of(action, owner="DAF"))
    services.plan_submit(plan=plan, actor=None)
    assert plan.status == PlanStatus.SUBMITTED
    event = AuditEvent.objects.get(verb="actionplan.return")
    assert event.reason == "Chiffrer la formation" and event.actor == cast.users["manager_a"]


# ----------------------------------------------------------------------------- progress


def test_progress_is_reported_once_validated_and_stays_coherent(cast: Cast) -> None:
    draft = ready_plan(cast.company_b)
    action = draft.actions.first()
    assert action is not None
    with pytest.raises(PlanError, match="once the plan is validated"):
        services.action_progress_set(action=action, actor=None, status="in_progress", progress=10)
    plan = validated_plan(cast.company_a)
    action = plan.actions.first()
    assert action is not None
    with pytest.raises(services.ActionInvalid) as refused:
        services.action_progress_set(action=action, actor=None, status="planned", progress=20)
    assert "“Progress (%)”" in refused.value.errors["progress"]
    with pytest.raises(services.ActionInvalid):
        services.action_progress_set(action=action, actor=None, status="in_progress", progress=120)
    services.action_progress_set(
        action=action, actor=cast.users["company"], status="in_progress", progress=40
    )
    action.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", 40)
    services.action_progress_set(action=action, actor=None, status="done", progress=60)
    action.refresh_from_db()
    assert (action.status, action.progress) == ("done", 100)
    event = AuditEvent.objects.filter(verb="actionplan.action.progress").first()
    assert event is not None and event.after == {
        "action": action.pk,
        "status": "done",
        "progress": 100,
    }


# ----------------------------------------------------------------------------- late


def test_late_means_not_finished_and_past_its_end(cast: Cast) -> None:
    plan = validated_plan(cast.company_a)
    today = START + dt.timedelta(days=200)  # every helper action ends at START + 120 days
    actions = list(plan.actions.all())
    assert len(actions) >= 2
    first, second = actions[0], actions[1]
    assert all(a.is_late_on(today) for a in actions)
    assert not first.is_late_on(START + dt.timedelta(days=120))  # due today: not late yet
    services.action_progress_set(action=first, actor=None, status="done", progress=100)
    services.action_progress_set(action=second, actor=None, status="abandoned", progress=30)
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.is_late_on(today) and not second.is_late_on(today)
    late = Action.objects.filter(plan=plan).late(today)
    assert set(late.values_list("pk", flat=True)) == {a.pk for a in actions[2:]}
    summary = plan_summary(list(plan.actions.all()), today)
    assert summary.done == 1 and summary.abandoned == 1
    assert summary.late == len(actions) - 2
    assert summary.total_cost_cents == 20_000_00 * len(actions)
    # abandoned actions do not weigh in the mean progress
    assert summary.progress == round(100 / (len(actions) - 1))


def test_the_steps_before_diagnosed_follow_the_journey_order() -> None:
    assert {
        JourneyState.IDENTIFIED,
        JourneyState.ELIGIBLE,
        JourneyState.DIAGNOSTIC_SCHEDULED,
    } == services.BEFORE_DIAGNOSED
