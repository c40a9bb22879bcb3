"""Pure scoring of answers against a référentiel (`referentiel-format.md` §2, §3, §4).

Question score s in [0, 1] (§2):
- `single`: value of the chosen option;
- `multiple`: clamp(sum of the chosen options' weights / max, 0, 1), `max` defaulting to
  the sum of the positive option weights;
- `grid`: mean of the chosen column values over the rows answered;
- `grid_multiple`: sum over all rows of the chosen column weights / (rows x sum of column
  weights), a row left out counting as nothing chosen;
- `level`: level / 5;
- `number`: value of the last threshold whose `from` <= the number, 0 below the first.

Scores (§3): a dimension scores 100 x the weighted mean of s over its answered, non-N/A
questions, or `null` when it has none; a pillar is the weighted mean of its non-null
dimensions; the overall is the weighted mean of the non-null dimensions (dimension weights)
or of the non-null pillars (pillar weights), per `aggregation.overall`. A band is looked up
on the score snapped to 9 decimals; scores are printed with 2 decimals, half away from zero.

`score()` checks the answers first; `score_validated()` trusts them and is the fast path.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from essor.referentiel.answers import AnswersError, check_answer_map, check_answers
from essor.referentiel.model import Band, QuestionKind, Referentiel

__all__ = [
    "AnswersError",
    "band_for",
    "check_answer_map",
    "check_answers",
    "round_score",
    "score",
    "score_document",
    "score_validated",
    "snap",
]

_SINGLE = QuestionKind.SINGLE
_MULTIPLE = QuestionKind.MULTIPLE
_GRID = QuestionKind.GRID
_GRID_MULTIPLE = QuestionKind.GRID_MULTIPLE
_LEVEL = QuestionKind.LEVEL


_NANO = 1e9


def _nanos(x: float) -> int:
    """round(x, 9) as an integer count of 1e-9 units (§3 "snapped to 9 decimals").

    For |x| <= 1e5, x * 1e9 is within 1e-2 of its exact value, so `round()` of it is exact
    unless it lies near a half unit; only then (or for larger x) is the slower, correctly
    rounded `round(x, 9)` used.
    """
    scaled = x * _NANO
    nanos = round(scaled)
    if abs(scaled - nanos) > 0.49 or not -1e5 <= x <= 1e5:
        nanos = int(Decimal(repr(round(x, 9))).scaleb(9))
    return nanos


def snap(x: float) -> float:
    """The score as used for band look-up: snapped to 9 decimals, i.e. `round(x, 9)` (§3)."""
    return round(x, 9)


def band_for(ref: Referentiel, x: float | None) -> Band | None:
    """The band holding score `x` (§3): `from` <= x < `to`, 100 in the last band.

    `x` is snapped to 9 decimals first, so that 59.99999999999999 lands on the edge 60.
    Returns None for a null score, and for a score outside [0, 100] (never produced).
    """
    if x is None:
        return None
    snapped = snap(x)
    last = ref.bands[-1]
    if snapped == last.to:
        return last
    index = bisect_right(ref.band_starts, snapped) - 1
    if index < 0 or snapped >= last.to:
        return None
    return ref.bands[index]


def round_score(x: float | None) -> float | None:
    """Round for output (§3, §4): 2 decimals, half away from zero, on the snapped score.

    The decision is made on the decimal value of the snapped score, the value its `repr`
    spells, so 0.125 gives 0.13 and 2.675 gives 2.68 where binary rounding gives 2.67.
    Equal to `float(Decimal(repr(round(x, 9))).quantize(Decimal("0.01"), ROUND_HALF_UP))`.
    """
    if x is None:
        return None
    nanos = _nanos(x)
    cents = (abs(nanos) + 5_000_000) // 10_000_000
    return (cents if nanos >= 0 else -cents) / 100


_NULL: tuple[None, None] = (None, None)
_RATING_CACHE_SIZE = 16384


def _rate(ref: Referentiel, x: float) -> tuple[float, str]:
    """(rounded score, band id) of a non-null score x in [0, 100]: `round_score`, `band_for`.

    Plain float arithmetic gives the exact answer except near a tie, where the exact rules
    decide:
    - output: with c = 100x, half-up rounding of the snapped score equals int(c + 0.5)
      unless the fraction of c lies within 1e-7 of one half (snapping moves c by at most
      5e-8);
    - band: the snapped score and x fall in the same band unless an edge lies within 1e-9
      of x (snapping moves x by at most 5e-10).

    Results are memoised per référentiel (scores take few distinct values in practice);
    the memo is emptied when it reaches `_RATING_CACHE_SIZE` entries.
    """
    starts = ref.band_starts
    low = bisect_right(starts, x - 1e-9)
    cents = x * 100.0
    fraction = cents - int(cents)
    if low == bisect_right(starts, x + 1e-9) and not 0.4999999 < fraction < 0.5000001:
        rating = (int(cents + 0.5) / 100, ref.band_ids[low - 1])
    else:
        # 100 sorts after the last start: bisect gives the last band, which holds it.
        index = bisect_right(starts, round(x, 9)) - 1
        rating = ((_nanos(x) + 5_000_000) // 10_000_000 / 100, ref.band_ids[index])
    cache = ref.rating_cache
    if len(cache) >= _RATING_CACHE_SIZE:
        cache.clear()
    cache[x] = rating
    return rating


def score_validated(ref: Referentiel, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Score answers already accepted by `check_answer_map` (§2, §3, §4): no checks here.

    `answers` maps question id -> answer. The result holds exactly the keys of §4.
    This is the hot path: the question formulas of §2 are inlined in the loop and walk
    the référentiel's precomputed `plan` and lookup tables.
    """
    single, level, multiple, grid = _SINGLE, _LEVEL, _MULTIPLE, _GRID
    grid_multiple = _GRID_MULTIPLE
    get = answers.get
    rated = ref.rating_cache.get
    by_pillar = ref.overall == "pillars"
    dimensions_out: dict[str, Any] = {}
    pillars_out: dict[str, Any] = {}
    overall_sum = overall_weight = 0.0
    rating: tuple[float, str] | tuple[None, None] | None
    for pillar_id, pillar_weight, dimensions in ref.plan:
        pillar_sum = pillar_weights = 0.0
        for dimension_id, dimension_weight, count, questions in dimensions:
            total = weights = 0.0
            answered = na = 0
            for question_id, weight, kind, q in questions:
                answer = get(question_id)
                if answer is None:
                    continue
                if "na" in answer:
                    na += 1
                    continue
                answered += 1
                weights += weight
                if kind is single:
                    total += weight * q.lookup[answer["option"]]
                elif kind is level:
                    total += weight * (answer["level"] / 5)
                elif kind is multiple:
                    lookup = q.lookup
                    s = 0.0
                    for option in answer["options"]:
                        s += lookup[option]
                    s /= q.divisor
                    total += weight * (0.0 if s < 0.0 else 1.0 if s > 1.0 else s)
                elif kind is grid:
                    lookup = q.lookup
                    rows = answer["rows"]
                    s = 0.0
                    for column in rows.values():
                        s += lookup[column]
                    total += weight * (s / len(rows))
                elif kind is grid_multiple:
                    lookup = q.lookup
                    s = 0.0
                    for columns in answer["rows"].values():
                        for column in columns:
                            s += lookup[column]
                    total += weight * (s / q.divisor)
                else:  # number: the last threshold whose `from` <= the number, else 0
                    index = bisect_right(q.threshold_froms, answer["number"]) - 1
                    if index >= 0:
                        total += weight * q.threshold_values[index]
            if answered:
                value = 100.0 * total / weights
                if value > 100.0:  # float noise only: every s is in [0, 1]
                    value = 100.0
                pillar_sum += dimension_weight * value
                pillar_weights += dimension_weight
                rating = rated(value) or _rate(ref, value)
            else:
                rating = _NULL
            dimensions_out[dimension_id] = {
                "score": rating[0],
                "band": rating[1],
                "answered": answered,
                "na": na,
                "unanswered": count - answered - na,
            }
        if pillar_weights:
            pillar_value = pillar_sum / pillar_weights
            if pillar_value > 100.0:
                pillar_value = 100.0
            rating = rated(pillar_value) or _rate(ref, pillar_value)
            if by_pillar:
                overall_sum += pillar_weight * pillar_value
                overall_weight += pillar_weight
            else:
                overall_sum += pillar_sum
                overall_weight += pillar_weights
        else:
            rating = _NULL
        pillars_out[pillar_id] = {"score": rating[0], "band": rating[1]}
    if overall_weight:
        overall = overall_sum / overall_weight
        if overall > 100.0:
            overall = 100.0
        rating = rated(overall) or _rate(ref, overall)
    else:
        rating = _NULL
    return {
        "referentiel": {"id": ref.id, "version": ref.version},
        "overall": {"score": rating[0], "band": rating[1]},
        "pillars": pillars_out,
        "dimensions": dimensions_out,
    }


def score(
    ref: Referentiel, answers: Mapping[str, Any], *, validated: bool = False
) -> dict[str, Any]:
    """Score a mapping of question id -> answer (§3, §4).

    Unless `validated` is true, the answers are checked first (§2, §5) and `AnswersError`
    lists every problem; nothing is scored then.
    """
    if not validated:
        problems = check_answer_map(ref, answers)
        if problems:
            raise AnswersError(problems)
    return score_validated(ref, answers)


def score_document(ref: Referentiel, answers_doc: object) -> dict[str, Any]:
    """Check and score a whole answers file (§2 "The answers file"); `AnswersError` if bad."""
    problems = check_answers(ref, answers_doc)
    if problems:
        raise AnswersError(problems)
    assert isinstance(answers_doc, Mapping)
    return score_validated(ref, answers_doc["answers"])
