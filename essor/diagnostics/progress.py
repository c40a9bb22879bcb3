"""Progress between a T0 and a T1 diagnostic (docs/methodology.md §8). Pure: no database.

- Delta = T1 score - T0 score, on the unrounded scores, for the overall score, each pillar
  and each dimension where both are non-null; printed with 2 decimals (half away from
  zero) and read in levels as delta / 20.
- Band change: band at T0 -> band at T1.
- A line where one of the two scores is null is "not comparable", never a delta.
- Changed basis: a dimension whose set of answered questions differs between T0 and T1 is
  flagged (part of the delta may come from the change of basis).
- Different versions of the same référentiel id: only pillars and dimensions whose ids
  exist in both are compared, and the comparison carries a warning. Different référentiel
  ids (a self-assessment and a full diagnostic) are never compared: `ValueError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from essor.referentiel.model import Referentiel
from essor.referentiel.scoring import band_for, round_score

from .scoring import raw_scores


@dataclass(frozen=True)
class ProgressLine:
    id: str
    is_pillar: bool
    t0: float | None
    t1: float | None
    band_t0: str | None
    band_t1: str | None
    delta: float | None
    """T1 - T0 rounded to 2 decimals; None when not comparable."""
    delta_levels: float | None
    changed_basis: bool = False

    @property
    def comparable(self) -> bool:
        return self.delta is not None


@dataclass(frozen=True)
class Comparison:
    overall: ProgressLine
    lines: tuple[ProgressLine, ...]
    """Pillars, each followed by its dimensions, in the T1 référentiel's order."""
    version_changed: bool


def _answered(ref: Referentiel, answers: Mapping[str, Any], dimension_id: str) -> frozenset[str]:
    dimension = next(d for d in ref.dimensions if d.id == dimension_id)
    return frozenset(
        q.id for q in dimension.questions if (a := answers.get(q.id)) is not None and "na" not in a
    )


def _line(
    ref0: Referentiel,
    ref1: Referentiel,
    key: str,
    is_pillar: bool,
    x0: float | None,
    x1: float | None,
    changed: bool = False,
) -> ProgressLine:
    band0 = band_for(ref0, x0)
    band1 = band_for(ref1, x1)
    delta = None if x0 is None or x1 is None else x1 - x0
    return ProgressLine(
        id=key,
        is_pillar=is_pillar,
        t0=round_score(x0),
        t1=round_score(x1),
        band_t0=band0.id if band0 else None,
        band_t1=band1.id if band1 else None,
        delta=round_score(delta),
        delta_levels=None if delta is None else round_score(delta / 20),
        changed_basis=changed,
    )


def compare(
    ref0: Referentiel, answers0: Mapping[str, Any], ref1: Referentiel, answers1: Mapping[str, Any]
) -> Comparison:
    if ref0.id != ref1.id:
        raise ValueError(
            f"a {ref0.id} diagnostic is never compared with a {ref1.id} one (methodology §8)"
        )
    s0 = raw_scores(ref0, answers0)
    s1 = raw_scores(ref1, answers1)
    dims0 = {d.id for d in ref0.dimensions}
    lines: list[ProgressLine] = []
    for pillar in ref1.pillars:
        if pillar.id in s0.pillars:
            lines.append(
                _line(ref0, ref1, pillar.id, True, s0.pillars[pillar.id], s1.pillars[pillar.id])
            )
        for dimension in pillar.dimensions:
            if dimension.id not in dims0:
                continue
            changed = _answered(ref0, answers0, dimension.id) != _answered(
                ref1, answers1, dimension.id
            )
            lines.append(
                _line(
                    ref0,
                    ref1,
                    dimension.id,
                    False,
                    s0.dimensions[dimension.id],
                    s1.dimensions[dimension.id],
                    changed,
                )
            )
    return Comparison(
        overall=_line(ref0, ref1, "overall", False, s0.overall, s1.overall),
        lines=tuple(lines),
        version_changed=ref0.version != ref1.version,
    )
