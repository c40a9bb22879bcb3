"""Who may see and act on financing (design.md §2).

- national admins: everything; they alone set the budget and the envelopes, and record
  reversals (corrections of the ledger);
- steering viewers: the national consumption table, aggregates only (cells about fewer than
  `ESSOR_SMALL_COUNT_THRESHOLD` firms are hidden); nothing at the level of one firm;
- regional managers: the envelopes, requests and firms of their regions; they instruct and
  decide, record payments and close projects, and see the committee advice;
- company users: their own firm's requests and aid history; they file and submit requests;
- experts: the requests and aid history of the firms assigned to them (missions); they may
  file and submit requests for those firms;
- everyone else: nothing (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essor.accounts.perms import scope_of
from essor.companies.models import Company

from .enums import RequestStatus
from .models import FundingRequest


def assigned_company_ids(user: Any) -> QuerySet[Any]:
    """The firms an expert is assigned to (a mission accepted or done; not merely proposed)."""
    from essor.experts.enums import ASSIGNED_MISSION_STATUSES
    from essor.experts.models import Mission

    if not getattr(user, "is_authenticated", False):
        return Mission.objects.none().values("company_id")
    return Mission.objects.filter(
        expert__user_id=user.pk,
        expert__status="referenced",  # a suspended expert loses access until reinstated
        status__in=ASSIGNED_MISSION_STATUSES,
    ).values("company_id")


def is_assigned_expert(user: Any, company: Company) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return assigned_company_ids(user).filter(company_id=company.pk).exists()


def can_file_request(user: Any, company: Company) -> bool:
    """File and submit a request: a user of the firm, or its assigned expert."""
    return company.pk in scope_of(user).company_ids or is_assigned_expert(user, company)


def can_edit_request(user: Any, request: FundingRequest, *, can_file: bool | None = None) -> bool:
    """Change a draft: whoever may file for the firm (`can_file`, when the caller already
    knows it)."""
    if request.status != RequestStatus.DRAFT:
        return False
    return can_file if can_file is not None else can_file_request(user, request.company)


def can_instruct(user: Any, region_id: int) -> bool:
    """Instruct and decide, record payments, close: a national admin or a manager of the
    region."""
    scope = scope_of(user)
    return scope.is_national_admin or region_id in scope.region_ids


def can_view_consumption(user: Any) -> bool:
    scope = scope_of(user)
    return scope.sees_national or scope.is_regional_manager


def sees_firms(user: Any) -> bool:
    """Company-level figures: never for a steering viewer (aggregates only)."""
    scope = scope_of(user)
    return scope.is_national_admin or scope.is_regional_manager


def can_manage_envelopes(user: Any) -> bool:
    """Set the budget and the envelopes, reverse ledger entries: national admins."""
    return scope_of(user).is_national_admin


def can_declare_aid(user: Any, company: Company) -> bool:
    return can_file_request(user, company) or can_instruct(user, company.region_id)
