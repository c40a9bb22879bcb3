"""Who may see and act on companies (design.md §2).

- national admins: every company; regional managers: the companies of their regions;
- company users: their own company; experts: the companies assigned to them (missions);
- steering viewers: no company-level data, aggregates only.
"""

from __future__ import annotations

from typing import Any

from essor.accounts.perms import scope_of

from .models import Company


def can_manage_company(user: Any, company: Company) -> bool:
    """Edit the record and move the journey: national admin or manager of its region."""
    scope = scope_of(user)
    return scope.is_national_admin or company.region_id in scope.region_ids


def can_see_contacts(user: Any, company: Company) -> bool:
    """Contacts are personal data: the company itself and those who manage it."""
    return can_manage_company(user, company) or company.pk in scope_of(user).company_ids


def can_list_companies(user: Any) -> bool:
    scope = scope_of(user)
    return scope.is_national_admin or scope.is_regional_manager


def can_import_companies(user: Any) -> bool:
    return can_list_companies(user)
