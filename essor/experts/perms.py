"""Who may see and act on experts, missions and matching (design.md §2).

- national admins: every expert, mission and region;
- regional managers: the experts based in or covering their regions; they decide the
  referencing of the experts based in their regions only, match the firms of their regions,
  and see missions, ratings and conflicts that concern their regions only;
- experts: their own profile and missions (accept, decline, mark done);
- company users: the missions at their company, which they rate once done;
- steering viewers and everyone else: nothing of this (personal data).
"""

from __future__ import annotations

from typing import Any

from essor.accounts.perms import can_manage_region, scope_of

from .models import ExpertProfile, Mission
from .workflow import EXPERT_ONLY


def can_decide_referencing(user: Any, expert: ExpertProfile) -> bool:
    """Referencing decisions: a national admin or a manager of the expert's home region."""
    return can_manage_region(user, expert.region_id)


def visible_region_ids(user: Any) -> frozenset[int] | None:
    """The regions whose missions, ratings and conflicts the user sees; None means all."""
    scope = scope_of(user)
    if scope.is_national_admin:
        return None
    return scope.region_ids


def can_act_on_mission(user: Any, mission: Mission, transition: str) -> bool:
    """Accept and decline: the mission's expert only. Mark as done: the expert, or a
    national admin or manager of the mission's region."""
    is_expert = mission.expert.user_id == getattr(user, "pk", None)
    if transition in EXPERT_ONLY:
        return is_expert
    return is_expert or can_manage_region(user, mission.region_id)


def can_rate_mission(user: Any, mission: Mission) -> bool:
    """Only a user of the firm rates a mission."""
    return mission.company_id in scope_of(user).company_ids
