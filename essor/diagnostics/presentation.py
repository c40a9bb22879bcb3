"""What the result and comparison pages show, as plain objects for the templates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from essor.referentiel.model import Referentiel
from essor.referentiel.texts import localised

from .progress import Comparison, ProgressLine
from .questionnaire import band_title


@dataclass
class ScoreLine:
    id: str
    title: str
    score: float | None
    band: str
    band_id: str
    answered: int = 0
    na: int = 0
    unanswered: int = 0
    target: int | None = None
    evidence: str = ""

    @property
    def level(self) -> float | None:
        """The score read on the 0–5 scale of the level statements (methodology §5)."""
        return None if self.score is None else round(self.score / 20, 1)


@dataclass
class PillarResult:
    line: ScoreLine
    dimensions: list[ScoreLine] = field(default_factory=list)


@dataclass
class ResultView:
    overall: ScoreLine
    pillars: list[PillarResult]
    answered: int
    na: int
    unanswered: int
    bands: list[tuple[str, str, float, float]]


def result_view(
    ref: Referentiel,
    results: Mapping[str, Any],
    language: str,
    notes: Mapping[str, tuple[str, int | None]] | None = None,
) -> ResultView:
    notes = notes or {}
    pillars = []
    totals = [0, 0, 0]
    for pillar in ref.pillars:
        p = results["pillars"].get(pillar.id, {})
        item = PillarResult(
            ScoreLine(
                pillar.id,
                localised(pillar.title, language),
                p.get("score"),
                band_title(ref, p.get("band"), language),
                p.get("band") or "",
            )
        )
        for dimension in pillar.dimensions:
            d = results["dimensions"].get(dimension.id, {})
            evidence, target = notes.get(dimension.id, ("", None))
            line = ScoreLine(
                dimension.id,
                localised(dimension.title, language),
                d.get("score"),
                band_title(ref, d.get("band"), language),
                d.get("band") or "",
                d.get("answered", 0),
                d.get("na", 0),
                d.get("unanswered", 0),
                target,
                evidence,
            )
            totals[0] += line.answered
            totals[1] += line.na
            totals[2] += line.unanswered
            item.line.answered += line.answered
            item.line.na += line.na
            item.line.unanswered += line.unanswered
            item.dimensions.append(line)
        pillars.append(item)
    overall = results["overall"]
    return ResultView(
        overall=ScoreLine(
            "overall",
            "",
            overall.get("score"),
            band_title(ref, overall.get("band"), language),
            overall.get("band") or "",
            answered=totals[0],
            na=totals[1],
            unanswered=totals[2],
        ),
        pillars=pillars,
        answered=totals[0],
        na=totals[1],
        unanswered=totals[2],
        bands=[(b.id, localised(b.title, language), b.from_, b.to) for b in ref.bands],
    )


@dataclass
class ComparisonRow:
    title: str
    line: ProgressLine
    band_t0: str
    band_t1: str


def comparison_rows(ref: Referentiel, comparison: Comparison, language: str) -> list[ComparisonRow]:
    titles = {p.id: localised(p.title, language) for p in ref.pillars}
    titles.update((d.id, localised(d.title, language)) for d in ref.dimensions)
    return [
        ComparisonRow(
            titles.get(line.id, line.id),
            line,
            band_title(ref, line.band_t0, language),
            band_title(ref, line.band_t1, language),
        )
        for line in comparison.lines
    ]
