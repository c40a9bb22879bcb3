"""What an action refers to: the référentiel's dimensions and KPIs, the technology families.

Plain reads of reference data (no database): the technology families come from
`essor/referentiel/data/technology_families.yaml`, the dimensions and KPIs from the parsed
référentiel version the plan's diagnostic was answered with.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import yaml
from django.utils.translation import get_language

from essor.referentiel.model import Referentiel, Text


@lru_cache(maxsize=1)
def technology_families() -> dict[str, Text]:
    """Technology family id -> name in every language, in the file's order."""
    raw = files("essor.referentiel").joinpath("data", "technology_families.yaml")
    families = yaml.safe_load(raw.read_text(encoding="utf-8"))
    return {f["id"]: dict(f["name"]) for f in families}


def text(value: Text | None, language: str | None = None) -> str:
    """A référentiel text in the active language, else in its first language."""
    if not value:
        return ""
    short = (language or get_language() or "fr")[:2]
    return value.get(short) or next(iter(value.values()))


def family_name(family_id: str, language: str | None = None) -> str:
    return text(technology_families().get(family_id), language) or family_id


def family_choices(language: str | None = None) -> list[tuple[str, str]]:
    return [(fid, text(name, language)) for fid, name in technology_families().items()]


def dimension_choices(ref: Referentiel, language: str | None = None) -> list[tuple[str, str]]:
    return [(d.id, text(d.title, language)) for d in ref.dimensions]


def kpi_choices(ref: Referentiel, language: str | None = None) -> list[tuple[str, str]]:
    return [(k.id, text(k.title, language)) for k in ref.kpis]
