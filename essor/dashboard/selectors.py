"""Programme objectives and the figures measured against them so far."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from essor.accounts.perms import can_view_programme
from essor.companies.rules import EligibilityPolicy
from essor.territories.enums import OrganisationKind
from essor.territories.models import Organisation

from .models import Objective, Programme


@dataclass(frozen=True)
class ObjectiveRow:
    objective: Objective
    measured: int | None  # None: the platform does not measure it yet

    @property
    def percent(self) -> int | None:
        if self.measured is None or not self.objective.target:
            return None
        return round(100 * self.measured / self.objective.target)


def _measure(key: str) -> int | None:
    """The live figure for an objective, from the platform's own records.

    Only objectives whose records exist in the platform are measured; the others say so
    rather than show a made-up number.
    """
    if key == "regions-engaged":
        return Organisation.objects.filter(
            kind=OrganisationKind.REGIONAL_PLATFORM, is_active=True
        ).count()
    return None


def programme_progress(*, user: Any) -> tuple[Programme, list[ObjectiveRow]]:
    if not can_view_programme(user):
        raise Http404
    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        raise Http404
    rows = [ObjectiveRow(obj, _measure(obj.key)) for obj in programme.objectives.all()]
    return programme, rows


def eligibility_policy() -> EligibilityPolicy:
    """The programme's eligibility rules; engaged regions are those with an active platform."""
    programme = Programme.objects.order_by("pk").first()
    regions = Organisation.objects.filter(
        kind=OrganisationKind.REGIONAL_PLATFORM, is_active=True
    ).values_list("region__code", flat=True)
    if programme is None:
        return EligibilityPolicy(region_codes=frozenset(regions))
    return EligibilityPolicy(
        size_classes=frozenset(programme.eligible_size_classes),
        naf_sections=frozenset(programme.eligible_naf_sections),
        naf_divisions=frozenset(programme.eligible_naf_divisions),
        region_codes=frozenset(r for r in regions if r),
    )
