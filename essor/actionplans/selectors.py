"""Reads of action plans, always scoped by the acting user (see `perms.py` for the rules)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from essor.accounts.perms import scope_of
from essor.companies.models import Company
from essor.diagnostics.enums import DiagnosticKind, DiagnosticStatus
from essor.diagnostics.models import Diagnostic
from essor.diagnostics.perms import is_active_expert
from essor.funding.perms import assigned_company_ids as assigned_firms

from .enums import ActionStatus, PlanStatus
from .models import Action, ActionPlan
from .perms import can_create_plan


def _visible(
    user: Any, company_field: str, diagnostic_expert_field: str | None, region_field: str
) -> Q | None:
    """The filter of what the user may see; None means everything (national admins).

    A manager's scope follows the firm's current region (`region_field`), so that a firm
    moved to another region takes its plans with it."""
    scope = scope_of(user)
    if scope.is_national_admin:
        return None
    visible = Q(**{f"{company_field}__in": list(scope.company_ids)})
    if scope.is_regional_manager:
        visible |= Q(**{f"{region_field}__in": list(scope.region_ids)})
    if is_active_expert(user):  # a suspended expert sees no plan until reinstated
        visible |= Q(**{f"{company_field}__in": assigned_firms(user)})
        if diagnostic_expert_field:
            visible |= Q(**{diagnostic_expert_field: user.pk})
    return visible


def plan_list(*, user: Any) -> QuerySet[ActionPlan]:
    """The plans the user may see one by one."""
    qs = ActionPlan.objects.select_related(
        "company",
        "region",
        "diagnostic__referentiel",
        "validated_by",
        "company_validated_by",
    )
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    visible = _visible(user, "company_id", "diagnostic__expert_id", "company__region_id")
    return qs if visible is None else qs.filter(visible)


def plan_get(*, user: Any, pk: int) -> ActionPlan:
    """The plan, or 404 when it is outside the user's scope."""
    return get_object_or_404(plan_list(user=user), pk=pk)


def plan_company_list(*, user: Any) -> QuerySet[Company]:
    """The firms whose plans the user may see (the same rule as `plan_list`)."""
    qs = Company.objects.select_related("region")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    visible = _visible(user, "pk", "diagnostics__expert_id", "region_id")
    return qs if visible is None else qs.filter(visible).distinct()


def plan_company_get(*, user: Any, pk: int) -> Company:
    return get_object_or_404(plan_company_list(user=user), pk=pk)


def company_plans(*, user: Any, company: Company) -> QuerySet[ActionPlan]:
    return plan_list(user=user).filter(company=company).order_by("-created_at", "-pk")


def _in_managed_regions(qs: QuerySet[ActionPlan], user: Any) -> QuerySet[ActionPlan]:
    """`qs` narrowed to the firms of the user's regions: all of them for a national admin,
    those of the regions managed for a regional manager, none for anyone else. The region
    is the firm's current one (see `_visible`)."""
    scope = scope_of(user)
    if scope.is_national_admin:
        return qs
    if not scope.is_regional_manager:
        return qs.none()
    return qs.filter(company__region_id__in=list(scope.region_ids))


def plans_awaiting_validation(*, user: Any) -> QuerySet[ActionPlan]:
    """Plans the firm has validated, waiting for the region (a manager's work list)."""
    qs = ActionPlan.objects.select_related("company", "region", "diagnostic").filter(
        status=PlanStatus.COMPANY_VALIDATED
    )
    return _in_managed_regions(qs, user)


def plans_in_preparation(*, user: Any) -> QuerySet[ActionPlan]:
    """Plans of the manager's regions still with the firm (submitted or returned)."""
    qs = ActionPlan.objects.select_related("company", "region").filter(
        status__in=[PlanStatus.SUBMITTED, PlanStatus.RETURNED]
    )
    return _in_managed_regions(qs, user)


def plannable_diagnostics(company: Company) -> QuerySet[Diagnostic]:
    """The firm's validated expert diagnostics that have no plan yet."""
    return (
        Diagnostic.objects.filter(
            company=company,
            kind=DiagnosticKind.EXPERT,
            status=DiagnosticStatus.VALIDATED,
            action_plans__isnull=True,
        )
        .select_related("company")
        .order_by("-validated_at", "-pk")
    )


@dataclass(frozen=True)
class CompanyPlans:
    """The action plans of a firm as its pages list them."""

    plans: list[tuple[ActionPlan, int]]
    """The plans the user may see, newest first, each with its number of late actions."""
    buildable: list[Diagnostic]
    """The diagnostics without a plan that the user may build one from."""


def company_plan_rows(
    *, user: Any, company: Company, limit: int | None = None, buildable_limit: int | None = None
) -> CompanyPlans:
    """The firm's plans (at most `limit`) and the diagnostics the user may build a plan from
    (at most `buildable_limit`: the search stops there): the company plans page and the
    action-plan section of the company page."""
    visible = company_plans(user=user, company=company)
    plans = list(visible if limit is None else visible[:limit])
    late = late_counts([p.pk for p in plans])
    buildable: list[Diagnostic] = []
    for diagnostic in plannable_diagnostics(company):
        if buildable_limit is not None and len(buildable) >= buildable_limit:
            break
        if can_create_plan(user, diagnostic):
            buildable.append(diagnostic)
    return CompanyPlans(plans=[(plan, late.get(plan.pk, 0)) for plan in plans], buildable=buildable)


def validated_plans(company: Company, *, user: Any = None) -> QuerySet[ActionPlan]:
    """The firm's validated plans (what a funding request may finance). With `user`, only
    those the user may open (a funding form never shows a plan its viewer cannot see); the
    demo and the services, acting for the system, pass no user."""
    qs = ActionPlan.objects.filter(company=company, status=PlanStatus.VALIDATED)
    if user is not None:
        qs = qs.filter(pk__in=plan_list(user=user).values("pk"))
    return qs.select_related("company").order_by("-validated_at", "-pk")


@dataclass(frozen=True)
class PlanSummary:
    """What the plan page shows at the top: totals and counts (late is computed today)."""

    actions: int
    total_cost_cents: int
    done: int
    in_progress: int
    planned: int
    abandoned: int
    late: int
    progress: int
    """Mean progress of the actions not abandoned, in whole percent."""


def plan_summary(actions: list[Action], today: dt.date | None = None) -> PlanSummary:
    today = today or timezone.localdate()
    counted = [a for a in actions if a.status != ActionStatus.ABANDONED]
    progress = round(sum(a.progress for a in counted) / len(counted)) if counted else 0
    return PlanSummary(
        actions=len(actions),
        total_cost_cents=sum(a.estimated_cost_cents or 0 for a in actions),
        done=sum(a.status == ActionStatus.DONE for a in actions),
        in_progress=sum(a.status == ActionStatus.IN_PROGRESS for a in actions),
        planned=sum(a.status == ActionStatus.PLANNED for a in actions),
        abandoned=sum(a.status == ActionStatus.ABANDONED for a in actions),
        late=sum(a.is_late_on(today) for a in actions),
        progress=progress,
    )


def late_counts(plan_ids: list[int], today: dt.date | None = None) -> dict[int, int]:
    """Late actions per plan, in one query (list pages)."""
    from django.db.models import Count

    rows = (
        Action.objects.filter(plan_id__in=plan_ids)
        .late(today)
        .values("plan_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["plan_id"]: row["n"] for row in rows}
