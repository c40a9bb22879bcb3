"""Prioritisation (docs/methodology.md §6): the worked example of §9 and properties."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from essor.referentiel.prioritisation import (
    Prioritisation,
    PrioritisationError,
    prioritise,
    scores_from_result,
)
from essor.referentiel.scoring import round_score, score_document
from essor.referentiel.validator import load_referentiel, parse

DATA = Path(__file__).resolve().parents[2] / "essor" / "referentiel" / "data"
SETTINGS = settings(max_examples=200, deadline=None, database=None)


@pytest.fixture(scope="module")
def ref() -> Any:
    return load_referentiel(DATA / "industrie-du-futur-2026.1.yaml")


@pytest.fixture(scope="module")
def example_scores(ref: Any) -> dict[str, float | None]:
    answers = json.loads((DATA / "examples" / "answers-example.json").read_text())
    return scores_from_result(score_document(ref, answers))


def printed(result: Prioritisation) -> list[tuple[str, float | None]]:
    return [(p.dimension_id, round_score(p.priority)) for p in result.ranking]


# --- the worked example of methodology.md §9 ----------------------------------------------


def test_worked_example_with_agreed_targets(ref: Any, example_scores: Any) -> None:
    result = prioritise(
        ref,
        example_scores,
        {"efficacite-energetique": 3, "ressources-circularite": 4},
        ["cost", "energy"],
    )
    assert result.normaliser == 52.5
    assert printed(result) == [("efficacite-energetique", 20.00), ("ressources-circularite", 10.71)]
    first, second = result.ranking
    assert (first.current_level, first.target_level, first.gap) == (1.5, 3, 1.5)
    assert (first.factor, first.weight, first.default_target) == (7, 1.0, False)
    assert first.technologies == ("efficacite-energetique", "iot-capteurs")
    assert (second.current_level, second.target_level, second.gap) == (2.875, 4, 1.125)
    assert second.factor == 5
    assert second.priority == pytest.approx(100 * 5.625 / 52.5)
    assert len(result.not_assessed) == 16
    assert result.not_assessed[0] == "feuille-de-route"  # référentiel order
    assert "efficacite-energetique" not in result.not_assessed


def test_worked_example_default_targets(ref: Any, example_scores: Any) -> None:
    result = prioritise(ref, example_scores, {}, ["cost", "energy"])
    assert printed(result) == [("efficacite-energetique", 6.67), ("ressources-circularite", 1.19)]
    assert [(p.target_level, p.default_target) for p in result.ranking] == [(2, True), (3, True)]
    assert [p.gap for p in result.ranking] == [0.5, 0.125]


def test_worked_example_no_important_kpi(ref: Any, example_scores: Any) -> None:
    result = prioritise(
        ref, example_scores, {"efficacite-energetique": 3, "ressources-circularite": 4}, []
    )
    assert result.normaliser == 7.5
    assert printed(result) == [("efficacite-energetique", 20.00), ("ressources-circularite", 15.00)]
    assert [p.factor for p in result.ranking] == [1, 1]


def test_ties_follow_referentiel_order(ref: Any) -> None:
    # Same score, target and factor (no KPI), same weight 1: référentiel order decides.
    scores = {"ressources-circularite": 30.0, "efficacite-energetique": 30.0}
    result = prioritise(ref, scores, {}, [])
    assert [p.dimension_id for p in result.ranking] == [
        "efficacite-energetique",
        "ressources-circularite",
    ]


def test_reached_targets_stay_at_the_end(ref: Any) -> None:
    scores = {"feuille-de-route": 90.0, "cybersecurite": 10.0, "donnees-ia": 60.0}
    result = prioritise(ref, scores, {"feuille-de-route": 3, "donnees-ia": 3}, ["quality"])
    assert [p.dimension_id for p in result.ranking] == [
        "cybersecurite",
        "feuille-de-route",
        "donnees-ia",
    ]
    assert [p.priority for p in result.ranking[1:]] == [0.0, 0.0]
    assert result.ranking[1].gap == 0.0
    assert [p.dimension_id for p in result.top(5)] == ["cybersecurite"]


def test_default_target_is_capped_at_five(ref: Any) -> None:
    result = prioritise(ref, {"cybersecurite": 100.0}, {}, [])
    (only,) = result.ranking
    assert (only.current_level, only.target_level, only.priority) == (5.0, 5, 0.0)


def test_level_is_taken_on_the_snapped_score(ref: Any) -> None:
    # 59.99999999999999 is the 60 binary arithmetic failed to reach: level 3, target 4.
    result = prioritise(ref, {"cybersecurite": 59.99999999999999}, {}, [])
    assert result.ranking[0].current_level == 3.0
    assert result.ranking[0].target_level == 4


def test_duplicate_important_kpis_count_once(ref: Any, example_scores: Any) -> None:
    once = prioritise(ref, example_scores, {}, ["cost", "energy"])
    twice = prioritise(ref, example_scores, {}, ["cost", "energy", "cost"])
    assert once == twice


@pytest.mark.parametrize(
    ("scores", "targets", "important", "message"),
    [
        ({"cybersecurite": 50.0}, {}, ["costs"], "unknown KPI 'costs'"),
        ({"cybersecurite": 50.0}, {"cybersecurite": 6}, [], "integer level from 0 to 5"),
        ({"cybersecurite": 50.0}, {"cybersecurite": -1}, [], "integer level from 0 to 5"),
        ({"cybersecurite": 50.0}, {"cybersecurite": 2.5}, [], "integer level from 0 to 5"),
        ({"cybersecurite": 50.0}, {"cybersecurite": True}, [], "integer level from 0 to 5"),
        ({"cybersecurite": 50.0}, {"cyber": 3}, [], "targets: unknown dimension 'cyber'"),
        ({"cyber": 50.0}, {}, [], "scores: unknown dimension 'cyber'"),
        ({"cybersecurite": 101.0}, {}, [], "from 0 to 100"),
        ({"cybersecurite": float("nan")}, {}, [], "from 0 to 100"),
    ],
)
def test_bad_input_is_refused(
    ref: Any, scores: Any, targets: Any, important: Any, message: str
) -> None:
    with pytest.raises(PrioritisationError, match=message):
        prioritise(ref, scores, targets, important)


# --- properties ---------------------------------------------------------------------------

KPIS = ("k1", "k2", "k3")


def small_ref(weights: list[float], impacts: list[dict[str, int]]) -> Any:
    """One pillar; dimension d{i} has weight weights[i] and impacts impacts[i]."""

    def text(label: str) -> dict[str, str]:
        return {"fr": label, "en": label}

    dimensions = [
        {
            "id": f"d{i}",
            "title": text(f"d{i}"),
            "weight": w,
            "impacts": impact,
            "questions": [{"id": f"q{i}", "kind": "level", "text": text("q")}],
        }
        for i, (w, impact) in enumerate(zip(weights, impacts, strict=True))
    ]
    return parse(
        {
            "format": "essor-referentiel/1",
            "id": "small",
            "version": "1",
            "title": text("small"),
            "languages": ["fr", "en"],
            "kpis": [{"id": k, "title": text(k)} for k in KPIS],
            "bands": [{"id": "all", "from": 0, "to": 100, "title": text("all")}],
            "pillars": [{"id": "p", "title": text("p"), "dimensions": dimensions}],
        }
    )


weights_st = st.floats(0.1, 5, allow_nan=False)
score_st = st.floats(0, 100, allow_nan=False)
impacts_st = st.fixed_dictionaries({}, optional={k: st.integers(0, 3) for k in KPIS})
important_st = st.lists(st.sampled_from(KPIS), unique=True)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Any, dict[str, float | None], dict[str, int], list[str]]:
    size = draw(st.integers(1, 5))
    ref = small_ref(
        draw(st.lists(weights_st, min_size=size, max_size=size)),
        draw(st.lists(impacts_st, min_size=size, max_size=size)),
    )
    scores = {f"d{i}": draw(st.none() | score_st) for i in range(size)}
    targets = {
        f"d{i}": t for i in range(size) if (t := draw(st.none() | st.integers(0, 5))) is not None
    }
    return ref, scores, targets, draw(important_st)


@SETTINGS
@given(cases())
def test_priority_is_bounded(case: Any) -> None:
    result = prioritise(*case)
    for p in result.ranking:
        assert 0.0 <= p.priority <= 100.0
        assert 0.0 <= p.current_level <= 5.0
    assert len(result.ranking) + len(result.not_assessed) == len(case[0].dimensions)


@SETTINGS
@given(cases())
def test_priority_is_zero_when_target_reached(case: Any) -> None:
    for p in prioritise(*case).ranking:
        if p.target_level <= p.current_level:
            assert p.gap == 0.0
            assert p.priority == 0.0
        else:
            assert p.priority > 0.0


@SETTINGS
@given(cases())
def test_ranking_is_sorted_and_ties_keep_referentiel_order(case: Any) -> None:
    ranking = prioritise(*case).ranking
    order = [d.id for d in case[0].dimensions]
    for a, b in itertools.pairwise(ranking):
        pa, pb = round(a.priority, 9), round(b.priority, 9)
        assert pa >= pb
        if pa == pb:
            assert order.index(a.dimension_id) < order.index(b.dimension_id)


@SETTINGS
@given(cases())
def test_deterministic_whatever_the_input_order(case: Any) -> None:
    ref, scores, targets, important = case
    first = prioritise(ref, scores, targets, important)
    again = prioritise(
        ref,
        dict(reversed(list(scores.items()))),
        dict(reversed(list(targets.items()))),
        list(important),
    )
    assert first == again


@SETTINGS
@given(score_st, st.integers(0, 5), st.integers(0, 5), impacts_st, important_st, weights_st)
def test_monotone_in_gap(
    score: float, t1: int, t2: int, impacts: Any, important: Any, weight: float
) -> None:
    """A higher target (hence a gap at least as large) never lowers the priority."""
    ref = small_ref([weight], [impacts])
    low, high = sorted((t1, t2))
    p_low = prioritise(ref, {"d0": score}, {"d0": low}, important).ranking[0]
    p_high = prioritise(ref, {"d0": score}, {"d0": high}, important).ranking[0]
    assert p_high.gap >= p_low.gap
    assert p_high.priority >= p_low.priority


@SETTINGS
@given(score_st, score_st, st.integers(0, 5), impacts_st, important_st)
def test_monotone_in_current_score(
    s1: float, s2: float, target: int, impacts: Any, important: Any
) -> None:
    """A lower score (a larger gap to the same target) never lowers the priority."""
    ref = small_ref([1.0], [impacts])
    low, high = sorted((s1, s2))
    p_low = prioritise(ref, {"d0": low}, {"d0": target}, important).ranking[0]
    p_high = prioritise(ref, {"d0": high}, {"d0": target}, important).ranking[0]
    assert p_low.priority >= p_high.priority


@SETTINGS
@given(weights_st, weights_st, score_st, st.integers(0, 5), impacts_st, important_st)
def test_monotone_in_weight(
    w1: float, w2: float, score: float, target: int, impacts: Any, important: Any
) -> None:
    """With the heaviest weight of the référentiel fixed (d1 weighs 5), a heavier d0 ranks
    at least as high."""
    low, high = sorted((w1, w2))
    assume(high <= 5)

    def p(w: float) -> float:
        ref = small_ref([w, 5.0], [impacts, {}])
        return prioritise(ref, {"d0": score}, {"d0": target}, important).ranking[0].priority

    assert p(high) >= p(low)


@SETTINGS
@given(score_st, impacts_st, important_st, st.sampled_from(KPIS), st.integers(0, 5))
def test_monotone_in_kpi_impact(
    score: float, impacts: Any, important: Any, kpi: str, target: int
) -> None:
    """A larger impact on an important KPI never lowers the priority."""
    low = small_ref([1.0], [{**impacts, kpi: 0}])
    high = small_ref([1.0], [{**impacts, kpi: 3}])
    kpis = sorted({*important, kpi})
    assert (
        prioritise(high, {"d0": score}, {"d0": target}, kpis).ranking[0].priority
        >= prioritise(low, {"d0": score}, {"d0": target}, kpis).ranking[0].priority
    )


@SETTINGS
@given(important_st)
def test_maximum_is_reached_exactly(important: Any) -> None:
    """N is the largest raw priority: gap 5, heaviest weight, impact 3 everywhere -> 100."""
    ref = small_ref([2.0, 1.0], [dict.fromkeys(KPIS, 3), {}])
    result = prioritise(ref, {"d0": 0.0, "d1": 0.0}, {"d0": 5, "d1": 5}, important)
    assert result.ranking[0].dimension_id == "d0"
    assert result.ranking[0].priority == pytest.approx(100.0)
