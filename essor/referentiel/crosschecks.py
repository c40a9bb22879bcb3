"""The référentiel rules that a JSON Schema cannot express (`referentiel-format.md` §1, §2).

- pillar, dimension and question ids share one namespace, unique in the whole document;
  option, row and column ids are unique within their question; band, KPI and language
  codes are unique; a level is described at most once per dimension;
- every text exists in every listed language;
- bands are sorted and contiguous, the first starting at 0 and the last ending at 100,
  each non-empty (`from` < `to`);
- `impacts` keys are declared KPI ids;
- a `multiple` question whose options have no positive weight must give `max`;
- `number` thresholds have strictly increasing `from`.

These checks read the raw document defensively: a part whose structure is already wrong
(reported by the schema) is skipped rather than reported a second time.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from essor.referentiel.paths import Path, format_path

__all__ = ["Path", "cross_check"]

Found = Iterator[tuple[Path, str]]


def _finite(value: object) -> float | None:
    """The value as a float when it is a finite JSON number, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _items(node: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
    """The (index, mapping) entries of the list `node[key]`, skipping malformed ones."""
    value = node.get(key)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, Mapping)]


def _unique_ids(node: Mapping[str, Any], key: str, path: Path, what: str, scope: str) -> Found:
    first: dict[str, int] = {}
    for index, item in _items(node, key):
        ident = item.get("id")
        if not isinstance(ident, str):
            continue
        if ident in first:
            yield (
                (*path, key, index, "id"),
                f'duplicate {what} id "{ident}" {scope} (already used at {key}[{first[ident]}])',
            )
        else:
            first[ident] = index


class _Checker:
    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self.languages = self._languages()
        self.kpi_ids = self._kpi_ids()
        self.namespace: dict[str, tuple[str, Path]] = {}

    def _kpi_ids(self) -> list[str] | None:
        """The declared KPI ids, or None when `kpis` is too malformed to judge `impacts`."""
        value = self.doc.get("kpis", [])
        if not isinstance(value, list):
            return None
        ids = [item.get("id") if isinstance(item, Mapping) else None for item in value]
        if not all(isinstance(i, str) for i in ids):
            return None
        return list(dict.fromkeys(i for i in ids if isinstance(i, str)))

    def _languages(self) -> list[str]:
        value = self.doc.get("languages")
        if not isinstance(value, list):
            return []
        return list(dict.fromkeys(v for v in value if isinstance(v, str) and v))

    def run(self) -> Found:
        doc = self.doc
        yield from self.duplicate_languages()
        yield from self.text(doc.get("title"), ("title",))
        yield from self.text(doc.get("description"), ("description",))
        yield from _unique_ids(doc, "kpis", (), "KPI", "in the référentiel")
        for index, kpi in _items(doc, "kpis"):
            yield from self.text(kpi.get("title"), ("kpis", index, "title"))
        yield from _unique_ids(doc, "bands", (), "band", "in the référentiel")
        for index, band in _items(doc, "bands"):
            yield from self.text(band.get("title"), ("bands", index, "title"))
        yield from self.bands()
        for index, pillar in _items(doc, "pillars"):
            yield from self.pillar(pillar, ("pillars", index))

    def duplicate_languages(self) -> Found:
        value = self.doc.get("languages")
        if not isinstance(value, list):
            return
        seen: set[str] = set()
        for index, code in enumerate(value):
            if isinstance(code, str):
                if code in seen:
                    yield ("languages", index), f'language "{code}" is listed twice'
                seen.add(code)

    def text(self, value: object, path: Path) -> Found:
        """Every text exists in every listed language (§1)."""
        if not isinstance(value, Mapping):
            return
        for language in self.languages:
            if language not in value:
                yield (*path, language), f'missing text in language "{language}"'

    def claim_id(self, node: Mapping[str, Any], path: Path, what: str) -> Found:
        """Pillar, dimension and question ids share one namespace (§1)."""
        ident = node.get("id")
        if not isinstance(ident, str):
            return
        if ident in self.namespace:
            other_what, other_path = self.namespace[ident]
            yield (
                (*path, "id"),
                f'duplicate id "{ident}": already the id of the {other_what} at '
                f"{format_path(other_path)} (pillar, dimension and question ids share one "
                "namespace)",
            )
        else:
            self.namespace[ident] = (what, path)

    def bands(self) -> Found:
        """Bands are sorted, contiguous, non-empty, from 0 to 100 (§1)."""
        value = self.doc.get("bands")
        if not isinstance(value, list) or not value:
            return
        previous_to: float | None = None
        for index, band in enumerate(value):
            if not isinstance(band, Mapping):
                previous_to = None
                continue
            start, end = _finite(band.get("from")), _finite(band.get("to"))
            if start is not None:
                if index == 0 and start != 0:
                    yield ("bands", 0, "from"), "must be 0 (the first band starts at 0)"
                elif index > 0 and previous_to is not None and start != previous_to:
                    yield (
                        ("bands", index, "from"),
                        f"must be {_show(previous_to)}, the previous band's `to` "
                        "(bands are sorted and contiguous)",
                    )
            if start is not None and end is not None and end <= start:
                yield ("bands", index, "to"), f"must be greater than `from` ({_show(start)})"
            if index == len(value) - 1 and end is not None and end != 100:
                yield ("bands", index, "to"), "must be 100 (the last band ends at 100)"
            previous_to = end

    def pillar(self, pillar: Mapping[str, Any], path: Path) -> Found:
        yield from self.claim_id(pillar, path, "pillar")
        yield from self.text(pillar.get("title"), (*path, "title"))
        for index, dimension in _items(pillar, "dimensions"):
            yield from self.dimension(dimension, (*path, "dimensions", index))

    def dimension(self, dimension: Mapping[str, Any], path: Path) -> Found:
        yield from self.claim_id(dimension, path, "dimension")
        yield from self.text(dimension.get("title"), (*path, "title"))
        described: dict[int, int] = {}
        for index, statement in _items(dimension, "levels"):
            yield from self.text(statement.get("text"), (*path, "levels", index, "text"))
            level = statement.get("level")
            if isinstance(level, int) and not isinstance(level, bool):
                if level in described:
                    yield (
                        (*path, "levels", index, "level"),
                        f"level {level} is already described (levels[{described[level]}])",
                    )
                else:
                    described[level] = index
        impacts = dimension.get("impacts")
        if isinstance(impacts, Mapping) and self.kpi_ids is not None:
            for key in impacts:
                if key not in self.kpi_ids:
                    declared = (
                        f"declared: {', '.join(self.kpi_ids)}"
                        if self.kpi_ids
                        else "the référentiel declares no kpis"
                    )
                    yield (*path, "impacts", key), f'unknown KPI id "{key}" ({declared})'
        for index, question in _items(dimension, "questions"):
            yield from self.question(question, (*path, "questions", index))

    def question(self, question: Mapping[str, Any], path: Path) -> Found:
        yield from self.claim_id(question, path, "question")
        yield from self.text(question.get("text"), (*path, "text"))
        yield from self.text(question.get("help"), (*path, "help"))
        yield from self.text(question.get("unit"), (*path, "unit"))
        for key, what in (("options", "option"), ("rows", "row"), ("columns", "column")):
            yield from _unique_ids(question, key, path, what, "in this question")
            for index, item in _items(question, key):
                yield from self.text(item.get("text"), (*path, key, index, "text"))
        kind = question.get("kind")
        if kind == "multiple":
            yield from self.multiple_max(question, path)
        elif kind == "number":
            yield from self.thresholds(question, path)

    def multiple_max(self, question: Mapping[str, Any], path: Path) -> Found:
        """A `multiple` question with no positive option weight must give `max` (§1, §2)."""
        options = question.get("options")
        if not isinstance(options, list) or not options or "max" in question:
            return
        weights = [_finite(o.get("weight")) if isinstance(o, Mapping) else None for o in options]
        if any(w is None for w in weights):
            return  # a malformed weight is reported already; the rule cannot be judged
        if not any(w is not None and w > 0 for w in weights):
            yield (*path, "max"), "is required because no option has a positive weight"

    def thresholds(self, question: Mapping[str, Any], path: Path) -> Found:
        """`number` thresholds have strictly increasing `from` (§1, §2)."""
        previous: float | None = None
        for index, threshold in _items(question, "thresholds"):
            start = _finite(threshold.get("from"))
            if start is not None and previous is not None and start <= previous:
                yield (
                    (*path, "thresholds", index, "from"),
                    f"must be greater than the previous threshold's `from` ({_show(previous)})",
                )
            if start is not None:
                previous = start


def _show(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


def cross_check(doc: Mapping[str, Any]) -> list[tuple[Path, str]]:
    """Every cross-field problem of `doc` as (path, message), in no particular order."""
    return list(_Checker(doc).run())
