"""Who may do what. Every view, API operation and selector asks these predicates.

A user's scope is computed once per request from their memberships (design.md §2):
national admins see everything; steering viewers see national aggregates and reference
data, never personal data; regional managers act within their region(s); the other roles
see only the objects attached to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .enums import Role


@dataclass(frozen=True)
class Scope:
    roles: frozenset[str]
    region_ids: frozenset[int]
    organisation_ids: frozenset[int]
    company_ids: frozenset[int] = frozenset()

    @property
    def is_national_admin(self) -> bool:
        return Role.NATIONAL_ADMIN in self.roles

    @property
    def is_steering_viewer(self) -> bool:
        return Role.STEERING_VIEWER in self.roles

    @property
    def sees_national(self) -> bool:
        """National admins and steering viewers work on the whole country."""
        return self.is_national_admin or self.is_steering_viewer

    @property
    def is_regional_manager(self) -> bool:
        return Role.REGIONAL_MANAGER in self.roles

    def has_role(self, role: str) -> bool:
        return role in self.roles


EMPTY_SCOPE = Scope(frozenset(), frozenset(), frozenset())
_CACHE_ATTR = "_essor_scope"


def scope_of(user: Any) -> Scope:
    """The user's roles and scope, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    roles: set[str] = set()
    regions: set[int] = set()
    organisations: set[int] = set()
    companies: set[int] = set()
    for role, region_id, organisation_id, company_id in user.memberships.values_list(
        "role", "region_id", "organisation_id", "company_id"
    ):
        roles.add(role)
        if role == Role.REGIONAL_MANAGER and region_id is not None:
            regions.add(region_id)
        if organisation_id is not None:
            organisations.add(organisation_id)
        if role == Role.COMPANY_USER and company_id is not None:
            companies.add(company_id)
    scope = Scope(
        frozenset(roles), frozenset(regions), frozenset(organisations), frozenset(companies)
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after memberships change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def can_view_programme(user: Any) -> bool:
    """Programme objectives and national figures: national admins and steering viewers."""
    return scope_of(user).sees_national


def can_manage_region(user: Any, region_id: int) -> bool:
    """A national admin, or a regional manager of this region."""
    scope = scope_of(user)
    return scope.is_national_admin or region_id in scope.region_ids


def can_view_people(user: Any) -> bool:
    """Lists of people (members, contacts) are personal data: never for steering viewers."""
    scope = scope_of(user)
    return scope.is_national_admin or scope.is_regional_manager
