"""Small builders shared by the référentiel tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from essor.referentiel.loader import load_file
from essor.referentiel.model import Referentiel
from essor.referentiel.validator import parse

FIXTURES = Path(__file__).parent / "fixtures"


def text(label: str = "x") -> dict[str, str]:
    return {"fr": f"{label} (fr)", "en": f"{label} (en)"}


def single(qid: str, values: tuple[float, ...] = (0, 1), **extra: Any) -> dict[str, Any]:
    options = [{"id": f"o{i}", "text": text(), "value": v} for i, v in enumerate(values)]
    return {"id": qid, "kind": "single", "text": text(qid), "options": options, **extra}


def minimal_doc(*questions: dict[str, Any], **top: Any) -> dict[str, Any]:
    """One pillar `p`, one dimension `d`, the given questions (default: one `single` q1)."""
    doc: dict[str, Any] = {
        "format": "essor-referentiel/1",
        "id": "mini",
        "version": "1",
        "title": text("Mini"),
        "languages": ["fr", "en"],
        "bands": [
            {"id": "low", "from": 0, "to": 50, "title": text("Low")},
            {"id": "high", "from": 50, "to": 100, "title": text("High")},
        ],
        "pillars": [
            {
                "id": "p",
                "title": text("P"),
                "dimensions": [
                    {
                        "id": "d",
                        "title": text("D"),
                        "questions": list(questions) or [single("q1")],
                    }
                ],
            }
        ],
    }
    doc.update(top)
    return doc


def full_doc() -> dict[str, Any]:
    """A fresh copy of fixtures/full.yaml (every question kind)."""
    return copy.deepcopy(_FULL)


def full_ref() -> Referentiel:
    return _FULL_REF


_FULL: dict[str, Any] = load_file(FIXTURES / "full.yaml")
_FULL_REF = parse(_FULL)
