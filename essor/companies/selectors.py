"""Reads of companies, always scoped by the acting user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from essor.accounts.enums import Role
from essor.accounts.perms import scope_of

from .enums import JourneyState
from .models import Company

# After this many days in one open state a firm is flagged as stuck on the pipeline.
STUCK_AFTER_DAYS = {
    JourneyState.IDENTIFIED: 30,
    JourneyState.ELIGIBLE: 45,
    JourneyState.DIAGNOSTIC_SCHEDULED: 60,
    JourneyState.DIAGNOSED: 60,
    JourneyState.PLAN_VALIDATED: 90,
    JourneyState.FINANCING_REQUESTED: 90,
    JourneyState.FINANCING_GRANTED: 60,
    JourneyState.SUPPORT_UNDERWAY: 365,
    JourneyState.FOLLOW_UP: 450,
}


def company_list(*, user: Any) -> QuerySet[Company]:
    """The companies the user may see at the level of one firm."""
    scope = scope_of(user)
    qs = Company.objects.select_related("region", "department")
    if scope.is_national_admin:
        return qs
    visible = Q(pk__in=scope.company_ids)
    if scope.is_regional_manager:
        visible |= Q(region_id__in=scope.region_ids)
    if scope.has_role(Role.EXPERT):
        from essor.experts.selectors import expert_company_ids

        # Experts see the firms they are assigned to (a mission accepted or done), no others.
        visible |= Q(pk__in=expert_company_ids(user))
    return qs.filter(visible)


def company_get(*, user: Any, pk: int) -> Company:
    """The company, or 404 when it is outside the user's scope."""
    return get_object_or_404(company_list(user=user), pk=pk)


@dataclass(frozen=True)
class CompanyFilters:
    state: str = ""
    size_class: str = ""
    naf_division: str = ""
    department: str = ""
    region: str = ""
    q: str = ""
    stuck: bool = False
    since: dt.date | None = None
    expert: int | None = None


def stuck_condition(now: dt.datetime | None = None) -> Q:
    now = now or timezone.now()
    condition = Q(pk__in=[])
    for state, days in STUCK_AFTER_DAYS.items():
        condition |= Q(state=state, state_changed_at__lt=now - dt.timedelta(days=days))
    return condition


def company_filter(qs: QuerySet[Company], filters: CompanyFilters) -> QuerySet[Company]:
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.size_class:
        qs = qs.filter(size_class=filters.size_class)
    if filters.naf_division:
        qs = qs.filter(naf_division=filters.naf_division)
    if filters.department:
        qs = qs.filter(department__code=filters.department)
    if filters.region:
        qs = qs.filter(region__code=filters.region)
    if filters.since:
        qs = qs.filter(state_changed_at__date__gte=filters.since)
    if filters.q:
        digits = filters.q.replace(" ", "")
        qs = qs.filter(
            Q(name__icontains=filters.q) | Q(siren__startswith=digits)
            if digits.isdigit()
            else Q(name__icontains=filters.q)
        )
    if filters.stuck:
        qs = qs.filter(stuck_condition())
    if filters.expert:
        from essor.experts.selectors import expert_mission_company_ids

        qs = qs.filter(pk__in=expert_mission_company_ids(filters.expert))
    return qs


def pipeline_experts(*, user: Any) -> list[tuple[int, str]]:
    """The experts (id, name) with a mission at one of the firms the user can see.

    These are the choices of the pipeline's expert filter: a user never learns the name of an
    expert who only works outside their scope.
    """
    from essor.experts.selectors import experts_of_companies

    return experts_of_companies(company_list(user=user).values("pk"))


def state_counts(qs: QuerySet[Company]) -> dict[str, int]:
    """Number of companies per journey state (every state present, zero included)."""
    counts = dict.fromkeys(JourneyState.values, 0)
    for row in qs.order_by().values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    return counts
