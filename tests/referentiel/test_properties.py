"""Property tests of validation and scoring (referentiel-format.md §2, §3, §6)."""

from __future__ import annotations

import copy
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from essor.referentiel.model import QuestionKind, Referentiel, to_document
from essor.referentiel.scoring import (
    _rate,
    band_for,
    check_answer_map,
    round_score,
    score,
    score_validated,
)
from essor.referentiel.validator import parse, validate

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

unit = st.floats(0, 1, allow_nan=False)
positive = st.floats(0.01, 10, allow_nan=False)


def text(label: str) -> dict[str, str]:
    return {"fr": label, "en": label}


@st.composite
def questions(draw: st.DrawFn, qid: str) -> dict[str, Any]:
    kind = draw(st.sampled_from([k.value for k in QuestionKind]))
    q: dict[str, Any] = {"id": qid, "kind": kind, "text": text(qid)}
    if draw(st.booleans()):
        q["weight"] = draw(positive)
    if draw(st.booleans()):
        q["allow_na"] = draw(st.booleans())
    if kind == "single":
        values = draw(st.lists(unit, min_size=1, max_size=4))
        q["options"] = [
            {"id": f"o{i}", "text": text("o"), "value": v} for i, v in enumerate(values)
        ]
    elif kind == "multiple":
        weights = draw(st.lists(st.floats(-3, 3, allow_nan=False), min_size=1, max_size=4))
        q["options"] = [
            {"id": f"o{i}", "text": text("o"), "weight": w} for i, w in enumerate(weights)
        ]
        if not any(w > 0 for w in weights) or draw(st.booleans()):
            q["max"] = draw(positive)
    elif kind in ("grid", "grid_multiple"):
        rows = draw(st.integers(1, 3))
        q["rows"] = [{"id": f"r{i}", "text": text("r")} for i in range(rows)]
        if kind == "grid":
            values = draw(st.lists(unit, min_size=1, max_size=4))
            q["columns"] = [
                {"id": f"c{i}", "text": text("c"), "value": v} for i, v in enumerate(values)
            ]
        else:
            weights = draw(st.lists(positive, min_size=1, max_size=3))
            q["columns"] = [
                {"id": f"c{i}", "text": text("c"), "weight": w} for i, w in enumerate(weights)
            ]
    elif kind == "number":
        froms = sorted(draw(st.sets(st.integers(-50, 150), min_size=1, max_size=4)))
        q["unit"] = text("u")
        q["thresholds"] = [{"from": f, "value": draw(unit)} for f in froms]
    return q


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    edges = sorted(draw(st.sets(st.integers(1, 9999), max_size=4)))
    points = [0, *(e / 100 for e in edges), 100]
    bands = [
        {"id": f"b{i}", "from": points[i], "to": points[i + 1], "title": text("b")}
        for i in range(len(points) - 1)
    ]
    counter = iter(range(1000))
    pillars = []
    for p in range(draw(st.integers(1, 3))):
        dimensions = []
        for d in range(draw(st.integers(1, 3))):
            qs = [draw(questions(f"q{next(counter)}")) for _ in range(draw(st.integers(1, 4)))]
            dimension: dict[str, Any] = {"id": f"p{p}d{d}", "title": text("d"), "questions": qs}
            if draw(st.booleans()):
                dimension["weight"] = draw(positive)
            dimensions.append(dimension)
        pillar: dict[str, Any] = {"id": f"p{p}", "title": text("p"), "dimensions": dimensions}
        if draw(st.booleans()):
            pillar["weight"] = draw(positive)
        pillars.append(pillar)
    doc: dict[str, Any] = {
        "format": "essor-referentiel/1",
        "id": "prop",
        "version": "1",
        "title": text("t"),
        "languages": ["fr", "en"],
        "bands": bands,
        "pillars": pillars,
    }
    overall = draw(st.sampled_from([None, "dimensions", "pillars"]))
    if overall:
        doc["aggregation"] = {"overall": overall}
    return doc


def answer_for(draw: st.DrawFn, q: Any) -> Any:
    ids = list(q.lookup)
    kind = q.kind
    if kind is QuestionKind.SINGLE:
        return {"option": draw(st.sampled_from(ids))}
    if kind is QuestionKind.MULTIPLE:
        return {"options": draw(st.lists(st.sampled_from(ids), unique=True))}
    rows = [r.id for r in q.rows]
    if kind is QuestionKind.GRID:
        chosen = draw(st.lists(st.sampled_from(rows), min_size=1, unique=True))
        return {"rows": {r: draw(st.sampled_from(ids)) for r in chosen}}
    if kind is QuestionKind.GRID_MULTIPLE:
        chosen = draw(st.lists(st.sampled_from(rows), unique=True))
        return {"rows": {r: draw(st.lists(st.sampled_from(ids), unique=True)) for r in chosen}}
    if kind is QuestionKind.LEVEL:
        return {"level": draw(st.integers(0, 5))}
    return {"number": draw(st.one_of(st.integers(-100, 200), st.floats(-1e6, 1e6)))}


@st.composite
def scored(draw: st.DrawFn) -> tuple[dict[str, Any], Referentiel, dict[str, Any]]:
    doc = draw(documents())
    ref = parse(doc)
    answers: dict[str, Any] = {}
    for q in ref.questions:
        choice = draw(st.sampled_from(["answer", "answer", "none", "na"]))
        if choice == "answer":
            answers[q.id] = answer_for(draw, q)
        elif choice == "na" and q.allow_na:
            answers[q.id] = {"na": "not here"}
    return doc, ref, answers


def all_scores(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [result["overall"], *result["pillars"].values(), *result["dimensions"].values()]


@SETTINGS
@given(scored())
def test_scores_are_bounded_banded_and_counted(case: Any) -> None:
    _, ref, answers = case
    assert check_answer_map(ref, answers) == []
    result = score(ref, answers)
    for entry in all_scores(result):
        value = entry["score"]
        assert value is None or 0.0 <= value <= 100.0
        assert (value is None) == (entry["band"] is None)
    for dimension in ref.dimensions:
        entry = result["dimensions"][dimension.id]
        assert entry["answered"] + entry["na"] + entry["unanswered"] == len(dimension.questions)
        assert (entry["score"] is None) == (entry["answered"] == 0)


@SETTINGS
@given(scored())
def test_scoring_is_deterministic_and_survives_export(case: Any) -> None:
    doc, ref, answers = case
    first = score(ref, answers)
    assert score(ref, copy.deepcopy(answers)) == first
    assert score(parse(copy.deepcopy(doc)), answers) == first
    exported = to_document(ref)
    assert validate(exported) == []
    assert score(parse(json.loads(json.dumps(exported))), answers) == first


@SETTINGS
@given(scored(), st.data())
def test_an_na_answer_changes_no_score(case: Any, data: st.DataObject) -> None:
    _, ref, answers = case
    candidates = [q for q in ref.questions if q.allow_na and q.id not in answers]
    answered = [q for q in ref.questions if q.allow_na and q.id in answers]
    assume(candidates or answered)
    before = score(ref, answers)
    if candidates:
        q = data.draw(st.sampled_from(candidates))
        after = score(ref, {**answers, q.id: {"na": "not relevant"}})
    else:  # an answer turned N/A scores like no answer at all
        q = data.draw(st.sampled_from(answered))
        after = score(ref, {**answers, q.id: {"na": "not relevant"}})
        before = score(ref, {k: v for k, v in answers.items() if k != q.id})
    dim = ref.dimension_of[q.id].id
    for key in ("overall", "pillars"):
        assert after[key] == before[key]
    for dimension_id, entry in after["dimensions"].items():
        other = before["dimensions"][dimension_id]
        assert (entry["score"], entry["band"]) == (other["score"], other["band"])
        if dimension_id == dim:
            assert entry["na"] == other["na"] + 1
            assert entry["unanswered"] == other["unanswered"] - 1
        else:
            assert entry == other


def improve(q: Any, answer: dict[str, Any], data: st.DataObject) -> dict[str, Any] | None:
    """A better-or-equal answer to q, or None when the kind has no such move here."""
    kind = q.kind
    lookup = q.lookup
    if kind is QuestionKind.SINGLE:
        better = [o for o, v in lookup.items() if v >= lookup[answer["option"]]]
        return {"option": data.draw(st.sampled_from(better))}
    if kind is QuestionKind.LEVEL:
        return {"level": data.draw(st.integers(answer["level"], 5))}
    if kind is QuestionKind.MULTIPLE:
        extra = [o for o, w in lookup.items() if w >= 0 and o not in answer["options"]]
        return (
            {"options": [*answer["options"], data.draw(st.sampled_from(extra))]} if extra else None
        )
    if kind is QuestionKind.GRID:
        row = data.draw(st.sampled_from(sorted(answer["rows"])))
        current = lookup[answer["rows"][row]]
        better = [c for c, v in lookup.items() if v >= current]
        return {"rows": {**answer["rows"], row: data.draw(st.sampled_from(better))}}
    if kind is QuestionKind.GRID_MULTIPLE:
        row = data.draw(st.sampled_from([r.id for r in q.rows]))
        chosen = answer["rows"].get(row, [])
        extra = [c for c in lookup if c not in chosen]
        if not extra:
            return None
        return {"rows": {**answer["rows"], row: [*chosen, data.draw(st.sampled_from(extra))]}}
    if list(q.threshold_values) == sorted(q.threshold_values):  # number, values non-decreasing
        return {"number": answer["number"] + data.draw(st.integers(0, 100))}
    return None


@SETTINGS
@given(scored(), st.data())
def test_a_better_answer_never_lowers_a_score(case: Any, data: st.DataObject) -> None:
    _, ref, answers = case
    real = [q for q in ref.questions if q.id in answers and "na" not in answers[q.id]]
    assume(real)
    q = data.draw(st.sampled_from(real))
    better = improve(q, answers[q.id], data)
    assume(better is not None)
    before = score(ref, answers)
    after = score(ref, {**answers, q.id: better})
    for old, new in zip(all_scores(before), all_scores(after), strict=True):
        assert (old["score"] is None) == (new["score"] is None)
        if old["score"] is not None:
            assert new["score"] >= old["score"]
            old_band = [b.id for b in ref.bands].index(old["band"])
            assert [b.id for b in ref.bands].index(new["band"]) >= old_band


@SETTINGS
@given(documents())
def test_band_edges_are_half_open(doc: dict[str, Any]) -> None:
    ref = parse(doc)
    for index, band in enumerate(ref.bands):
        assert band_for(ref, band.from_) is band
        assert band_for(ref, band.to - 0.001) is band
        if index + 1 < len(ref.bands):
            assert band_for(ref, band.to) is ref.bands[index + 1]
    assert band_for(ref, 100) is ref.bands[-1]
    assert band_for(ref, 0) is ref.bands[0]


@SETTINGS
@given(
    documents(),
    st.one_of(
        st.floats(0, 100),
        st.integers(0, 10000).map(lambda n: n / 100),
        st.integers(0, 100000).map(lambda n: n / 1000),
        st.tuples(
            st.integers(0, 10000), st.sampled_from([1e-12, -1e-12, 4e-10, -4e-10, 6e-10, -6e-10])
        ).map(lambda t: min(100.0, max(0.0, t[0] / 100 + t[1]))),
    ),
)
def test_the_fast_rating_matches_the_rules(doc: dict[str, Any], x: float) -> None:
    ref = parse(doc)
    band = band_for(ref, x)
    assert band is not None
    ref.rating_cache.clear()
    assert _rate(ref, x) == (round_score(x), band.id)


@settings(max_examples=2000, deadline=None, database=None)
@given(st.floats(-1e9, 1e9, allow_nan=False))
def test_rounding_is_half_away_from_zero_on_the_decimal_value(x: float) -> None:
    expected = float(Decimal(repr(round(x, 9))).quantize(Decimal("0.01"), ROUND_HALF_UP))
    assert round_score(x) == expected
    assert abs(expected - x) <= 0.005 + 1e-6 * max(1.0, abs(x))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += paths(child, (*prefix, index))
    return found


@SETTINGS
@given(documents(), st.data())
def test_validation_never_crashes_on_a_damaged_document(
    doc: dict[str, Any], data: st.DataObject
) -> None:
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths(doc)[1:]))
        node = doc
        for part in path[:-1]:
            node = node[part]
        if data.draw(st.booleans()) and isinstance(node, dict):
            del node[path[-1]]
        else:
            node[path[-1]] = data.draw(json_values)
        if not isinstance(doc, dict):
            break
    errors = validate(doc)
    assert all(e.path and e.message for e in errors)
    assert len({str(e) for e in errors}) == len(errors)
    if not errors:
        ref = parse(doc)
        assert score(ref, {})["overall"] == {"score": None, "band": None}


@SETTINGS
@given(scored(), st.dictionaries(st.text(max_size=4), json_values, max_size=4), st.data())
def test_answer_checks_never_crash_and_guard_the_fast_path(
    case: Any, noise: dict[str, Any], data: st.DataObject
) -> None:
    _, ref, answers = case
    ids = [q.id for q in ref.questions]
    mixed = dict(answers)
    for key, value in noise.items():
        target = data.draw(st.sampled_from([key, *ids]))
        mixed[target] = value
    problems = check_answer_map(ref, mixed)
    if not problems:
        result = score_validated(ref, mixed)
        for entry in all_scores(result):
            assert entry["score"] is None or 0.0 <= entry["score"] <= 100.0
    else:
        assert all(isinstance(p, str) and ": " in p for p in problems)
