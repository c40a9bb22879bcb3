"""Action plans in the API (read only): the same scoped selectors as the pages, so a plan
outside the caller's scope is a 404. Changes go through the pages' workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema

from essor.actionplans import selectors
from essor.actionplans.enums import PlanStatus
from essor.actionplans.models import ActionPlan

router = Router(tags=["action plans"])


class ActionOut(Schema):
    id: int
    order: int
    dimension_id: str
    technology_family: str
    title: str
    description: str
    estimated_cost_cents: int | None
    start_date: dt.date | None
    end_date: dt.date | None
    owner: str
    kpi_effects: list[str]
    status: str
    progress: int
    late: bool = Field(..., description="Not done nor abandoned, and its end date is past")

    @staticmethod
    def resolve_late(obj: Any) -> bool:
        return bool(obj.is_late_on(timezone.localdate()))


class SummaryOut(Schema):
    actions: int
    total_cost_cents: int
    done: int
    in_progress: int
    planned: int
    abandoned: int
    late: int
    progress: int


class PlanOut(Schema):
    id: int
    reference: str
    company_id: int
    company_name: str = Field(..., alias="company.name")
    region: str = Field(..., alias="region.code")
    diagnostic_id: int
    status: str
    return_reason: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    company_validated_at: dt.datetime | None
    validated_at: dt.datetime | None
    actions: list[ActionOut]
    summary: SummaryOut

    @staticmethod
    def resolve_actions(obj: ActionPlan) -> list[Any]:
        return list(obj.actions.all())

    @staticmethod
    def resolve_summary(obj: ActionPlan) -> Any:
        return selectors.plan_summary(list(obj.actions.all()))


@router.get(
    "/action-plans",
    response=list[PlanOut],
    summary="Action plans within your scope",
)
def action_plan_list(request: HttpRequest, status: PlanStatus | None = None) -> list[ActionPlan]:
    qs = selectors.plan_list(user=request.user).prefetch_related("actions")
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("-created_at", "-pk")[:500])


@router.get(
    "/action-plans/{plan_id}",
    response=PlanOut,
    summary="One action plan with its actions (404 outside your scope)",
)
def action_plan_detail(request: HttpRequest, plan_id: int) -> ActionPlan:
    plans = selectors.plan_list(user=request.user).prefetch_related("actions")
    return get_object_or_404(plans, pk=plan_id)
