"""Who may see and act on diagnostics (design.md §2).

- see one diagnostic: national admins; the regional managers of the company's region; the
  company's users; the expert assigned to it. Steering viewers never see one diagnostic
  (aggregates only), and an anonymous self-assessment is reachable only through the
  token kept in its visitor's session;
- answer (while it is a draft): for an expert diagnostic, the assigned expert — or, when
  no expert is assigned, a manager of the company; for a self-assessment linked to a
  firm, the firm's users and its managers;
- start an expert diagnostic: a manager of the company, or an expert with an accepted or
  finished diagnostic mission at the firm;
- validate or send back: a manager of the company (national admin or regional manager).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essor.accounts.enums import Role
from essor.accounts.perms import scope_of
from essor.companies.models import Company
from essor.companies.perms import can_manage_company
from essor.experts.enums import ASSIGNED_MISSION_STATUSES, ExpertStatus, MissionKind
from essor.experts.models import ExpertProfile, Mission
from essor.experts.selectors import expert_company_ids

from .enums import DiagnosticKind
from .models import Diagnostic


def is_active_expert(user: Any) -> bool:
    """Holds the expert role and, with a profile, is referenced: a suspended (or withdrawn)
    expert loses access to the firms and diagnostics they worked on until reinstated."""
    if not getattr(user, "is_authenticated", False) or not scope_of(user).has_role(Role.EXPERT):
        return False
    profile: ExpertProfile | None = getattr(user, "expert_profile", None)
    return profile is None or profile.is_referenced


def has_diagnostic_scope(user: Any) -> bool:
    """Roles that can hold a diagnostic-level scope at all (steering viewers cannot)."""
    scope = scope_of(user)
    return (
        scope.is_national_admin
        or scope.is_regional_manager
        or scope.has_role(Role.EXPERT)
        or bool(scope.company_ids)
    )


def _diagnostic_missions(user: Any) -> QuerySet[Mission, int]:
    """The firms where the user is the (referenced) expert of an accepted or done
    diagnostic mission: `expert_company_ids`, diagnostic missions only."""
    return expert_company_ids(user).filter(kind=MissionKind.DIAGNOSTIC)


def mission_company_ids(user: Any) -> set[int]:
    """The firms where the user is the expert of an accepted or done diagnostic mission."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(_diagnostic_missions(user))


def mission_expert_ids(company: Company) -> set[int]:
    """The users who are the expert of an accepted or done diagnostic mission at the firm."""
    # Only a referenced expert is assigned: a suspended one loses access until reinstated.
    missions = Mission.objects.filter(
        company=company,
        kind=MissionKind.DIAGNOSTIC,
        status__in=ASSIGNED_MISSION_STATUSES,
        expert__status=ExpertStatus.REFERENCED,
    )
    return set(missions.values_list("expert__user_id", flat=True))


def can_start_expert_diagnostic(user: Any, company: Company) -> bool:
    if can_manage_company(user, company):
        return True
    return (
        scope_of(user).has_role(Role.EXPERT)
        and _diagnostic_missions(user).filter(company_id=company.pk).exists()
    )


def can_start_self_assessment_for(user: Any, company: Company) -> bool:
    """A self-assessment recorded for a known firm: its users and its managers."""
    return can_manage_company(user, company) or company.pk in scope_of(user).company_ids


def can_fill(user: Any, diagnostic: Diagnostic) -> bool:
    """Change the answers, notes, targets and KPIs, and submit (drafts only)."""
    return diagnostic.is_draft and is_respondent(user, diagnostic)


def is_respondent(user: Any, diagnostic: Diagnostic) -> bool:
    """The one who answers this diagnostic (whatever its status now)."""
    if diagnostic.company is None:
        return False
    user_id = getattr(user, "pk", None)
    if diagnostic.kind == DiagnosticKind.EXPERT:
        if diagnostic.expert_id is not None:
            return diagnostic.expert_id == user_id
        return can_manage_company(user, diagnostic.company)
    return can_start_self_assessment_for(user, diagnostic.company)


def can_validate(user: Any, diagnostic: Diagnostic) -> bool:
    """Validate or send back a submitted expert diagnostic: a manager of the company."""
    return (
        diagnostic.kind == DiagnosticKind.EXPERT
        and diagnostic.company is not None
        and can_manage_company(user, diagnostic.company)
    )
