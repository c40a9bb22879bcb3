"""What an action refers to: the référentiel's dimensions and KPIs, the technology families.

Plain reads of reference data (no database): the technology families come from
`essor/referentiel/data/technology_families.yaml`, the dimensions and KPIs from the parsed
référentiel version the plan's diagnostic was answered with.
"""

from __future__ import annotations

from essor.referentiel.model import Referentiel
from essor.referentiel.texts import localised, technology_families


def family_name(family_id: str, language: str | None = None) -> str:
    return localised(technology_families().get(family_id), language) or family_id


def family_choices(language: str | None = None) -> list[tuple[str, str]]:
    return [(fid, localised(name, language)) for fid, name in technology_families().items()]


def dimension_choices(ref: Referentiel, language: str | None = None) -> list[tuple[str, str]]:
    return [(d.id, localised(d.title, language)) for d in ref.dimensions]


def kpi_choices(ref: Referentiel, language: str | None = None) -> list[tuple[str, str]]:
    return [(k.id, localised(k.title, language)) for k in ref.kpis]
