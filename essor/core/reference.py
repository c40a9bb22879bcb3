"""Loads the reference data shipped in the package into the database (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

from essor.dashboard.services import programme_load_default
from essor.territories.services import reference_territories_load


@dataclass(frozen=True)
class ReferenceLoadResult:
    regions: int
    departments: int
    programme: str
    referentiels: tuple[str, ...] = ()


def reference_data_load() -> ReferenceLoadResult:
    from essor.referentiel.services import referentiel_load_shipped

    regions, departments = reference_territories_load()
    programme = programme_load_default()
    referentiels = tuple(str(version) for version, _created in referentiel_load_shipped())
    return ReferenceLoadResult(regions, departments, programme.slug, referentiels)
