"""Strict checking of answers against a référentiel (`referentiel-format.md` §2, §5).

An answer is a JSON object holding exactly the key of its question's kind (`option`,
`options`, `rows`, `level` or `number`) or `na`, and optionally `comment` (a string).
Refused as bad input: any other key; `na` beside another key; `null` in place of an
answer; `na` where the question does not allow it, or with a reason that is not a non-empty
string; an id the question does not have; a repeated id in a list; a `grid` answer with no
row; a row value that is `null`; a `level` that is not a JSON integer from 0 to 5 (`2.5`,
`3.0`, `"3"`, `true` are refused); a `number` that is not a finite JSON number.

The answers file (§2) holds `answers` (required) and optionally `referentiel`, whose `id`
and `version` must both equal those of the référentiel being scored; nothing else.

Every problem is reported as `path: message`, the path naming the question
(`answers.q3.level: ...`). The lists are empty when the input is good.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from typing import Any

from essor.referentiel.model import Question, QuestionKind, Referentiel
from essor.referentiel.paths import Path, format_path

__all__ = ["AnswersError", "check_answer_map", "check_answers"]

_TOP_LEVEL_KEYS = ("answers", "referentiel")
_EXAMPLES: dict[QuestionKind, str] = {
    QuestionKind.SINGLE: '{"option": "<option id>"}',
    QuestionKind.MULTIPLE: '{"options": ["<option id>", ...]}',
    QuestionKind.GRID: '{"rows": {"<row id>": "<column id>"}}',
    QuestionKind.GRID_MULTIPLE: '{"rows": {"<row id>": ["<column id>", ...]}}',
    QuestionKind.LEVEL: '{"level": <integer 0..5>}',
    QuestionKind.NUMBER: '{"number": <number>}',
}


class AnswersError(ValueError):
    """Bad answers (§5): holds every problem found, each naming its question."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _show(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | dict):
        try:
            shown = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):
            shown = repr(value)
        return shown if len(shown) <= 60 else shown[:57] + "..."
    return repr(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _ids(ids: Any) -> str:
    return ", ".join(ids)


def _check_choice(value: object, path: Path, known: Mapping[str, Any], what: str) -> Iterator[str]:
    if not isinstance(value, str):
        article = "an" if what[0] in "aeiou" else "a"
        yield f"{format_path(path)}: must be {article} {what} id (a string), not {_show(value)}"
    elif value not in known:
        yield (
            f"{format_path(path)}: unknown {what} {_show(value)} (this question has: {_ids(known)})"
        )


def _check_id_list(value: object, path: Path, known: Mapping[str, Any], what: str) -> Iterator[str]:
    if not isinstance(value, list):
        yield f"{format_path(path)}: must be a list of {what} ids, not {_show(value)}"
        return
    seen: set[str] = set()
    for index, item in enumerate(value):
        yield from _check_choice(item, (*path, index), known, what)
        if isinstance(item, str):
            if item in seen:
                yield f"{format_path((*path, index))}: {what} {_show(item)} is repeated"
            seen.add(item)


def _check_rows(question: Question, value: object, path: Path) -> Iterator[str]:
    multiple = question.kind is QuestionKind.GRID_MULTIPLE
    if not isinstance(value, Mapping):
        yield f"{format_path(path)}: must be an object mapping row ids to column ids"
        return
    if not value and not multiple:
        yield f"{format_path(path)}: at least one row must be answered"
    rows = {row_id: None for row_id in sorted(question.row_ids)}
    for row_id, chosen in value.items():
        row_path = (*path, row_id)
        if row_id not in question.row_ids:
            yield (
                f"{format_path(row_path)}: unknown row {_show(row_id)} "
                f"(this question has: {_ids(r.id for r in question.rows)})"
            )
            continue
        del rows[row_id]
        if chosen is None:
            yield f"{format_path(row_path)}: null is not allowed (leave the row out instead)"
        elif multiple:
            yield from _check_id_list(chosen, row_path, question.lookup, "column")
        else:
            yield from _check_choice(chosen, row_path, question.lookup, "column")


def _check_value(question: Question, answer: Mapping[str, Any], path: Path) -> Iterator[str]:
    key = question.answer_key
    value = answer[key]
    vpath = (*path, key)
    kind = question.kind
    if kind is QuestionKind.SINGLE:
        yield from _check_choice(value, vpath, question.lookup, "option")
    elif kind is QuestionKind.MULTIPLE:
        yield from _check_id_list(value, vpath, question.lookup, "option")
    elif kind is QuestionKind.GRID or kind is QuestionKind.GRID_MULTIPLE:
        yield from _check_rows(question, value, vpath)
    elif kind is QuestionKind.LEVEL:
        if not (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 5):
            yield (f"{format_path(vpath)}: must be a JSON integer from 0 to 5, not {_show(value)}")
    elif kind is QuestionKind.NUMBER:
        if not _is_number(value):
            yield f"{format_path(vpath)}: must be a JSON number, not {_show(value)}"
        elif isinstance(value, float) and not math.isfinite(value):
            yield f"{format_path(vpath)}: must be a finite number, not {_show(value)}"


def check_answer(question: Question, answer: object, path: Path) -> list[str]:
    """Problems with one answer to `question` (§2 strictness rules)."""
    kind = question.kind
    if answer is None:
        return [
            f"{format_path(path)}: null is not an answer (leave question {question.id} out instead)"
        ]
    if not isinstance(answer, Mapping):
        return [
            f"{format_path(path)}: the answer to {kind.value} question {question.id} must be an object "
            f"such as {_EXAMPLES[kind]}, not {_show(answer)}"
        ]
    problems: list[str] = []
    key = question.answer_key
    extras = [k for k in answer if k not in (key, "na", "comment")]
    if key not in answer and "na" not in answer:
        found = f"; found {', '.join(_show(k) for k in extras)}" if extras else ""
        problems.append(
            f'{format_path(path)}: the answer to {kind.value} question {question.id} must hold "{key}" '
            f'(or "na"), e.g. {_EXAMPLES[kind]}{found}'
        )
        return problems
    if "comment" in answer and not isinstance(answer["comment"], str):
        problems.append(f"{format_path((*path, 'comment'))}: must be a string")
    for extra in extras:
        problems.append(
            f"{format_path((*path, extra))}: unexpected key in the answer to "
            f'{kind.value} question {question.id} (expected "{key}" or "na", '
            'and optionally "comment")'
        )
    if "na" in answer:
        if key in answer:
            problems.append(f'{format_path(path)}: "na" cannot be given beside "{key}"')
        if not question.allow_na:
            problems.append(
                f"{format_path((*path, 'na'))}: question {question.id} does not allow N/A"
            )
        reason = answer["na"]
        if not isinstance(reason, str) or not reason:
            problems.append(
                f"{format_path((*path, 'na'))}: the N/A reason must be a non-empty string, "
                f"not {_show(reason)}"
            )
        return problems
    problems.extend(_check_value(question, answer, path))
    return problems


def check_answer_map(ref: Referentiel, answers: object, path: Path = ("answers",)) -> list[str]:
    """Problems with a mapping of question id -> answer (§2, §5)."""
    if not isinstance(answers, Mapping):
        return [
            f"{format_path(path)}: must be an object mapping question ids to answers, "
            f"not {_show(answers) if not isinstance(answers, list) else 'a list'}"
        ]
    problems: list[str] = []
    questions = ref.questions_by_id
    for question_id, answer in answers.items():
        qpath = (*path, question_id)
        question = questions.get(question_id) if isinstance(question_id, str) else None
        if question is None:
            what = ref.id_kinds.get(question_id) if isinstance(question_id, str) else None
            hint = f" ({_show(question_id)} is a {what} id)" if what else ""
            problems.append(
                f"{format_path(qpath) if isinstance(question_id, str) else format_path(path)}: "
                f"unknown question id {_show(question_id)}{hint}"
            )
            continue
        problems.extend(check_answer(question, answer, qpath))
    return problems


def check_answers(ref: Referentiel, answers_doc: object) -> list[str]:
    """Problems with a whole answers file (§2 "The answers file", §5); empty when good."""
    if not isinstance(answers_doc, Mapping):
        return ['(answers file): must be a JSON object with an "answers" key']
    problems: list[str] = []
    for key in answers_doc:
        if key not in _TOP_LEVEL_KEYS:
            problems.append(
                f"{format_path((str(key),))}: unexpected top-level key "
                '(an answers file holds "answers" and optionally "referentiel")'
            )
    if "referentiel" in answers_doc:
        problems.extend(_check_reference(ref, answers_doc["referentiel"]))
    if "answers" not in answers_doc:
        problems.append("answers: is required")
    else:
        problems.extend(check_answer_map(ref, answers_doc["answers"]))
    return problems


def _check_reference(ref: Referentiel, value: object) -> Iterator[str]:
    if not isinstance(value, Mapping):
        yield 'referentiel: must be an object {"id": ..., "version": ...}'
        return
    for key in value:
        if key not in ("id", "version"):
            yield f"{format_path(('referentiel', str(key)))}: unexpected key (expected id, version)"
    for key, expected in (("id", ref.id), ("version", ref.version)):
        if key not in value:
            yield f"referentiel.{key}: is required when referentiel is given"
        elif value[key] != expected or not isinstance(value[key], str):
            yield (
                f"referentiel.{key}: {_show(value[key])} does not match the référentiel "
                f"being scored ({key} {_show(expected)})"
            )
