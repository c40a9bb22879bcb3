"""Reads of territories and organisations, always scoped by the acting user."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from essor.accounts.models import Membership
from essor.accounts.perms import can_manage_region, scope_of

from .models import Department, Organisation, Region


def region_list(*, user: Any) -> QuerySet[Region]:
    """Regions are public reference data."""
    return Region.objects.annotate(department_count=Count("departments")).order_by("name")


def region_get(*, user: Any, code: str) -> Region:
    return get_object_or_404(Region, code=code)


def department_list(*, user: Any, region: Region | None = None) -> QuerySet[Department]:
    qs = Department.objects.select_related("region").order_by("code")
    return qs.filter(region=region) if region is not None else qs


def department_get(*, user: Any, code: str) -> Department:
    return get_object_or_404(Department.objects.select_related("region"), code=code)


def organisation_list(*, user: Any) -> QuerySet[Organisation]:
    """Organisations the user may see.

    National admins and steering viewers: all. Regional managers: those of their regions
    and the national ones. Everyone else: the organisations they belong to.
    """
    scope = scope_of(user)
    qs = Organisation.objects.select_related("region").order_by("name")
    if scope.sees_national:
        return qs
    visible = Q(pk__in=scope.organisation_ids)
    if scope.is_regional_manager:
        visible |= Q(region_id__in=scope.region_ids) | Q(region__isnull=True)
    return qs.filter(visible)


def organisation_get(*, user: Any, pk: int) -> Organisation:
    """The organisation, or 404 when it is outside the user's scope."""
    return get_object_or_404(organisation_list(user=user), pk=pk)


def region_team(*, user: Any, region: Region) -> QuerySet[Membership]:
    """The people holding a role in a region: for its managers and national admins only."""
    if not can_manage_region(user, region.pk):
        raise Http404
    return (
        Membership.objects.filter(Q(region=region) | Q(organisation__region=region))
        .select_related("user", "organisation")
        .order_by("role", "user__full_name")
    )
