"""Who may see and act on action plans (design.md §2).

- see a plan: national admins; the regional managers of the firm's region; the firm's
  users; the firm's expert — a referenced expert with an accepted or done mission at the
  firm, diagnostic or support (the support expert helps carry the plan out, and may file a
  funding request for it), or the expert who carried out the plan's diagnostic; a suspended
  expert loses access until reinstated. Steering viewers never see one plan
  (aggregates only); everyone else gets a 404;
- prepare it (create it from a validated diagnostic, add, change and remove actions,
  submit it) while it is a draft or returned: the firm's users, its expert, national admins;
- validate it for the firm: the firm's users (or a national admin acting for the firm);
- validate it as the region: a national admin or a manager of the firm's region;
- return it for changes: whoever may take its next validation step;
- report the progress of its actions once validated: the firm's users, its expert,
  national admins.
"""

from __future__ import annotations

from typing import Any

from essor.accounts.perms import scope_of
from essor.companies.models import Company
from essor.companies.perms import can_manage_company
from essor.diagnostics.models import Diagnostic
from essor.diagnostics.perms import is_active_expert
from essor.funding.perms import is_assigned_expert

from .enums import PlanStatus
from .models import ActionPlan


def is_firm_user(user: Any, company: Company) -> bool:
    return company.pk in scope_of(user).company_ids


def is_firm_expert(user: Any, company: Company, diagnostic: Diagnostic | None = None) -> bool:
    """The expert of an accepted or done diagnostic mission at the firm, or of the diagnostic."""
    if not is_active_expert(user):  # suspended or withdrawn: no access until reinstated
        return False
    if diagnostic is not None and diagnostic.expert_id == getattr(user, "pk", None):
        return True
    return is_assigned_expert(user, company)


def _builds(user: Any, company: Company, diagnostic: Diagnostic | None) -> bool:
    return (
        scope_of(user).is_national_admin
        or is_firm_user(user, company)
        or is_firm_expert(user, company, diagnostic)
    )


def can_create_plan(user: Any, diagnostic: Diagnostic) -> bool:
    """Build a plan from this diagnostic (the caller checks that it is validated)."""
    return diagnostic.company is not None and _builds(user, diagnostic.company, diagnostic)


def can_edit_plan(user: Any, plan: ActionPlan) -> bool:
    """Add, change, remove actions and submit: drafts and returned plans only."""
    return plan.is_editable and _builds(user, plan.company, plan.diagnostic)


def can_company_validate(user: Any, plan: ActionPlan) -> bool:
    return plan.status == PlanStatus.SUBMITTED and (
        is_firm_user(user, plan.company) or scope_of(user).is_national_admin
    )


def can_manager_validate(user: Any, plan: ActionPlan) -> bool:
    return plan.status == PlanStatus.COMPANY_VALIDATED and can_manage_company(user, plan.company)


def can_return(user: Any, plan: ActionPlan) -> bool:
    return can_company_validate(user, plan) or can_manager_validate(user, plan)


def can_report_progress(user: Any, plan: ActionPlan) -> bool:
    return plan.is_validated and _builds(user, plan.company, plan.diagnostic)


def can_list_awaiting(user: Any) -> bool:
    """The list of plans waiting for the region's validation: managers."""
    scope = scope_of(user)
    return scope.is_national_admin or scope.is_regional_manager
