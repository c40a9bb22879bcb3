"""Unrounded scores of a diagnostic (pure: no database).

The pure scorer (`essor.referentiel.scoring.score_validated`) prints the §4 output, rounded
to 2 decimals. Priorities (methodology §6) and the peer benchmark (§7) work on the
*unrounded* scores, so this module computes them with the same rules (§2, §3):
question score s in [0, 1], dimension = 100 x weighted mean of s over the answered,
non-N/A questions, pillar = weighted mean of its non-null dimensions, overall per
`aggregation.overall`. `round_score` of every value here equals the §4 output (tested).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from essor.referentiel.model import Question, QuestionKind, Referentiel


@dataclass(frozen=True)
class RawScores:
    overall: float | None
    pillars: dict[str, float | None]
    dimensions: dict[str, float | None]


def question_score(question: Question, answer: Mapping[str, Any]) -> float:
    """s in [0, 1] for a real (checked, non-N/A) answer (`referentiel-format.md` §2)."""
    kind = question.kind
    lookup = question.lookup
    if kind is QuestionKind.SINGLE:
        return lookup[answer["option"]]
    if kind is QuestionKind.LEVEL:
        return float(answer["level"]) / 5
    if kind is QuestionKind.MULTIPLE:
        s = sum(lookup[o] for o in answer["options"]) / question.divisor
        return min(1.0, max(0.0, s))
    if kind is QuestionKind.GRID:
        rows = answer["rows"]
        return sum(lookup[c] for c in rows.values()) / len(rows)
    if kind is QuestionKind.GRID_MULTIPLE:
        return sum(lookup[c] for cs in answer["rows"].values() for c in cs) / question.divisor
    index = bisect_right(question.threshold_froms, answer["number"]) - 1
    return question.threshold_values[index] if index >= 0 else 0.0


def raw_scores(ref: Referentiel, answers: Mapping[str, Any]) -> RawScores:
    """Overall, pillar and dimension scores, unrounded (None where nothing was answered)."""
    dimensions: dict[str, float | None] = {}
    pillars: dict[str, float | None] = {}
    overall_sum = overall_weight = 0.0
    for pillar in ref.pillars:
        pillar_sum = pillar_weight = 0.0
        for dimension in pillar.dimensions:
            total = weights = 0.0
            for question in dimension.questions:
                answer = answers.get(question.id)
                if answer is None or "na" in answer:
                    continue
                weights += question.weight
                total += question.weight * question_score(question, answer)
            if weights:
                value = min(100.0, 100.0 * total / weights)
                dimensions[dimension.id] = value
                pillar_sum += dimension.weight * value
                pillar_weight += dimension.weight
            else:
                dimensions[dimension.id] = None
        if pillar_weight:
            pillar_value = min(100.0, pillar_sum / pillar_weight)
            pillars[pillar.id] = pillar_value
            if ref.overall == "pillars":
                overall_sum += pillar.weight * pillar_value
                overall_weight += pillar.weight
            else:
                overall_sum += pillar_sum
                overall_weight += pillar_weight
        else:
            pillars[pillar.id] = None
    overall = min(100.0, overall_sum / overall_weight) if overall_weight else None
    return RawScores(overall=overall, pillars=pillars, dimensions=dimensions)
