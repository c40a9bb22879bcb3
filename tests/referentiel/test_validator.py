"""One test per rule of the référentiel format (referentiel-format.md §1, §2)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from essor.referentiel.model import QuestionKind
from essor.referentiel.validator import (
    InvalidReferentiel,
    ValidationError,
    parse,
    schema,
    validate,
)
from tests.referentiel.helpers import FIXTURES, full_doc, minimal_doc, single, text

DELETE = object()

# Paths into fixtures/full.yaml.
P0 = ("pillars", 0)
D0 = (*P0, "dimensions", 0)  # pilotage: q-single, q-multiple, q-level; levels; impacts
D1 = (*P0, "dimensions", 1)  # donnees: q-grid, q-gridm
D2 = ("pillars", 1, "dimensions", 0)  # automatisation: q-number, q-max
Q_SINGLE = (*D0, "questions", 0)
Q_MULTIPLE = (*D0, "questions", 1)
Q_LEVEL = (*D0, "questions", 2)
Q_GRID = (*D1, "questions", 0)
Q_GRIDM = (*D1, "questions", 1)
Q_NUMBER = (*D2, "questions", 0)
Q_MAX = (*D2, "questions", 1)


def mutate(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    node = doc
    for part in path[:-1]:
        node = node[part]
    if value is DELETE:
        del node[path[-1]]
    elif isinstance(node, list) and path[-1] == len(node):
        node.append(value)
    else:
        node[path[-1]] = value
    return doc


def messages(doc: Any) -> list[str]:
    return [str(e) for e in validate(doc)]


def only_error(doc: Any) -> ValidationError:
    errors = validate(doc)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def test_fixtures_are_valid() -> None:
    for name in ("full.yaml", "full.json", "pillars.yaml"):
        from essor.referentiel.loader import load_file

        assert validate(load_file(FIXTURES / name)) == [], name
    assert validate(minimal_doc()) == []


def test_the_example_path_of_the_contract() -> None:
    from essor.referentiel.loader import load_file

    errors = [str(e) for e in validate(load_file(FIXTURES / "invalid.yaml"))]
    assert "pillars[1].dimensions[0].questions[2].options[1].weight: must be a number" in errors


CASES: list[tuple[str, tuple[Any, ...], Any, str, str]] = [
    # (name, path to change, new value, expected error path, expected message fragment)
    ("format missing", ("format",), DELETE, "format", "is required"),
    ("format wrong", ("format",), "essor-referentiel/2", "format", '"essor-referentiel/1"'),
    ("id missing", ("id",), DELETE, "id", "is required"),
    ("id uppercase", ("id",), "Essai", "id", "lowercase"),
    ("id underscore", ("id",), "essai_complet", "id", "lowercase"),
    ("id empty", ("id",), "", "id", "lowercase"),
    ("id trailing newline", ("id",), "essai\n", "id", "lowercase"),
    ("id not a string", ("id",), 12, "id", "must be a string"),
    ("version missing", ("version",), DELETE, "version", "is required"),
    ("version a number", ("version",), 2026.1, "version", "must be a string"),
    ("version empty", ("version",), "", "version", "must not be empty"),
    ("title missing", ("title",), DELETE, "title", "is required"),
    ("title a plain string", ("title",), "Titre", "title", "must be a mapping"),
    ("title misses a language", ("title",), {"fr": "Titre"}, "title.en", '"en"'),
    ("title empty text", ("title", "en"), "", "title.en", "must not be empty"),
    ("title text not a string", ("title", "en"), 3, "title.en", "must be a string"),
    ("description misses a language", ("description", "fr"), DELETE, "description.fr", '"fr"'),
    ("languages missing", ("languages",), DELETE, "languages", "is required"),
    ("languages empty", ("languages",), [], "languages", "must not be empty"),
    ("language repeated", ("languages",), ["fr", "en", "fr"], "languages[2]", "twice"),
    ("language not a string", ("languages", 1), 5, "languages[1]", "must be a string"),
    ("unknown top-level key", ("colour",), "red", "colour", "unknown key"),
    ("kpis not a list", ("kpis",), {}, "kpis", "must be a list"),
    (
        "kpi id repeated",
        ("kpis", 2),
        {"id": "cost", "title": text()},
        "kpis[2].id",
        'duplicate KPI id "cost" in the référentiel (already used at kpis[0])',
    ),
    ("kpi id syntax", ("kpis", 2), {"id": "co st", "title": text()}, "kpis[2].id", "must be an id"),
    (
        "kpi id non-ascii",
        ("kpis", 2),
        {"id": "coût", "title": text()},
        "kpis[2].id",
        "must be an id",
    ),
    ("kpi id missing", ("kpis", 2), {"title": text()}, "kpis[2].id", "is required"),
    ("kpi title language", ("kpis", 0, "title", "en"), DELETE, "kpis[0].title.en", '"en"'),
    ("kpi unknown key", ("kpis", 0, "weight"), 1, "kpis[0].weight", "unknown key"),
    ("bands missing", ("bands",), DELETE, "bands", "is required"),
    ("bands empty", ("bands",), [], "bands", "must not be empty"),
    ("first band not at 0", ("bands", 0, "from"), 5, "bands[0].from", "must be 0"),
    ("bands with a gap", ("bands", 2, "from"), 45, "bands[2].from", "must be 40"),
    ("bands overlapping", ("bands", 2, "from"), 35, "bands[2].from", "must be 40"),
    ("last band not at 100", ("bands", 4, "to"), 99, "bands[4].to", "must be 100"),
    ("band from a string", ("bands", 1, "from"), "20", "bands[1].from", "must be a number"),
    ("band to missing", ("bands", 1, "to"), DELETE, "bands[1].to", "is required"),
    ("band id repeated", ("bands", 3, "id"), "debutant", "bands[3].id", "duplicate band id"),
    ("band title language", ("bands", 2, "title", "fr"), DELETE, "bands[2].title.fr", '"fr"'),
    (
        "aggregation unknown",
        ("aggregation", "overall"),
        "questions",
        "aggregation.overall",
        "one of",
    ),
    ("aggregation unknown key", ("aggregation", "mode"), "x", "aggregation.mode", "unknown key"),
    ("pillars missing", ("pillars",), DELETE, "pillars", "is required"),
    ("pillars empty", ("pillars",), [], "pillars", "must not be empty"),
    ("pillar id syntax", (*P0, "id"), "a b", "pillars[0].id", "must be an id"),
    ("pillar title missing", (*P0, "title"), DELETE, "pillars[0].title", "is required"),
    ("pillar weight zero", (*P0, "weight"), 0, "pillars[0].weight", "greater than 0"),
    ("pillar weight negative", (*P0, "weight"), -1, "pillars[0].weight", "greater than 0"),
    ("pillar weight string", (*P0, "weight"), "2", "pillars[0].weight", "must be a number"),
    ("pillar weight bool", (*P0, "weight"), True, "pillars[0].weight", "must be a number"),
    ("pillar weight NaN", (*P0, "weight"), float("nan"), "pillars[0].weight", "finite"),
    ("pillar weight infinite", (*P0, "weight"), float("inf"), "pillars[0].weight", "finite"),
    ("pillar without dimension", (*P0, "dimensions"), [], "pillars[0].dimensions", "not be empty"),
    ("pillar unknown key", (*P0, "levels"), [], "pillars[0].levels", "unknown key"),
    ("dimension weight zero", (*D0, "weight"), 0, "pillars[0].dimensions[0].weight", "than 0"),
    (
        "dimension without question",
        (*D0, "questions"),
        [],
        f"{'pillars[0].dimensions[0]'}.questions",
        "not be empty",
    ),
    (
        "dimension questions missing",
        (*D0, "questions"),
        DELETE,
        "pillars[0].dimensions[0].questions",
        "is required",
    ),
    (
        "dimension title language",
        (*D1, "title", "en"),
        DELETE,
        "pillars[0].dimensions[1].title.en",
        '"en"',
    ),
    # The later of two equal ids (in document order) is the one reported.
    (
        "dimension same id as pillar",
        (*D0, "id"),
        "production",
        "pillars[1].id",
        'duplicate id "production": already the id of the dimension at pillars[0].dimensions[0]',
    ),
    (
        "question same id as dimension",
        (*Q_LEVEL, "id"),
        "donnees",
        "pillars[0].dimensions[1].id",
        "question at pillars[0].dimensions[0].questions[2]",
    ),
    (
        "dimension same id as question",
        (*D2, "id"),
        "q-grid",
        "pillars[1].dimensions[0].id",
        "question at pillars[0].dimensions[1].questions[0]",
    ),
    (
        "question same id as pillar",
        (*Q_NUMBER, "id"),
        "strategie",
        "pillars[1].dimensions[0].questions[0].id",
        "pillar at pillars[0]",
    ),
    (
        "question id repeated elsewhere",
        (*Q_MAX, "id"),
        "q-single",
        "pillars[1].dimensions[0].questions[1].id",
        "question at pillars[0].dimensions[0].questions[0]",
    ),
    (
        "level statement out of range",
        (*D0, "levels", 1, "level"),
        6,
        "pillars[0].dimensions[0].levels[1].level",
        "from 0 to 5",
    ),
    (
        "level statement negative",
        (*D0, "levels", 1, "level"),
        -1,
        "pillars[0].dimensions[0].levels[1].level",
        "from 0 to 5",
    ),
    (
        "level statement a float",
        (*D0, "levels", 1, "level"),
        2.0,
        "pillars[0].dimensions[0].levels[1].level",
        "must be an integer",
    ),
    (
        "level statement a bool",
        (*D0, "levels", 1, "level"),
        True,
        "pillars[0].dimensions[0].levels[1].level",
        "must be an integer",
    ),
    (
        "level described twice",
        (*D0, "levels", 1, "level"),
        0,
        "pillars[0].dimensions[0].levels[1].level",
        "already described",
    ),
    (
        "level text language",
        (*D0, "levels", 0, "text", "en"),
        DELETE,
        "pillars[0].dimensions[0].levels[0].text.en",
        '"en"',
    ),
    (
        "impacts unknown KPI",
        (*D0, "impacts", "cots"),
        1,
        "pillars[0].dimensions[0].impacts.cots",
        'unknown KPI id "cots"',
    ),
    (
        "impacts above 3",
        (*D0, "impacts", "cost"),
        4,
        "pillars[0].dimensions[0].impacts.cost",
        "from 0 to 3",
    ),
    (
        "impacts negative",
        (*D0, "impacts", "cost"),
        -1,
        "pillars[0].dimensions[0].impacts.cost",
        "from 0 to 3",
    ),
    (
        "impacts a float",
        (*D0, "impacts", "cost"),
        1.5,
        "pillars[0].dimensions[0].impacts.cost",
        "must be an integer",
    ),
    (
        "impacts a list",
        (*D0, "impacts"),
        ["cost"],
        "pillars[0].dimensions[0].impacts",
        "must be a mapping",
    ),
    (
        "technology id syntax",
        (*D0, "technologies", 1),
        "io t",
        "pillars[0].dimensions[0].technologies[1]",
        "must be an id",
    ),
    (
        "question kind unknown",
        (*Q_SINGLE, "kind"),
        "choice",
        "pillars[0].dimensions[0].questions[0].kind",
        "one of",
    ),
    (
        "question kind missing",
        (*Q_LEVEL, "kind"),
        DELETE,
        "pillars[0].dimensions[0].questions[2].kind",
        "is required",
    ),
    (
        "question id missing",
        (*Q_LEVEL, "id"),
        DELETE,
        "pillars[0].dimensions[0].questions[2].id",
        "is required",
    ),
    (
        "question text missing",
        (*Q_LEVEL, "text"),
        DELETE,
        "pillars[0].dimensions[0].questions[2].text",
        "is required",
    ),
    (
        "question text language",
        (*Q_LEVEL, "text", "fr"),
        DELETE,
        "pillars[0].dimensions[0].questions[2].text.fr",
        '"fr"',
    ),
    (
        "question help language",
        (*Q_SINGLE, "help", "en"),
        DELETE,
        "pillars[0].dimensions[0].questions[0].help.en",
        '"en"',
    ),
    (
        "question weight zero",
        (*Q_SINGLE, "weight"),
        0,
        "pillars[0].dimensions[0].questions[0].weight",
        "than 0",
    ),
    (
        "question weight infinite",
        (*Q_SINGLE, "weight"),
        float("inf"),
        "pillars[0].dimensions[0].questions[0].weight",
        "finite",
    ),
    (
        "allow_na not a bool",
        (*Q_MULTIPLE, "allow_na"),
        "yes",
        "pillars[0].dimensions[0].questions[1].allow_na",
        "true or false",
    ),
    (
        "unknown key on a question",
        (*Q_LEVEL, "options"),
        [],
        "pillars[0].dimensions[0].questions[2].options",
        'unknown key for a "level" question',
    ),
    (
        "single options missing",
        (*Q_SINGLE, "options"),
        DELETE,
        "pillars[0].dimensions[0].questions[0].options",
        'required for a "single" question',
    ),
    (
        "single options empty",
        (*Q_SINGLE, "options"),
        [],
        "pillars[0].dimensions[0].questions[0].options",
        "not be empty",
    ),
    (
        "single option value above 1",
        (*Q_SINGLE, "options", 2, "value"),
        1.5,
        "pillars[0].dimensions[0].questions[0].options[2].value",
        "between 0 and 1",
    ),
    (
        "single option value negative",
        (*Q_SINGLE, "options", 0, "value"),
        -0.1,
        "pillars[0].dimensions[0].questions[0].options[0].value",
        "between 0 and 1",
    ),
    (
        "single option value missing",
        (*Q_SINGLE, "options", 0, "value"),
        DELETE,
        "pillars[0].dimensions[0].questions[0].options[0].value",
        "is required",
    ),
    (
        "single option with weight",
        (*Q_SINGLE, "options", 0, "weight"),
        1,
        "pillars[0].dimensions[0].questions[0].options[0].weight",
        "unknown key",
    ),
    (
        "option id repeated",
        (*Q_SINGLE, "options", 2, "id"),
        "a",
        "pillars[0].dimensions[0].questions[0].options[2].id",
        'duplicate option id "a"',
    ),
    (
        "option text language",
        (*Q_SINGLE, "options", 1, "text", "en"),
        DELETE,
        "pillars[0].dimensions[0].questions[0].options[1].text.en",
        '"en"',
    ),
    (
        "single with max",
        (*Q_SINGLE, "max"),
        2,
        "pillars[0].dimensions[0].questions[0].max",
        "unknown key",
    ),
    (
        "multiple weight a string",
        (*Q_MULTIPLE, "options", 1, "weight"),
        "2",
        "pillars[0].dimensions[0].questions[1].options[1].weight",
        "must be a number",
    ),
    (
        "multiple weight NaN",
        (*Q_MULTIPLE, "options", 1, "weight"),
        float("nan"),
        "pillars[0].dimensions[0].questions[1].options[1].weight",
        "finite",
    ),
    (
        "multiple option with value",
        (*Q_MULTIPLE, "options", 1, "value"),
        1,
        "pillars[0].dimensions[0].questions[1].options[1].value",
        "unknown key",
    ),
    (
        "multiple max zero",
        (*Q_MAX, "max"),
        0,
        "pillars[1].dimensions[0].questions[1].max",
        "greater than 0",
    ),
    (
        "multiple max a string",
        (*Q_MAX, "max"),
        "2",
        "pillars[1].dimensions[0].questions[1].max",
        "must be a number",
    ),
    (
        "grid rows missing",
        (*Q_GRID, "rows"),
        DELETE,
        "pillars[0].dimensions[1].questions[0].rows",
        'required for a "grid" question',
    ),
    (
        "grid rows empty",
        (*Q_GRID, "rows"),
        [],
        "pillars[0].dimensions[1].questions[0].rows",
        "not be empty",
    ),
    (
        "grid columns empty",
        (*Q_GRID, "columns"),
        [],
        "pillars[0].dimensions[1].questions[0].columns",
        "not be empty",
    ),
    (
        "grid column value above 1",
        (*Q_GRID, "columns", 2, "value"),
        2,
        "pillars[0].dimensions[1].questions[0].columns[2].value",
        "between 0 and 1",
    ),
    (
        "grid column weight",
        (*Q_GRID, "columns", 2, "weight"),
        2,
        "pillars[0].dimensions[1].questions[0].columns[2].weight",
        "unknown key",
    ),
    (
        "grid row id repeated",
        (*Q_GRID, "rows", 2, "id"),
        "r1",
        "pillars[0].dimensions[1].questions[0].rows[2].id",
        'duplicate row id "r1"',
    ),
    (
        "grid column id repeated",
        (*Q_GRID, "columns", 1, "id"),
        "c0",
        "pillars[0].dimensions[1].questions[0].columns[1].id",
        'duplicate column id "c0"',
    ),
    (
        "grid row text language",
        (*Q_GRID, "rows", 0, "text", "fr"),
        DELETE,
        "pillars[0].dimensions[1].questions[0].rows[0].text.fr",
        '"fr"',
    ),
    (
        "grid row with value",
        (*Q_GRID, "rows", 0, "value"),
        1,
        "pillars[0].dimensions[1].questions[0].rows[0].value",
        "unknown key",
    ),
    (
        "grid_multiple weight zero",
        (*Q_GRIDM, "columns", 0, "weight"),
        0,
        "pillars[0].dimensions[1].questions[1].columns[0].weight",
        "greater than 0",
    ),
    (
        "grid_multiple weight negative",
        (*Q_GRIDM, "columns", 0, "weight"),
        -2,
        "pillars[0].dimensions[1].questions[1].columns[0].weight",
        "greater than 0",
    ),
    (
        "grid_multiple column value",
        (*Q_GRIDM, "columns", 0, "value"),
        1,
        "pillars[0].dimensions[1].questions[1].columns[0].value",
        "unknown key",
    ),
    (
        "number unit missing",
        (*Q_NUMBER, "unit"),
        DELETE,
        "pillars[1].dimensions[0].questions[0].unit",
        'required for a "number" question',
    ),
    (
        "number unit language",
        (*Q_NUMBER, "unit", "en"),
        DELETE,
        "pillars[1].dimensions[0].questions[0].unit.en",
        '"en"',
    ),
    (
        "number thresholds missing",
        (*Q_NUMBER, "thresholds"),
        DELETE,
        "pillars[1].dimensions[0].questions[0].thresholds",
        "is required",
    ),
    (
        "number thresholds empty",
        (*Q_NUMBER, "thresholds"),
        [],
        "pillars[1].dimensions[0].questions[0].thresholds",
        "not be empty",
    ),
    (
        "thresholds not increasing",
        (*Q_NUMBER, "thresholds", 2, "from"),
        5,
        "pillars[1].dimensions[0].questions[0].thresholds[2].from",
        "previous threshold's `from` (10)",
    ),
    (
        "thresholds repeated from",
        (*Q_NUMBER, "thresholds", 1, "from"),
        0,
        "pillars[1].dimensions[0].questions[0].thresholds[1].from",
        "greater than",
    ),
    (
        "threshold value above 1",
        (*Q_NUMBER, "thresholds", 1, "value"),
        50,
        "pillars[1].dimensions[0].questions[0].thresholds[1].value",
        "between 0 and 1",
    ),
    (
        "threshold from a string",
        (*Q_NUMBER, "thresholds", 1, "from"),
        "10",
        "pillars[1].dimensions[0].questions[0].thresholds[1].from",
        "must be a number",
    ),
    (
        "threshold unknown key",
        (*Q_NUMBER, "thresholds", 1, "to"),
        20,
        "pillars[1].dimensions[0].questions[0].thresholds[1].to",
        "unknown key",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "where", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_rule_reports_one_error_at_its_path(
    path: tuple[Any, ...], value: Any, where: str, fragment: str
) -> None:
    error = only_error(mutate(full_doc(), path, value))
    assert error.path == where
    assert fragment in error.message
    assert str(error) == f"{where}: {error.message}"


def test_document_must_be_a_mapping() -> None:
    doc: object
    for doc in (None, [], "format: x", 3):
        assert messages(doc) == ["(document): must be a mapping (the référentiel document)"]


def test_text_may_hold_languages_beyond_the_listed_ones() -> None:
    doc = mutate(full_doc(), ("title", "de"), "Testrahmen")
    assert validate(doc) == []


def test_ids_accept_letters_digits_dash_underscore_dot() -> None:
    doc = minimal_doc(single("Q_1.a-b"))
    doc["pillars"][0]["id"] = "P.1"
    assert validate(doc) == []


def test_impacts_need_declared_kpis() -> None:
    doc = minimal_doc()
    doc["pillars"][0]["dimensions"][0]["impacts"] = {"cost": 1}
    assert messages(doc) == [
        'pillars[0].dimensions[0].impacts.cost: unknown KPI id "cost" '
        "(the référentiel declares no kpis)"
    ]


def test_multiple_without_positive_weight_requires_max() -> None:
    question: dict[str, Any] = {
        "id": "q",
        "kind": "multiple",
        "text": text(),
        "options": [
            {"id": "a", "text": text(), "weight": 0},
            {"id": "b", "text": text(), "weight": -1},
        ],
    }
    assert messages(minimal_doc(question)) == [
        "pillars[0].dimensions[0].questions[0].max: "
        "is required because no option has a positive weight"
    ]
    question["max"] = 2
    assert validate(minimal_doc(question)) == []


def test_multiple_option_weights_may_be_negative_or_zero() -> None:
    doc = full_doc()
    mutate(doc, (*Q_MULTIPLE, "options", 0, "weight"), 0)
    mutate(doc, (*Q_MULTIPLE, "options", 2, "weight"), -2.5)
    assert validate(doc) == []


def test_a_row_and_a_column_may_share_an_id() -> None:
    doc = mutate(full_doc(), (*Q_GRID, "columns", 0, "id"), "r1")
    assert validate(doc) == []


def test_band_edges_may_be_decimals_and_to_must_exceed_from() -> None:
    doc = minimal_doc()
    doc["bands"] = [
        {"id": "a", "from": 0, "to": 33.3, "title": text()},
        {"id": "b", "from": 33.3, "to": 100, "title": text()},
    ]
    assert validate(doc) == []
    doc["bands"] = [
        {"id": "a", "from": 0, "to": 50, "title": text()},
        {"id": "b", "from": 50, "to": 50, "title": text()},
        {"id": "c", "from": 50, "to": 100, "title": text()},
    ]
    assert messages(doc) == ["bands[1].to: must be greater than `from` (50)"]


def test_unsorted_bands_are_reported() -> None:
    doc = minimal_doc()
    doc["bands"] = [
        {"id": "high", "from": 50, "to": 100, "title": text()},
        {"id": "low", "from": 0, "to": 50, "title": text()},
    ]
    assert messages(doc) == [
        "bands[0].from: must be 0 (the first band starts at 0)",
        "bands[1].from: must be 100, the previous band's `to` (bands are sorted and contiguous)",
        "bands[1].to: must be 100 (the last band ends at 100)",
    ]


def test_a_dimension_may_hold_level_questions_without_levels() -> None:
    doc = minimal_doc({"id": "q", "kind": "level", "text": text()})
    assert validate(doc) == []


def test_aggregation_may_be_omitted_or_empty() -> None:
    doc = full_doc()
    del doc["aggregation"]
    assert parse(doc).overall == "dimensions"
    doc["aggregation"] = {}
    assert parse(doc).overall == "dimensions"
    doc["aggregation"] = {"overall": "pillars"}
    assert parse(doc).overall == "pillars"


def test_non_string_mapping_keys_are_reported() -> None:
    doc = full_doc()
    doc["pillars"][0]["title"] = {1: "un", "en": "one"}
    assert messages(doc) == ["pillars[0].title: key 1 must be a string"]


def test_huge_integer_weight_is_not_finite() -> None:
    doc = mutate(full_doc(), (*Q_SINGLE, "weight"), 10**400)
    assert messages(doc) == [
        "pillars[0].dimensions[0].questions[0].weight: must be a finite number "
        "(this one is too large)"
    ]


def test_errors_are_deduplicated_and_in_document_order() -> None:
    doc = full_doc()
    mutate(doc, (*Q_NUMBER, "thresholds", 2, "from"), 5)
    mutate(doc, ("pillars", 1, "title", "en"), DELETE)
    mutate(doc, ("bands", 4, "to"), 90)
    mutate(doc, (*Q_SINGLE, "weight"), "heavy")
    mutate(doc, ("version",), 1)
    mutate(doc, (*Q_GRID, "rows", 2, "id"), "r1")
    assert [e.path for e in validate(doc)] == [
        "version",
        "bands[4].to",
        "pillars[0].dimensions[0].questions[0].weight",
        "pillars[0].dimensions[1].questions[0].rows[2].id",
        "pillars[1].title.en",
        "pillars[1].dimensions[0].questions[0].thresholds[2].from",
    ]


def test_a_missing_key_sorts_after_the_existing_keys_of_its_parent() -> None:
    doc = full_doc()
    mutate(doc, (*Q_GRID, "columns"), DELETE)
    mutate(doc, (*Q_GRID, "rows", 0, "id"), "bad id")
    assert [e.path for e in validate(doc)] == [
        "pillars[0].dimensions[1].questions[0].rows[0].id",
        "pillars[0].dimensions[1].questions[0].columns",
    ]


def test_every_problem_is_reported_not_only_the_first() -> None:
    doc = full_doc()
    for index in range(3):
        mutate(doc, (*Q_GRID, "columns", index, "value"), 7)
    assert len(validate(doc)) == 3


def test_parse_raises_with_every_error() -> None:
    doc = mutate(full_doc(), ("version",), 3)
    with pytest.raises(InvalidReferentiel) as caught:
        parse(doc)
    assert [str(e) for e in caught.value.errors] == ["version: must be a string"]
    assert str(caught.value) == "version: must be a string"


def test_parse_applies_defaults_and_builds_lookup_tables() -> None:
    ref = parse(full_doc())
    q = ref.questions_by_id
    assert q["q-level"].weight == 1.0 and q["q-level"].allow_na is False
    assert q["q-multiple"].divisor == 3.0  # sum of the positive weights 1 + 2
    assert q["q-max"].divisor == 2.0  # the given max
    assert q["q-gridm"].divisor == 8.0  # 2 rows x (1 + 3)
    assert dict(q["q-single"].lookup) == {"a": 0.0, "b": 0.5, "c": 1.0}
    assert q["q-number"].threshold_froms == (0.0, 10.0, 50.0)
    assert q["q-grid"].kind is QuestionKind.GRID
    assert ref.pillars[1].weight == 1.0
    assert [d.id for d in ref.dimensions] == [
        "pilotage",
        "donnees",
        "automatisation",
        "maintenance",
    ]
    assert ref.dimensions[0].impacts == {"cost": 2, "quality": 3}
    assert ref.dimensions[0].technologies == ("robotique", "iot")
    assert ref.id_kinds["strategie"] == "pillar"


def test_the_shipped_schema_is_a_valid_draft_2020_12_schema() -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema())
    # A plain JSON Schema validator accepts the valid fixtures too.
    assert list(Draft202012Validator(schema()).iter_errors(full_doc())) == []
    assert json.loads((FIXTURES / "full.json").read_text("utf-8")) == full_doc()


def test_the_shipped_referentiel_is_valid_when_present() -> None:
    from pathlib import Path

    import essor.referentiel

    data = Path(essor.referentiel.__file__).parent / "data"
    from essor.referentiel.loader import load_file

    files = sorted(data.glob("*.yaml")) + sorted(data.glob("*.json")) if data.exists() else []
    docs = {f.name: load_file(f) for f in files}
    referentiels = {
        name: doc
        for name, doc in docs.items()
        if isinstance(doc, dict) and doc.get("format") == "essor-referentiel/1"
    }
    if not referentiels:
        pytest.skip("no référentiel shipped yet")
    for name, doc in referentiels.items():
        assert [str(e) for e in validate(doc)] == [], name
