"""The parsed, typed référentiel (`referentiel-format.md` §1 and §2).

`build()` turns a document that `validator.validate()` accepted into frozen dataclasses;
call `validator.parse()` rather than `build()` on untrusted input. Defaults are applied
here: weights default to 1, `allow_na` to false, `aggregation.overall` to `dimensions`,
and a `multiple` question's `max` to the sum of its positive option weights (§2).

Each question also carries the lookup tables that scoring needs, computed once at build
time so that scoring a diagnostic is only dictionary look-ups and arithmetic:
`lookup` (choice id -> value or weight), `row_ids`, `divisor`, and the threshold columns.
The référentiel itself carries `plan`, its tree flattened into tuples of (id, weight, ...)
for the scoring loop, `band_starts` / `band_ids` for band look-up, and `rating_cache`,
the one mutable part: scoring's memo of score -> (rounded score, band id), a pure function
of the bands, so sharing it (between threads too) never changes a result.
`to_document()` gives back a plain document in the file format, with defaults made explicit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Literal

__all__ = [
    "FORMAT",
    "Band",
    "Choice",
    "Dimension",
    "Kpi",
    "LevelStatement",
    "Pillar",
    "Question",
    "QuestionKind",
    "Referentiel",
    "Row",
    "Text",
    "Threshold",
    "build",
    "to_document",
]

FORMAT = "essor-referentiel/1"

Text = Mapping[str, str]
"""A translated text: language code -> text, holding every language of the référentiel."""

Aggregation = Literal["dimensions", "pillars"]


class QuestionKind(StrEnum):
    """The six question kinds of §2."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    GRID = "grid"
    GRID_MULTIPLE = "grid_multiple"
    LEVEL = "level"
    NUMBER = "number"


_ANSWER_KEYS: dict[QuestionKind, str] = {
    QuestionKind.SINGLE: "option",
    QuestionKind.MULTIPLE: "options",
    QuestionKind.GRID: "rows",
    QuestionKind.GRID_MULTIPLE: "rows",
    QuestionKind.LEVEL: "level",
    QuestionKind.NUMBER: "number",
}


def _no_impacts() -> Mapping[str, int]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Kpi:
    id: str
    title: Text


@dataclass(frozen=True, slots=True)
class Band:
    """A score band, half-open [from_, to); the last band of a référentiel also holds 100."""

    id: str
    from_: float
    to: float
    title: Text


@dataclass(frozen=True, slots=True)
class LevelStatement:
    level: int
    text: Text


@dataclass(frozen=True, slots=True)
class Choice:
    """An option (`single`: value, `multiple`: weight) or a grid column (same split)."""

    id: str
    text: Text
    value: float | None = None
    weight: float | None = None


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    text: Text


@dataclass(frozen=True, slots=True)
class Threshold:
    from_: float
    value: float


@dataclass(frozen=True, slots=True)
class Question:
    """A question and its precomputed scoring tables (§2).

    `lookup` maps a choice id to what it contributes: the option value (`single`), the
    option weight (`multiple`), the column value (`grid`) or the column weight
    (`grid_multiple`). `divisor` is the effective `max` (`multiple`), rows x sum of column
    weights (`grid_multiple`), or 5 (`level`).
    """

    id: str
    kind: QuestionKind
    text: Text
    weight: float = 1.0
    allow_na: bool = False
    help: Text | None = None
    options: tuple[Choice, ...] = ()
    max: float | None = None
    rows: tuple[Row, ...] = ()
    columns: tuple[Choice, ...] = ()
    unit: Text | None = None
    thresholds: tuple[Threshold, ...] = ()
    answer_key: str = field(init=False, compare=False, repr=False)
    lookup: Mapping[str, float] = field(init=False, compare=False, repr=False)
    row_ids: frozenset[str] = field(init=False, compare=False, repr=False)
    divisor: float = field(init=False, compare=False, repr=False)
    threshold_froms: tuple[float, ...] = field(init=False, compare=False, repr=False)
    threshold_values: tuple[float, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        kind = self.kind
        lookup: dict[str, float] = {}
        divisor = 1.0
        if kind is QuestionKind.SINGLE:
            lookup = {o.id: float(o.value or 0.0) for o in self.options}
        elif kind is QuestionKind.MULTIPLE:
            lookup = {o.id: float(o.weight or 0.0) for o in self.options}
            positive = sum(w for w in lookup.values() if w > 0)
            divisor = float(self.max) if self.max is not None else positive
        elif kind is QuestionKind.GRID:
            lookup = {c.id: float(c.value or 0.0) for c in self.columns}
        elif kind is QuestionKind.GRID_MULTIPLE:
            lookup = {c.id: float(c.weight or 0.0) for c in self.columns}
            divisor = len(self.rows) * sum(lookup.values())
        elif kind is QuestionKind.LEVEL:
            divisor = 5.0
        set_ = object.__setattr__
        set_(self, "answer_key", _ANSWER_KEYS[kind])
        set_(self, "lookup", MappingProxyType(lookup))
        set_(self, "row_ids", frozenset(r.id for r in self.rows))
        set_(self, "divisor", divisor)
        set_(self, "threshold_froms", tuple(t.from_ for t in self.thresholds))
        set_(self, "threshold_values", tuple(t.value for t in self.thresholds))


QuestionPlan = tuple[str, float, QuestionKind, Question]
DimensionPlan = tuple[str, float, int, tuple[QuestionPlan, ...]]
PillarPlan = tuple[str, float, tuple[DimensionPlan, ...]]
"""The référentiel flattened for the scoring loop: ids, weights and questions as tuples."""


@dataclass(frozen=True, slots=True)
class Dimension:
    id: str
    title: Text
    questions: tuple[Question, ...]
    weight: float = 1.0
    levels: tuple[LevelStatement, ...] = ()
    impacts: Mapping[str, int] = field(default_factory=_no_impacts)
    technologies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Pillar:
    id: str
    title: Text
    dimensions: tuple[Dimension, ...]
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Referentiel:
    """A validated référentiel; `(id, version)` identifies it (§1, §6)."""

    id: str
    version: str
    title: Text
    languages: tuple[str, ...]
    bands: tuple[Band, ...]
    pillars: tuple[Pillar, ...]
    kpis: tuple[Kpi, ...] = ()
    description: Text | None = None
    overall: Aggregation = "dimensions"
    dimensions: tuple[Dimension, ...] = field(init=False, compare=False, repr=False)
    questions: tuple[Question, ...] = field(init=False, compare=False, repr=False)
    questions_by_id: Mapping[str, Question] = field(init=False, compare=False, repr=False)
    dimension_of: Mapping[str, Dimension] = field(init=False, compare=False, repr=False)
    id_kinds: Mapping[str, str] = field(init=False, compare=False, repr=False)
    band_starts: tuple[float, ...] = field(init=False, compare=False, repr=False)
    band_ids: tuple[str, ...] = field(init=False, compare=False, repr=False)
    plan: tuple[PillarPlan, ...] = field(init=False, compare=False, repr=False)
    rating_cache: dict[float, tuple[float, str]] = field(init=False, compare=False, repr=False)

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        """Pickle (and deep-copy) as the plain document: the texts are read-only proxies."""
        return build, (to_document(self),)

    def __post_init__(self) -> None:
        dimensions = tuple(d for p in self.pillars for d in p.dimensions)
        questions = tuple(q for d in dimensions for q in d.questions)
        id_kinds: dict[str, str] = {p.id: "pillar" for p in self.pillars}
        id_kinds.update((d.id, "dimension") for d in dimensions)
        id_kinds.update((q.id, "question") for q in questions)
        set_ = object.__setattr__
        set_(self, "dimensions", dimensions)
        set_(self, "questions", questions)
        set_(self, "questions_by_id", MappingProxyType({q.id: q for q in questions}))
        set_(
            self,
            "dimension_of",
            MappingProxyType({q.id: d for d in dimensions for q in d.questions}),
        )
        set_(self, "id_kinds", MappingProxyType(id_kinds))
        set_(self, "band_starts", tuple(b.from_ for b in self.bands))
        set_(self, "band_ids", tuple(b.id for b in self.bands))
        set_(self, "rating_cache", {})
        set_(
            self,
            "plan",
            tuple(
                (
                    p.id,
                    p.weight,
                    tuple(
                        (
                            d.id,
                            d.weight,
                            len(d.questions),
                            tuple((q.id, q.weight, q.kind, q) for q in d.questions),
                        )
                        for d in p.dimensions
                    ),
                )
                for p in self.pillars
            ),
        )


# --- building from a validated document -------------------------------------------------


def _text(value: Any) -> Text:
    return MappingProxyType(dict(value))


def _optional_text(value: Any) -> Text | None:
    return None if value is None else _text(value)


def _choice(doc: Mapping[str, Any]) -> Choice:
    value = doc.get("value")
    weight = doc.get("weight")
    return Choice(
        id=doc["id"],
        text=_text(doc["text"]),
        value=None if value is None else float(value),
        weight=None if weight is None else float(weight),
    )


def _question(doc: Mapping[str, Any]) -> Question:
    max_ = doc.get("max")
    return Question(
        id=doc["id"],
        kind=QuestionKind(doc["kind"]),
        text=_text(doc["text"]),
        weight=float(doc.get("weight", 1)),
        allow_na=bool(doc.get("allow_na", False)),
        help=_optional_text(doc.get("help")),
        options=tuple(_choice(o) for o in doc.get("options", ())),
        max=None if max_ is None else float(max_),
        rows=tuple(Row(id=r["id"], text=_text(r["text"])) for r in doc.get("rows", ())),
        columns=tuple(_choice(c) for c in doc.get("columns", ())),
        unit=_optional_text(doc.get("unit")),
        thresholds=tuple(
            Threshold(from_=float(t["from"]), value=float(t["value"]))
            for t in doc.get("thresholds", ())
        ),
    )


def _dimension(doc: Mapping[str, Any]) -> Dimension:
    return Dimension(
        id=doc["id"],
        title=_text(doc["title"]),
        weight=float(doc.get("weight", 1)),
        levels=tuple(
            LevelStatement(level=int(s["level"]), text=_text(s["text"]))
            for s in doc.get("levels", ())
        ),
        impacts=MappingProxyType({k: int(v) for k, v in doc.get("impacts", {}).items()}),
        technologies=tuple(doc.get("technologies", ())),
        questions=tuple(_question(q) for q in doc["questions"]),
    )


def build(doc: Mapping[str, Any]) -> Referentiel:
    """Build the model from a document that `validate()` accepted (no checks here)."""
    aggregation = doc.get("aggregation") or {}
    overall: Aggregation = "pillars" if aggregation.get("overall") == "pillars" else "dimensions"
    return Referentiel(
        id=doc["id"],
        version=doc["version"],
        title=_text(doc["title"]),
        description=_optional_text(doc.get("description")),
        languages=tuple(doc["languages"]),
        kpis=tuple(Kpi(id=k["id"], title=_text(k["title"])) for k in doc.get("kpis", ())),
        bands=tuple(
            Band(id=b["id"], from_=float(b["from"]), to=float(b["to"]), title=_text(b["title"]))
            for b in doc["bands"]
        ),
        overall=overall,
        pillars=tuple(
            Pillar(
                id=p["id"],
                title=_text(p["title"]),
                weight=float(p.get("weight", 1)),
                dimensions=tuple(_dimension(d) for d in p["dimensions"]),
            )
            for p in doc["pillars"]
        ),
    )


# --- back to a plain document -----------------------------------------------------------


def _number(x: float) -> float | int:
    """Write 2.0 as 2 so that an exported file reads like a hand-written one."""
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def _choice_doc(choice: Choice) -> dict[str, Any]:
    out: dict[str, Any] = {"id": choice.id, "text": dict(choice.text)}
    if choice.value is not None:
        out["value"] = _number(choice.value)
    if choice.weight is not None:
        out["weight"] = _number(choice.weight)
    return out


def _question_doc(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {"id": q.id, "kind": q.kind.value, "text": dict(q.text)}
    if q.help is not None:
        out["help"] = dict(q.help)
    out["weight"] = _number(q.weight)
    out["allow_na"] = q.allow_na
    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        out["options"] = [_choice_doc(o) for o in q.options]
    if q.max is not None:
        out["max"] = _number(q.max)
    if q.kind in (QuestionKind.GRID, QuestionKind.GRID_MULTIPLE):
        out["rows"] = [{"id": r.id, "text": dict(r.text)} for r in q.rows]
        out["columns"] = [_choice_doc(c) for c in q.columns]
    if q.kind is QuestionKind.NUMBER:
        out["unit"] = dict(q.unit or {})
        out["thresholds"] = [
            {"from": _number(t.from_), "value": _number(t.value)} for t in q.thresholds
        ]
    return out


def _dimension_doc(d: Dimension) -> dict[str, Any]:
    out: dict[str, Any] = {"id": d.id, "title": dict(d.title), "weight": _number(d.weight)}
    if d.levels:
        out["levels"] = [{"level": s.level, "text": dict(s.text)} for s in d.levels]
    if d.impacts:
        out["impacts"] = dict(d.impacts)
    if d.technologies:
        out["technologies"] = list(d.technologies)
    out["questions"] = [_question_doc(q) for q in d.questions]
    return out


def to_document(ref: Referentiel) -> dict[str, Any]:
    """The référentiel as a plain document in the file format (§1), defaults made explicit.

    The result validates and scores exactly like the document `ref` was built from (§6).
    """
    out: dict[str, Any] = {
        "format": FORMAT,
        "id": ref.id,
        "version": ref.version,
        "title": dict(ref.title),
    }
    if ref.description is not None:
        out["description"] = dict(ref.description)
    out["languages"] = list(ref.languages)
    if ref.kpis:
        out["kpis"] = [{"id": k.id, "title": dict(k.title)} for k in ref.kpis]
    out["bands"] = [
        {"id": b.id, "from": _number(b.from_), "to": _number(b.to), "title": dict(b.title)}
        for b in ref.bands
    ]
    out["aggregation"] = {"overall": ref.overall}
    out["pillars"] = [
        {
            "id": p.id,
            "title": dict(p.title),
            "weight": _number(p.weight),
            "dimensions": [_dimension_doc(d) for d in p.dimensions],
        }
        for p in ref.pillars
    ]
    return out
