"""Targets of the permission matrix for action plans: the plan of company_a (own: its
diagnostic was carried out by the cast's expert) or of company_b (foreign: no expert)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from essor.actionplans import services
from essor.actionplans.models import ActionPlan
from essor.diagnostics.models import Diagnostic
from tests.conftest import Cast

from .helpers import complete, diagnosed

Kwargs = Callable[[Cast, str, str], dict[str, Any]]


def _diagnostic(cast: Cast, target: str) -> Diagnostic:
    own = target in ("own", "company_a")
    company = cast.company_a if own else cast.company_b
    return diagnosed(company, expert=cast.users["expert"] if own else None)


def fresh_plan(cast: Cast, target: str, status: str = "draft") -> ActionPlan:
    """A new plan of the target firm in `status` (an earlier one is removed): the matrix
    acts on it once per actor."""
    diagnostic = _diagnostic(cast, target)
    for old in ActionPlan.objects.filter(diagnostic=diagnostic):
        old.delete()
    plan = services.plan_create(diagnostic=diagnostic, actor=None)
    if status == "draft":
        return plan
    for action in plan.actions.all():
        complete(action)
    services.plan_submit(plan=plan, actor=None)
    if status in ("company_validated", "validated"):
        services.plan_company_validate(plan=plan, actor=None)
    if status == "validated":
        services.plan_validate(plan=plan, actor=None)
    return plan


def plan(name: str = "pk", status: str = "draft", action: bool = False) -> Kwargs:
    def kwargs(cast: Cast, target: str, actor: str) -> dict[str, Any]:
        made = fresh_plan(cast, target, status)
        result: dict[str, Any] = {name: made.pk}
        if action:
            first = made.actions.order_by("order", "pk").first()
            assert first is not None
            result["action_pk"] = first.pk
        return result

    return kwargs


def diagnostic(name: str) -> Kwargs:
    """The target firm's validated diagnostic, with no plan yet."""

    def kwargs(cast: Cast, target: str, actor: str) -> dict[str, Any]:
        found = _diagnostic(cast, target)
        for old in ActionPlan.objects.filter(diagnostic=found):
            old.delete()
        return {name: found.pk}

    return kwargs


def firm(name: str) -> Kwargs:
    """The target firm, with a plan (so that its expert is the expert of its diagnostic)."""

    def kwargs(cast: Cast, target: str, actor: str) -> dict[str, Any]:
        return {name: fresh_plan(cast, target).company_id}

    return kwargs
