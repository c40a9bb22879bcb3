"""Score formulas, aggregation, nulls, bands and rounding (referentiel-format.md §2-§4).

Hand-computed against fixtures/full.yaml (dimension weights: pilotage 1, donnees 3,
automatisation 1, maintenance 2; pillar weights: strategie 2, production 1).
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from essor.referentiel.scoring import (
    band_for,
    round_score,
    score,
    score_document,
    score_validated,
    snap,
)
from essor.referentiel.validator import load_referentiel, parse
from tests.referentiel.helpers import FIXTURES, full_doc, full_ref, minimal_doc, single, text

REF = full_ref()


def dimension(answers: dict[str, Any], dimension_id: str) -> dict[str, Any]:
    result: dict[str, Any] = score(REF, answers)["dimensions"][dimension_id]
    return result


def dim_score(answers: dict[str, Any], dimension_id: str) -> float | None:
    value: float | None = dimension(answers, dimension_id)["score"]
    return value


def test_the_answers_fixture_scores_as_computed_by_hand() -> None:
    doc = json.loads((FIXTURES / "answers-full.json").read_text("utf-8"))
    # pilotage: (2 x 0.5 + 1 x (1 - 1)/3 + 1 x 3/5) / 4 = 1.6 / 4 = 40
    # donnees: (3 x (1 + 0.5)/2 ... weights 1, 1): ((1 + 0.5)/2 + (1 + 3 + 3)/8) / 2 = 81.25
    # automatisation: q-number N/A, q-max clamp(3/2) = 1 -> 100; maintenance unanswered
    # strategie: (1 x 40 + 3 x 81.25) / 4 = 70.9375; production: 100
    # overall (dimensions): (1 x 40 + 3 x 81.25 + 1 x 100) / 5 = 76.75
    assert score_document(REF, doc) == {
        "referentiel": {"id": "essai-complet", "version": "1.0"},
        "overall": {"score": 76.75, "band": "avance"},
        "pillars": {
            "strategie": {"score": 70.94, "band": "avance"},
            "production": {"score": 100.0, "band": "leader"},
        },
        "dimensions": {
            "pilotage": {
                "score": 40.0,
                "band": "intermediaire",
                "answered": 3,
                "na": 0,
                "unanswered": 0,
            },
            "donnees": {"score": 81.25, "band": "leader", "answered": 2, "na": 0, "unanswered": 0},
            "automatisation": {
                "score": 100.0,
                "band": "leader",
                "answered": 1,
                "na": 1,
                "unanswered": 0,
            },
            "maintenance": {"score": None, "band": None, "answered": 0, "na": 0, "unanswered": 1},
        },
    }


def test_json_and_yaml_referentiels_score_identically() -> None:
    doc = json.loads((FIXTURES / "answers-full.json").read_text("utf-8"))
    from_json = load_referentiel(FIXTURES / "full.json")
    assert score_document(from_json, doc) == score_document(REF, doc)


@pytest.mark.parametrize(("option", "expected"), [("a", 0.0), ("b", 50.0), ("c", 100.0)])
def test_single_scores_the_chosen_value(option: str, expected: float) -> None:
    assert dim_score({"q-single": {"option": option}}, "pilotage") == expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ([], 0.0),
        (["x"], 33.33),  # 1/3, max = 1 + 2 (positive weights only)
        (["y"], 66.67),  # 2/3
        (["x", "y"], 100.0),
        (["x", "y", "z"], 66.67),  # (1 + 2 - 1)/3
        (["z"], 0.0),  # -1/3 clamped to 0
        (["x", "z"], 0.0),
    ],
)
def test_multiple_sums_weights_over_max_and_clamps(chosen: list[str], expected: float) -> None:
    assert dim_score({"q-multiple": {"options": chosen}}, "pilotage") == expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [(["p1"], 50.0), (["p1", "p2"], 100.0), (["p1", "p2", "p3"], 100.0), ([], 0.0)],
)
def test_multiple_with_explicit_max(chosen: list[str], expected: float) -> None:
    assert dim_score({"q-max": {"options": chosen}}, "automatisation") == expected


def test_multiple_with_only_negative_weights_uses_max() -> None:
    question = {
        "id": "q",
        "kind": "multiple",
        "text": text(),
        "max": 4,
        "options": [
            {"id": "a", "text": text(), "weight": -1},
            {"id": "b", "text": text(), "weight": 0},
        ],
    }
    ref = parse(minimal_doc(question))
    assert score(ref, {"q": {"options": ["b"]}})["dimensions"]["d"]["score"] == 0.0
    assert score(ref, {"q": {"options": ["a", "b"]}})["dimensions"]["d"]["score"] == 0.0


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ({"r1": "c1"}, 50.0),  # one row answered: its value
        ({"r1": "c2", "r2": "c0"}, 50.0),
        ({"r1": "c2", "r2": "c2", "r3": "c1"}, 83.33),  # 2.5 / 3
        ({"r3": "c0"}, 0.0),
    ],
)
def test_grid_averages_over_the_rows_answered(rows: dict[str, str], expected: float) -> None:
    assert dim_score({"q-grid": {"rows": rows}}, "donnees") == expected


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ({}, 0.0),
        ({"r1": ["k2"]}, 37.5),  # 3 / (2 rows x 4): a row left out counts as nothing chosen
        ({"r1": ["k2"], "r2": []}, 37.5),
        ({"r1": ["k1"], "r2": ["k1"]}, 25.0),
        ({"r1": ["k1", "k2"], "r2": ["k2", "k1"]}, 100.0),
    ],
)
def test_grid_multiple_sums_over_all_rows(rows: dict[str, list[str]], expected: float) -> None:
    assert dim_score({"q-gridm": {"rows": rows}}, "donnees") == expected


@pytest.mark.parametrize(("level", "expected"), [(0, 0.0), (1, 20.0), (3, 60.0), (5, 100.0)])
def test_level_scores_level_over_five(level: int, expected: float) -> None:
    assert dim_score({"q-level": {"level": level}}, "pilotage") == expected


def test_level_needs_no_statement_for_the_chosen_level() -> None:
    # pilotage describes levels 0 and 5 only.
    assert dim_score({"q-level": {"level": 2}}, "pilotage") == 40.0


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (-1, 0.0),
        (0, 0.0),
        (9.999, 0.0),
        (10, 50.0),  # the last threshold whose `from` <= the number
        (49.5, 50.0),
        (50, 100.0),
        (10**12, 100.0),
    ],
)
def test_number_takes_the_last_threshold_reached(number: float, expected: float) -> None:
    assert dim_score({"q-number": {"number": number}}, "automatisation") == expected


def test_number_below_the_first_threshold_scores_zero() -> None:
    question = {
        "id": "q",
        "kind": "number",
        "text": text(),
        "unit": text("%"),
        "thresholds": [{"from": 5, "value": 0.4}, {"from": 20, "value": 0.8}],
    }
    ref = parse(minimal_doc(question))
    assert score(ref, {"q": {"number": 4.99}})["dimensions"]["d"]["score"] == 0.0
    assert score(ref, {"q": {"number": 5}})["dimensions"]["d"]["score"] == 40.0


def test_question_weights_weigh_the_dimension_mean() -> None:
    # q-single (weight 2) at 1, q-level (weight 1) at 0: 2/3.
    answers = {"q-single": {"option": "c"}, "q-level": {"level": 0}}
    assert dim_score(answers, "pilotage") == 66.67


def test_na_and_unanswered_questions_are_left_out_and_counted() -> None:
    answers = {"q-single": {"option": "c"}, "q-multiple": {"na": "none"}}
    assert dimension(answers, "pilotage") == {
        "score": 100.0,
        "band": "leader",
        "answered": 1,
        "na": 1,
        "unanswered": 1,
    }


def test_a_dimension_with_only_na_is_null_and_left_out_of_the_averages() -> None:
    answers = {
        "q-number": {"na": "no robots"},
        "q-maint": {"option": "oui"},
        "q-single": {"option": "a"},
    }
    result = score(REF, answers)
    assert result["dimensions"]["automatisation"] == {
        "score": None,
        "band": None,
        "answered": 0,
        "na": 1,
        "unanswered": 1,
    }
    assert result["pillars"]["production"] == {"score": 100.0, "band": "leader"}
    # overall: pilotage 0 (weight 1) and maintenance 100 (weight 2) -> 66.67
    assert result["overall"] == {"score": 66.67, "band": "avance"}


def test_nothing_answered_gives_null_everywhere() -> None:
    result = score(REF, {})
    assert result["overall"] == {"score": None, "band": None}
    assert all(p == {"score": None, "band": None} for p in result["pillars"].values())
    counts = {d: (v["answered"], v["na"], v["unanswered"]) for d, v in result["dimensions"].items()}
    assert counts == {
        "pilotage": (0, 0, 3),
        "donnees": (0, 0, 2),
        "automatisation": (0, 0, 2),
        "maintenance": (0, 0, 1),
    }


def test_pillar_with_no_scored_dimension_is_null() -> None:
    result = score(REF, {"q-level": {"level": 5}})
    assert result["pillars"] == {
        "strategie": {"score": 100.0, "band": "leader"},
        "production": {"score": None, "band": None},
    }
    assert result["overall"] == {"score": 100.0, "band": "leader"}


def test_overall_by_dimensions_ignores_pillar_weights() -> None:
    # pilotage 0 (weight 1), maintenance 100 (weight 2): 200/3 whatever the pillar weights.
    answers = {"q-level": {"level": 0}, "q-maint": {"option": "oui"}}
    assert score(REF, answers)["overall"]["score"] == 66.67


def test_overall_by_pillars_uses_pillar_weights() -> None:
    doc = full_doc()
    doc["aggregation"] = {"overall": "pillars"}
    ref = parse(doc)
    answers = json.loads((FIXTURES / "answers-full.json").read_text("utf-8"))["answers"]
    # (2 x 70.9375 + 1 x 100) / 3 = 80.625 exactly, rounded half away from zero
    assert score(ref, answers)["overall"] == {"score": 80.63, "band": "leader"}


def test_pillars_fixture() -> None:
    ref = load_referentiel(FIXTURES / "pillars.yaml")
    answers = {"qa1": {"level": 5}, "qa2": {"level": 0}, "qb1": {"level": 4}}
    result = score(ref, answers)
    # pillar a: (1 x 100 + 9 x 0) / 10 = 10; pillar b: 80; overall (3 x 10 + 80) / 4 = 27.5
    assert result["pillars"] == {
        "a": {"score": 10.0, "band": "bas"},
        "b": {"score": 80.0, "band": "haut"},
    }
    assert result["overall"] == {"score": 27.5, "band": "bas"}
    result = score(ref, {"qa1": {"level": 5}, "qb1": {"na": "n/a"}})
    assert result["pillars"]["b"] == {"score": None, "band": None}
    assert result["overall"] == {"score": 100.0, "band": "haut"}


def test_output_holds_exactly_the_keys_of_section_4() -> None:
    result = score(REF, {"q-level": {"level": 1}})
    assert list(result) == ["referentiel", "overall", "pillars", "dimensions"]
    assert list(result["referentiel"]) == ["id", "version"]
    assert list(result["overall"]) == ["score", "band"]
    assert list(result["pillars"]) == ["strategie", "production"]
    assert list(result["dimensions"]) == ["pilotage", "donnees", "automatisation", "maintenance"]
    for value in result["pillars"].values():
        assert list(value) == ["score", "band"]
    for value in result["dimensions"].values():
        assert list(value) == ["score", "band", "answered", "na", "unanswered"]


def test_comments_do_not_change_scores() -> None:
    plain = score(REF, {"q-level": {"level": 2}})
    commented = score(REF, {"q-level": {"level": 2, "comment": "seen on site"}})
    assert plain == commented


# --- bands --------------------------------------------------------------------------


def three_singles(values: tuple[float, float, float]) -> dict[str, Any]:
    """A dimension of three equally weighted `single` questions, chosen at `values`."""
    questions = [single(f"q{i}", (v,)) for i, v in enumerate(values)]
    result: dict[str, Any] = score(
        parse(minimal_doc(*questions, bands=full_doc()["bands"])),
        {f"q{i}": {"option": "o0"} for i in range(3)},
    )
    return result


def test_an_edge_computed_just_below_lands_on_the_edge() -> None:
    # (0.1 + 0.7 + 1.0) x 100 / 3 is 59.99999999999999 in floating point.
    assert 100.0 * (0.1 + 0.7 + 1.0) / 3 == 59.99999999999999
    result = three_singles((0.1, 0.7, 1.0))
    assert result["dimensions"]["d"] == {
        "score": 60.0,
        "band": "avance",
        "answered": 3,
        "na": 0,
        "unanswered": 0,
    }
    assert result["overall"] == {"score": 60.0, "band": "avance"}


def test_an_edge_computed_just_above_lands_on_the_edge() -> None:
    assert 100.0 * (0.0 + 0.2 + 0.4) / 3 == 20.000000000000004
    assert three_singles((0.0, 0.2, 0.4))["dimensions"]["d"]["band"] == "explorateur"


@pytest.mark.parametrize(
    ("x", "band"),
    [
        (0, "debutant"),
        (19.99, "debutant"),
        (19.9999999994, "debutant"),
        (19.9999999996, "explorateur"),  # snapped to 20
        (20, "explorateur"),  # half-open: 20 starts the next band
        (39.999, "explorateur"),
        (59.99999999999999, "avance"),
        (60.000000000000014, "avance"),
        (80, "leader"),
        (99.99, "leader"),
        (100, "leader"),  # 100 falls in the last band
        (100.00000000000001, "leader"),
    ],
)
def test_band_for_is_half_open_on_the_snapped_score(x: float, band: str) -> None:
    found = band_for(REF, x)
    assert found is not None
    assert found.id == band


def test_band_for_null_and_out_of_range() -> None:
    assert band_for(REF, None) is None
    assert band_for(REF, -0.5) is None
    assert band_for(REF, 100.5) is None


def test_band_uses_the_snapped_score_not_the_two_decimal_output() -> None:
    # 19.996 prints as 20.0 but is below 20: its band is the lower one.
    assert round_score(19.996) == 20.0
    band = band_for(REF, 19.996)
    assert band is not None and band.id == "debutant"


def test_full_score_lands_in_the_last_band() -> None:
    answers = {
        "q-single": {"option": "c"},
        "q-multiple": {"options": ["x", "y"]},
        "q-level": {"level": 5},
        "q-grid": {"rows": {"r1": "c2"}},
        "q-gridm": {"rows": {"r1": ["k1", "k2"], "r2": ["k1", "k2"]}},
        "q-number": {"number": 50},
        "q-max": {"options": ["p1", "p2"]},
        "q-maint": {"option": "oui"},
    }
    result = score(REF, answers)
    assert result["overall"] == {"score": 100.0, "band": "leader"}
    assert all(d["score"] == 100.0 and d["band"] == "leader" for d in result["dimensions"].values())


def test_zero_lands_in_the_first_band() -> None:
    result = score(REF, {"q-level": {"level": 0}})
    assert result["overall"] == {"score": 0.0, "band": "debutant"}


# --- rounding -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.125, 0.13),
        (2.675, 2.68),  # binary rounding would give 2.67
        (1.005, 1.01),
        (80.625, 80.63),
        (33.333333333333336, 33.33),
        (66.66666666666667, 66.67),
        (99.995, 100.0),
        (0.004999, 0.0),
        (0.0, 0.0),
        (100.0, 100.0),
        (-2.675, -2.68),  # half away from zero on the negative side too
        (2.6749999999999994, 2.68),  # snapped to 2.675 first
        (None, None),
    ],
)
def test_round_score_is_half_away_from_zero(x: float | None, expected: float | None) -> None:
    assert round_score(x) == expected


def test_round_score_matches_the_decimal_rule() -> None:
    import random

    rng = random.Random(7)
    for _ in range(20000):
        x = rng.choice([rng.uniform(0, 100), rng.randint(0, 100000) / 1000, rng.uniform(-1e7, 1e7)])
        reference = float(Decimal(repr(round(x, 9))).quantize(Decimal("0.01"), ROUND_HALF_UP))
        assert round_score(x) == reference, x
        assert snap(x) == round(x, 9), x


def test_a_weighted_tie_is_rounded_up() -> None:
    # weights 1 and 31, values 1 and 0: 100/32 = 3.125 exactly -> 3.13
    questions = [single("a", (1,)), single("b", (0,), weight=31)]
    ref = parse(minimal_doc(*questions))
    result = score(ref, {"a": {"option": "o0"}, "b": {"option": "o0"}})
    assert result["dimensions"]["d"]["score"] == 3.13


def test_score_validated_skips_the_checks() -> None:
    good = {"q-level": {"level": 4}}
    assert score_validated(REF, good) == score(REF, good, validated=True) == score(REF, good)


def test_scoring_does_not_mutate_the_answers() -> None:
    answers = json.loads((FIXTURES / "answers-full.json").read_text("utf-8"))
    before = json.dumps(answers, sort_keys=True)
    score_document(REF, answers)
    assert json.dumps(answers, sort_keys=True) == before


def test_a_parsed_referentiel_pickles_and_scores_identically() -> None:
    import pickle

    answers = json.loads((FIXTURES / "answers-full.json").read_text("utf-8"))["answers"]
    again = pickle.loads(pickle.dumps(REF))  # noqa: S301 - our own bytes
    assert again == REF
    assert score(again, answers) == score(REF, answers)
