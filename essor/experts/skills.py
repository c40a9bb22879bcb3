"""The skills an expert can declare: référentiel pillars and dimensions, technology families.

Pure (no Django, no database): read once from the reference files shipped with the
référentiel (`industrie-du-futur-2026.1.yaml` and `technology_families.yaml`).

A skill is an id. Three technology families share their id with a dimension of the same
name (`cybersecurite`, `donnees-ia`, `efficacite-energetique`): the id names one competence,
so it is listed once, under its dimension. A pillar skill stands for every dimension of the
pillar when needs are compared (`expand_skills`): an expert referenced on "Énergie et
environnement" covers a need on "Efficacité énergétique".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from essor.referentiel.texts import technology_families

REFERENTIEL_FILE = "industrie-du-futur-2026.1.yaml"

PILLAR = "pillar"
DIMENSION = "dimension"
TECHNOLOGY = "technology"


@dataclass(frozen=True)
class Skill:
    id: str
    kind: str  # PILLAR, DIMENSION or TECHNOLOGY
    title_fr: str
    title_en: str
    pillar: str = ""  # the pillar of a dimension

    def title(self, language: str = "fr") -> str:
        return self.title_en if language.startswith("en") else self.title_fr


def _load(name: str) -> Any:
    text = files("essor.referentiel").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=1)
def skills() -> tuple[Skill, ...]:
    """Every skill in display order: each pillar followed by its dimensions, then technologies."""
    out: list[Skill] = []
    for pillar in _load(REFERENTIEL_FILE)["pillars"]:
        out.append(Skill(pillar["id"], PILLAR, pillar["title"]["fr"], pillar["title"]["en"]))
        for dim in pillar["dimensions"]:
            out.append(
                Skill(dim["id"], DIMENSION, dim["title"]["fr"], dim["title"]["en"], pillar["id"])
            )
    known = {s.id for s in out}
    for family_id, name in technology_families().items():
        if family_id not in known:
            out.append(Skill(family_id, TECHNOLOGY, name["fr"], name["en"]))
    return tuple(out)


@lru_cache(maxsize=1)
def skills_by_id() -> dict[str, Skill]:
    return {s.id: s for s in skills()}


def skill_ids() -> frozenset[str]:
    return frozenset(skills_by_id())


def skill_title(skill_id: str, language: str = "fr") -> str:
    """The skill's title in the language, or the id itself for an unknown (retired) id."""
    skill = skills_by_id().get(skill_id)
    return skill.title(language) if skill else skill_id


def skill_choices(
    language: str = "fr", technology_label: str = "Technologies"
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a form: one group per pillar (the pillar, then its dimensions)
    and one group of technology families, titled `technology_label`."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    technologies: list[tuple[str, str]] = []
    for skill in skills():
        if skill.kind == PILLAR:
            groups.append((skill.title(language), [(skill.id, skill.title(language))]))
        elif skill.kind == DIMENSION:
            groups[-1][1].append((skill.id, skill.title(language)))
        else:
            technologies.append((skill.id, skill.title(language)))
    groups.append((technology_label, technologies))
    return groups


def expand_skills(declared: Iterable[str]) -> frozenset[str]:
    """The ids an expert covers: those declared, plus the dimensions of each declared pillar."""
    declared = frozenset(declared)
    dimensions = {
        s.id for s in skills() if s.kind == DIMENSION and s.pillar and s.pillar in declared
    }
    return declared | dimensions
