"""Référentiel texts: a text in one language, and the technology families.

`localised(text, language)` is the one way to show a référentiel text (a mapping language
-> text) in a language; `technology_families()` is the one loader of
`essor/referentiel/data/technology_families.yaml`. Diagnostics, action plans and experts
import them from here.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import yaml
from django.utils.translation import get_language

from .model import Text

__all__ = ["localised", "technology_families"]


def localised(text: Text | None, language: str | None = None) -> str:
    """A référentiel text in `language` (the active one when None), else in the
    référentiel's first language; "" for no text."""
    if not text:
        return ""
    short = (language or get_language() or "fr")[:2]
    return text.get(short) or next(iter(text.values()))


@lru_cache(maxsize=1)
def technology_families() -> dict[str, Text]:
    """Technology family id -> name in every language, in the file's order."""
    raw = files("essor.referentiel").joinpath("data", "technology_families.yaml")
    families = yaml.safe_load(raw.read_text(encoding="utf-8"))
    return {f["id"]: dict(f["name"]) for f in families}
