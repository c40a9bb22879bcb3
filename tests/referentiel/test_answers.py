"""Strictness of answers (referentiel-format.md §2 and §5), checked against fixtures/full.yaml.

Questions: q-single (single a/b/c), q-multiple (multiple x/y/z, allow_na), q-level (level),
q-grid (grid r1..r3 x c0..c2), q-gridm (grid_multiple r1, r2 x k1, k2),
q-number (number, allow_na), q-max (multiple with max), q-maint (single, allow_na).
"""

from __future__ import annotations

from typing import Any

import pytest

from essor.referentiel.scoring import AnswersError, check_answer_map, check_answers, score
from tests.referentiel.helpers import full_ref

REF = full_ref()


def problems(answers: dict[str, Any]) -> list[str]:
    return check_answer_map(REF, answers)


GOOD: list[tuple[str, Any]] = [
    ("q-single", {"option": "a"}),
    ("q-single", {"option": "c", "comment": "sure"}),
    ("q-single", {"option": "c", "comment": ""}),
    ("q-multiple", {"options": []}),
    ("q-multiple", {"options": ["z", "x"]}),
    ("q-multiple", {"na": "no tools at all"}),
    ("q-multiple", {"na": "n/a", "comment": "asked twice"}),
    ("q-level", {"level": 0}),
    ("q-level", {"level": 5}),
    ("q-grid", {"rows": {"r2": "c0"}}),
    ("q-grid", {"rows": {"r1": "c0", "r2": "c1", "r3": "c2"}}),
    ("q-gridm", {"rows": {}}),
    ("q-gridm", {"rows": {"r1": [], "r2": ["k2", "k1"]}}),
    ("q-number", {"number": 0}),
    ("q-number", {"number": -12.5}),
    ("q-number", {"number": 10**30}),
    ("q-number", {"na": "no robots"}),
]


@pytest.mark.parametrize(("question", "answer"), GOOD)
def test_good_answers_are_accepted(question: str, answer: Any) -> None:
    assert problems({question: answer}) == []


BAD: list[tuple[str, str, Any, str]] = [
    # (case, question, answer, expected problem)
    ("null answer", "q-single", None, "answers.q-single: null is not an answer"),
    (
        "answer a string",
        "q-single",
        "b",
        'answers.q-single: the answer to single question q-single must be an object such as {"option": "<option id>"}, not "b"',
    ),
    (
        "answer a list",
        "q-multiple",
        ["x"],
        "answers.q-multiple: the answer to multiple question q-multiple must be an object",
    ),
    (
        "empty answer",
        "q-level",
        {},
        'answers.q-level: the answer to level question q-level must hold "level" (or "na")',
    ),
    ("comment only", "q-level", {"comment": "later"}, 'must hold "level"'),
    (
        "key of another kind",
        "q-single",
        {"options": ["a"]},
        'answers.q-single: the answer to single question q-single must hold "option" (or "na"), e.g. {"option": "<option id>"}; found "options"',
    ),
    ("extra key", "q-level", {"level": 2, "note": "x"}, "answers.q-level.note: unexpected key"),
    (
        "comment not a string",
        "q-level",
        {"level": 2, "comment": 3},
        "answers.q-level.comment: must be a string",
    ),
    (
        "comment null",
        "q-level",
        {"level": 2, "comment": None},
        "answers.q-level.comment: must be a string",
    ),
    (
        "na beside the answer",
        "q-multiple",
        {"options": [], "na": "x"},
        'answers.q-multiple: "na" cannot be given beside "options"',
    ),
    (
        "na not allowed",
        "q-single",
        {"na": "x"},
        "answers.q-single.na: question q-single does not allow N/A",
    ),
    (
        "na empty reason",
        "q-number",
        {"na": ""},
        "answers.q-number.na: the N/A reason must be a non-empty string",
    ),
    (
        "na null reason",
        "q-number",
        {"na": None},
        "answers.q-number.na: the N/A reason must be a non-empty string, not null",
    ),
    ("na true reason", "q-number", {"na": True}, "not true"),
    (
        "single unknown option",
        "q-single",
        {"option": "d"},
        'answers.q-single.option: unknown option "d" (this question has: a, b, c)',
    ),
    (
        "single option not a string",
        "q-single",
        {"option": 1},
        "answers.q-single.option: must be an option id (a string), not 1",
    ),
    ("single option null", "q-single", {"option": None}, "not null"),
    (
        "single option list",
        "q-single",
        {"option": ["a"]},
        "answers.q-single.option: must be an option id",
    ),
    (
        "multiple not a list",
        "q-multiple",
        {"options": "x"},
        'answers.q-multiple.options: must be a list of option ids, not "x"',
    ),
    (
        "multiple null",
        "q-multiple",
        {"options": None},
        "answers.q-multiple.options: must be a list",
    ),
    (
        "multiple unknown id",
        "q-multiple",
        {"options": ["x", "w"]},
        'answers.q-multiple.options[1]: unknown option "w"',
    ),
    (
        "multiple repeated id",
        "q-multiple",
        {"options": ["x", "y", "x"]},
        'answers.q-multiple.options[2]: option "x" is repeated',
    ),
    (
        "multiple null item",
        "q-multiple",
        {"options": [None]},
        "answers.q-multiple.options[0]: must be an option id",
    ),
    (
        "grid with no row",
        "q-grid",
        {"rows": {}},
        "answers.q-grid.rows: at least one row must be answered",
    ),
    (
        "grid rows a list",
        "q-grid",
        {"rows": ["r1"]},
        "answers.q-grid.rows: must be an object mapping row ids to column ids",
    ),
    (
        "grid unknown row",
        "q-grid",
        {"rows": {"r9": "c0"}},
        'answers.q-grid.rows.r9: unknown row "r9" (this question has: r1, r2, r3)',
    ),
    (
        "grid row null",
        "q-grid",
        {"rows": {"r1": None}},
        "answers.q-grid.rows.r1: null is not allowed",
    ),
    (
        "grid unknown column",
        "q-grid",
        {"rows": {"r1": "c9"}},
        'answers.q-grid.rows.r1: unknown column "c9" (this question has: c0, c1, c2)',
    ),
    (
        "grid several columns",
        "q-grid",
        {"rows": {"r1": ["c0"]}},
        "answers.q-grid.rows.r1: must be a column id (a string)",
    ),
    (
        "grid_multiple row null",
        "q-gridm",
        {"rows": {"r1": None}},
        "answers.q-gridm.rows.r1: null is not allowed",
    ),
    (
        "grid_multiple row a string",
        "q-gridm",
        {"rows": {"r1": "k1"}},
        'answers.q-gridm.rows.r1: must be a list of column ids, not "k1"',
    ),
    (
        "grid_multiple repeated column",
        "q-gridm",
        {"rows": {"r1": ["k1", "k1"]}},
        'answers.q-gridm.rows.r1[1]: column "k1" is repeated',
    ),
    (
        "grid_multiple unknown column",
        "q-gridm",
        {"rows": {"r2": ["k9"]}},
        'answers.q-gridm.rows.r2[0]: unknown column "k9"',
    ),
    (
        "grid_multiple unknown row",
        "q-gridm",
        {"rows": {"r3": []}},
        'answers.q-gridm.rows.r3: unknown row "r3"',
    ),
    (
        "grid_multiple rows null",
        "q-gridm",
        {"rows": None},
        "answers.q-gridm.rows: must be an object",
    ),
    (
        "level 2.5",
        "q-level",
        {"level": 2.5},
        "answers.q-level.level: must be a JSON integer from 0 to 5, not 2.5",
    ),
    (
        "level 3.0",
        "q-level",
        {"level": 3.0},
        "answers.q-level.level: must be a JSON integer from 0 to 5, not 3.0",
    ),
    (
        "level string",
        "q-level",
        {"level": "3"},
        'answers.q-level.level: must be a JSON integer from 0 to 5, not "3"',
    ),
    (
        "level true",
        "q-level",
        {"level": True},
        "answers.q-level.level: must be a JSON integer from 0 to 5, not true",
    ),
    ("level false", "q-level", {"level": False}, "not false"),
    ("level 6", "q-level", {"level": 6}, "not 6"),
    ("level -1", "q-level", {"level": -1}, "not -1"),
    ("level null", "q-level", {"level": None}, "not null"),
    (
        "number string",
        "q-number",
        {"number": "12"},
        'answers.q-number.number: must be a JSON number, not "12"',
    ),
    (
        "number bool",
        "q-number",
        {"number": True},
        "answers.q-number.number: must be a JSON number, not true",
    ),
    ("number null", "q-number", {"number": None}, "not null"),
    (
        "number NaN",
        "q-number",
        {"number": float("nan")},
        "answers.q-number.number: must be a finite number, not nan",
    ),
    (
        "number infinite",
        "q-number",
        {"number": float("inf")},
        "answers.q-number.number: must be a finite number, not inf",
    ),
    ("number -infinite", "q-number", {"number": float("-inf")}, "must be a finite number"),
]


@pytest.mark.parametrize(
    ("question", "answer", "expected"), [c[1:] for c in BAD], ids=[c[0] for c in BAD]
)
def test_bad_answers_are_refused_naming_the_question(
    question: str, answer: Any, expected: str
) -> None:
    found = problems({question: answer})
    assert len(found) == 1, found
    assert expected in found[0]
    assert question in found[0]
    with pytest.raises(AnswersError):
        score(REF, {question: answer})


def test_unknown_question_ids_are_refused() -> None:
    assert problems({"q-nope": {"level": 1}}) == ['answers.q-nope: unknown question id "q-nope"']
    assert problems({"donnees": {"level": 1}}) == [
        'answers.donnees: unknown question id "donnees" ("donnees" is a dimension id)'
    ]


def test_an_odd_question_id_is_quoted_in_the_path() -> None:
    assert problems({"a b": {}}) == ['answers["a b"]: unknown question id "a b"']


def test_every_problem_is_reported() -> None:
    found = problems({"q-level": {"level": 9}, "q-single": {"option": "z"}, "zz": {}})
    assert len(found) == 3


def test_answers_must_be_an_object() -> None:
    assert problems([]) == [  # type: ignore[arg-type]
        "answers: must be an object mapping question ids to answers, not a list"
    ]


DOC_CASES: list[tuple[str, Any, str]] = [
    ("not an object", [], '(answers file): must be a JSON object with an "answers" key'),
    ("answers missing", {}, "answers: is required"),
    (
        "answers missing beside referentiel",
        {"referentiel": {"id": "essai-complet", "version": "1.0"}},
        "answers: is required",
    ),
    (
        "answers null",
        {"answers": None},
        "answers: must be an object mapping question ids to answers, not null",
    ),
    ("extra top-level key", {"answers": {}, "company": "x"}, "company: unexpected top-level key"),
    (
        "referentiel not an object",
        {"answers": {}, "referentiel": "essai-complet"},
        "referentiel: must be an object",
    ),
    (
        "referentiel id differs",
        {"answers": {}, "referentiel": {"id": "autre", "version": "1.0"}},
        'referentiel.id: "autre" does not match the référentiel being scored (id "essai-complet")',
    ),
    (
        "referentiel version differs",
        {"answers": {}, "referentiel": {"id": "essai-complet", "version": "2.0"}},
        'referentiel.version: "2.0" does not match',
    ),
    (
        "referentiel version a number",
        {"answers": {}, "referentiel": {"id": "essai-complet", "version": 1.0}},
        "referentiel.version: 1.0 does not match",
    ),
    (
        "referentiel version missing",
        {"answers": {}, "referentiel": {"id": "essai-complet"}},
        "referentiel.version: is required",
    ),
    (
        "referentiel id missing",
        {"answers": {}, "referentiel": {"version": "1.0"}},
        "referentiel.id: is required",
    ),
    (
        "referentiel extra key",
        {"answers": {}, "referentiel": {"id": "essai-complet", "version": "1.0", "title": "x"}},
        "referentiel.title: unexpected key",
    ),
]


@pytest.mark.parametrize(
    ("doc", "expected"), [c[1:] for c in DOC_CASES], ids=[c[0] for c in DOC_CASES]
)
def test_answers_file_rules(doc: Any, expected: str) -> None:
    found = check_answers(REF, doc)
    assert len(found) == 1, found
    assert found[0].startswith(expected)


def test_answers_file_without_referentiel_is_accepted() -> None:
    assert check_answers(REF, {"answers": {"q-level": {"level": 1}}}) == []
    assert (
        check_answers(
            REF, {"referentiel": {"id": "essai-complet", "version": "1.0"}, "answers": {}}
        )
        == []
    )
