"""The questionnaire as HTML form fields, one pillar per page, and back to answers.

`pillar_page()` turns a pillar of the référentiel and the current answers into plain
objects the templates render (no logic in templates); `parse_pillar()` reads a posted
page back into answer objects of the format (`referentiel-format.md` §2) — None meaning
"no answer" — and notes. What the format forbids is then refused by the pure checks in
`diagnostic_save_answers`; the form only catches what it can explain better in words (a
number that is not one, N/A without its reason).

Field names: `<question id>` (the choice, or the number), `<question id>::<row id>` (grid
rows), `<question id>::none` ("none of these"), `<question id>::na` and
`<question id>::na_reason`; notes are `note::<dimension id>::evidence` and `::target`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from essor.referentiel.model import Dimension, Pillar, Question, QuestionKind, Referentiel
from essor.referentiel.texts import localised

NA = "::na"
NA_REASON = "::na_reason"
NONE = "::none"
# The only strings a level field may hold ("²".isdigit() is true, and int() of a very long
# string raises: both are refused here with the field's message).
LEVEL_VALUES = frozenset(str(level) for level in range(6))


@dataclass
class Choice:
    value: str
    label: str
    checked: bool
    html_id: str


@dataclass
class GridRow:
    id: str
    label: str
    name: str
    cells: list[Choice]

    @property
    def answered(self) -> bool:
        return any(cell.checked for cell in self.cells)


@dataclass
class QuestionField:
    id: str
    kind: str
    text: str
    help: str
    name: str
    html_id: str
    allow_na: bool
    choices: list[Choice] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[GridRow] = field(default_factory=list)
    none_checked: bool = False
    number: str = ""
    unit: str = ""
    na_checked: bool = False
    na_reason: str = ""
    answered: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def input_type(self) -> str:
        multiple = self.kind in (QuestionKind.MULTIPLE, QuestionKind.GRID_MULTIPLE)
        return "checkbox" if multiple else "radio"

    @property
    def is_grid(self) -> bool:
        return self.kind in (QuestionKind.GRID, QuestionKind.GRID_MULTIPLE)


@dataclass
class LevelLine:
    level: int
    text: str


@dataclass
class DimensionBlock:
    id: str
    title: str
    levels: list[LevelLine]
    questions: list[QuestionField]
    score: float | None = None
    band: str = ""
    band_id: str = ""
    evidence: str = ""
    target: int | None = None
    note_error: str = ""
    answered: int = 0
    total: int = 0


@dataclass
class PillarPage:
    id: str
    title: str
    number: int
    count: int
    dimensions: list[DimensionBlock]
    previous_id: str | None
    next_id: str | None


def _html_id(*parts: str) -> str:
    """An element id from référentiel ids (letters, digits, - _ . only: already safe)."""
    return "f-" + "--".join(parts)


def _number_text(value: Any, language: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    text = repr(value) if isinstance(value, float) and not value.is_integer() else str(int(value))
    return text.replace(".", ",") if language.startswith("fr") else text


def question_field(
    question: Question,
    dimension: Dimension,
    answer: Mapping[str, Any] | None,
    language: str,
    errors: list[str] | None = None,
) -> QuestionField:
    answer = answer or {}
    kind = question.kind
    qid = question.id
    out = QuestionField(
        id=qid,
        kind=kind.value,
        text=localised(question.text, language),
        help=localised(question.help, language),
        name=qid,
        html_id=_html_id(qid),
        allow_na=question.allow_na,
        na_checked="na" in answer,
        na_reason=str(answer.get("na") or ""),
        answered=bool(answer) and "na" not in answer,
        errors=list(errors or []),
    )
    if kind is QuestionKind.SINGLE:
        chosen = answer.get("option")
        out.choices = [
            Choice(o.id, localised(o.text, language), o.id == chosen, _html_id(qid, o.id))
            for o in question.options
        ]
    elif kind is QuestionKind.MULTIPLE:
        chosen_list = answer.get("options")
        chosen_set = set(chosen_list) if isinstance(chosen_list, list) else set()
        out.choices = [
            Choice(o.id, localised(o.text, language), o.id in chosen_set, _html_id(qid, o.id))
            for o in question.options
        ]
        out.none_checked = chosen_list == []
    elif kind is QuestionKind.LEVEL:
        statements = {s.level: localised(s.text, language) for s in dimension.levels}
        chosen_level = answer.get("level")
        out.choices = [
            Choice(
                str(level),
                statements.get(level, ""),
                chosen_level == level and not isinstance(chosen_level, bool),
                _html_id(qid, str(level)),
            )
            for level in range(6)
        ]
    elif kind in (QuestionKind.GRID, QuestionKind.GRID_MULTIPLE):
        rows = answer.get("rows")
        rows = rows if isinstance(rows, Mapping) else {}
        out.columns = [localised(c.text, language) for c in question.columns]
        for row in question.rows:
            picked = rows.get(row.id)
            picked_set = set(picked) if isinstance(picked, list) else {picked}
            out.rows.append(
                GridRow(
                    id=row.id,
                    label=localised(row.text, language),
                    name=f"{qid}::{row.id}",
                    cells=[
                        Choice(
                            c.id,
                            localised(c.text, language),
                            c.id in picked_set,
                            _html_id(qid, row.id, c.id),
                        )
                        for c in question.columns
                    ],
                )
            )
        out.none_checked = (
            kind is QuestionKind.GRID_MULTIPLE and "rows" in answer and not any(rows.values())
        )
    elif kind is QuestionKind.NUMBER:
        out.number = _number_text(answer.get("number"), language)
        out.unit = localised(question.unit, language)
    return out


def pillar_page(
    ref: Referentiel,
    pillar_id: str,
    answers: Mapping[str, Any],
    language: str,
    *,
    errors: Mapping[str, list[str]] | None = None,
    results: Mapping[str, Any] | None = None,
    notes: Mapping[str, tuple[str, int | None]] | None = None,
    note_errors: Mapping[str, str] | None = None,
) -> PillarPage | None:
    """The form of one pillar; None when the référentiel has no such pillar."""
    ids = [p.id for p in ref.pillars]
    if pillar_id not in ids:
        return None
    index = ids.index(pillar_id)
    pillar: Pillar = ref.pillars[index]
    errors = errors or {}
    notes = notes or {}
    blocks = []
    for dimension in pillar.dimensions:
        result = (results or {}).get("dimensions", {}).get(dimension.id, {})
        evidence, target = notes.get(dimension.id, ("", None))
        fields = [
            question_field(q, dimension, answers.get(q.id), language, errors.get(q.id))
            for q in dimension.questions
        ]
        blocks.append(
            DimensionBlock(
                id=dimension.id,
                title=localised(dimension.title, language),
                levels=[LevelLine(s.level, localised(s.text, language)) for s in dimension.levels],
                questions=fields,
                score=result.get("score"),
                band=band_title(ref, result.get("band"), language),
                band_id=result.get("band") or "",
                evidence=evidence,
                target=target,
                note_error=(note_errors or {}).get(dimension.id, ""),
                answered=sum(1 for f in fields if f.answered or f.na_checked),
                total=len(fields),
            )
        )
    return PillarPage(
        id=pillar.id,
        title=localised(pillar.title, language),
        number=index + 1,
        count=len(ids),
        dimensions=blocks,
        previous_id=ids[index - 1] if index > 0 else None,
        next_id=ids[index + 1] if index + 1 < len(ids) else None,
    )


def band_title(ref: Referentiel, band_id: str | None, language: str) -> str:
    for band in ref.bands:
        if band.id == band_id:
            return localised(band.title, language)
    return ""


# --- reading a posted page back ------------------------------------------------------------


def _parse_number(raw: str) -> float | int | None:
    text = raw.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    if value.is_integer() and "." not in text and "e" not in text.lower():
        return int(value)
    return value


def parse_question(
    question: Question, post: Mapping[str, Any], existing: Mapping[str, Any] | None
) -> tuple[dict[str, Any] | None, str | None, dict[str, Any] | None]:
    """(answer or None for "no answer", error message, what to show again on error)."""
    qid = question.id
    getlist = post.getlist if hasattr(post, "getlist") else (lambda k: post.get(k) or [])
    answer: dict[str, Any] | None = None
    if question.allow_na and post.get(qid + NA):
        reason = " ".join(str(post.get(qid + NA_REASON, "")).split())
        if not reason:
            return None, _("Say why this question does not apply."), {"na": ""}
        answer = {"na": reason}
    elif question.kind in (QuestionKind.SINGLE, QuestionKind.LEVEL):
        value = str(post.get(qid, "") or "")
        if value and question.kind is QuestionKind.LEVEL:
            if value not in LEVEL_VALUES:
                return None, _("Choose one of the levels 0 to 5."), None
            answer = {"level": int(value)}
        elif value:
            answer = {"option": value}
    elif question.kind is QuestionKind.MULTIPLE:
        chosen = [str(v) for v in getlist(qid)]
        if chosen:
            answer = {"options": chosen}
        elif post.get(qid + NONE):
            answer = {"options": []}
    elif question.kind is QuestionKind.GRID:
        rows = {
            r.id: str(post.get(f"{qid}::{r.id}"))
            for r in question.rows
            if post.get(f"{qid}::{r.id}")
        }
        answer = {"rows": rows} if rows else None
    elif question.kind is QuestionKind.GRID_MULTIPLE:
        grid = {r.id: [str(v) for v in getlist(f"{qid}::{r.id}")] for r in question.rows}
        grid = {row_id: cols for row_id, cols in grid.items() if cols}
        if grid or post.get(qid + NONE):
            answer = {"rows": grid}
    elif question.kind is QuestionKind.NUMBER:
        raw = str(post.get(qid, "") or "").strip()
        if raw:
            number = _parse_number(raw)
            if number is None:
                return None, _("Enter a number, for example 12.5."), {"number": raw}
            answer = {"number": number}
    if answer is not None and existing and isinstance(existing.get("comment"), str):
        answer["comment"] = existing["comment"]  # a comment given through the API is kept
    return answer, None, None


@dataclass
class ParsedPage:
    answers: dict[str, dict[str, Any] | None]
    errors: dict[str, list[str]]
    shown: dict[str, dict[str, Any]]
    notes: dict[str, tuple[str, int | None]]
    note_errors: dict[str, str]


def parse_pillar(
    ref: Referentiel,
    pillar_id: str,
    post: Mapping[str, Any],
    existing: Mapping[str, Any],
    *,
    with_notes: bool = False,
) -> ParsedPage:
    parsed = ParsedPage({}, {}, {}, {}, {})
    pillar = next(p for p in ref.pillars if p.id == pillar_id)
    for dimension in pillar.dimensions:
        for question in dimension.questions:
            answer, error, shown = parse_question(question, post, existing.get(question.id))
            if error:
                parsed.errors[question.id] = [error]
                parsed.shown[question.id] = shown or {}
            else:
                parsed.answers[question.id] = answer
        if with_notes:
            evidence = str(post.get(f"note::{dimension.id}::evidence", "") or "")[:10_000]
            target_raw = str(post.get(f"note::{dimension.id}::target", "") or "")
            target: int | None = None
            if target_raw:
                if target_raw in LEVEL_VALUES:
                    target = int(target_raw)
                else:
                    parsed.note_errors[dimension.id] = _("Choose a target level from 0 to 5.")
                    continue
            parsed.notes[dimension.id] = (evidence, target)
    return parsed
