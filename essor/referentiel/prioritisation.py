"""Pure prioritisation of a diagnostic's dimensions (`docs/methodology.md` §6).

For every dimension d whose score S_d is not null:

1. current level   L_d = snap(S_d) / 20, snap rounding to 9 decimals (as for bands);
2. target          T_d = the agreed integer level 0..5, or by default min(5, floor(L_d) + 1);
3. gap             G_d = max(0, T_d - L_d);
4. KPI factor      F_d = 1 + sum over the important KPIs k of the impact I(d, k) (0 if absent);
5. raw priority    R_d = G_d x w_d x F_d;
6. normalisation   N   = 5 x w_max x (1 + 3 x |K|), w_max the heaviest dimension weight;
7. priority        P_d = 100 x R_d / N, in [0, 100].

The ranking sorts the assessed dimensions by P_d snapped to 9 decimals, highest first, ties
broken by the référentiel order (pillar order, then dimension order); dimensions whose target
is reached (P_d = 0) stay in the list, at the end. Dimensions with a null score are returned
apart, in référentiel order, as "not assessed".

No database access: the inputs are a parsed `Referentiel`, plain scores, targets and KPI ids.
Values are kept unrounded; print them with `scoring.round_score` (2 decimals, half away
from zero), as §6 asks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from essor.referentiel.model import Referentiel
from essor.referentiel.scoring import snap

__all__ = [
    "MAX_LEVEL",
    "Prioritisation",
    "PrioritisationError",
    "Priority",
    "default_target",
    "normaliser",
    "prioritise",
    "scores_from_result",
]

MAX_LEVEL = 5


class PrioritisationError(ValueError):
    """Bad input to `prioritise` (§6 "Inputs"); `problems` lists every one found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True, slots=True)
class Priority:
    """One ranked dimension (§6 "Output"); values unrounded."""

    dimension_id: str
    current_level: float
    """L_d = snap(S_d) / 20, a real number in [0, 5]."""
    target_level: int
    """T_d, agreed or default."""
    default_target: bool
    """True when T_d is the default rule min(5, floor(L_d) + 1), not an agreed target."""
    gap: float
    """G_d = max(0, T_d - L_d)."""
    weight: float
    """w_d, the dimension weight in the référentiel."""
    factor: int
    """F_d = 1 + sum of the dimension's impacts on the important KPIs."""
    priority: float
    """P_d = 100 x G_d x w_d x F_d / N, in [0, 100]."""
    technologies: tuple[str, ...]
    """The dimension's technology families, in référentiel order (links to the catalogue)."""
    score: float
    """S_d, the dimension score the level was taken from."""


@dataclass(frozen=True, slots=True)
class Prioritisation:
    """The result of §6: the ranking and the dimensions not assessed."""

    ranking: tuple[Priority, ...]
    not_assessed: tuple[str, ...]
    important: tuple[str, ...]
    """The important KPI ids K, deduplicated, in the order given."""
    normaliser: float
    """N = 5 x w_max x (1 + 3 x |K|)."""

    def top(self, n: int) -> tuple[Priority, ...]:
        """The first `n` priorities with a non-zero priority (gaps left to close)."""
        return tuple(p for p in self.ranking if snap(p.priority) > 0)[:n]


def default_target(level: float) -> int:
    """The default target of §6: the next whole level, min(5, floor(L) + 1)."""
    return min(MAX_LEVEL, math.floor(level) + 1)


def normaliser(ref: Referentiel, important_count: int) -> float:
    """N = 5 x w_max x (1 + 3 x |K|) (§6 step 5): the largest raw priority possible."""
    w_max = max(d.weight for d in ref.dimensions)
    return MAX_LEVEL * w_max * (1 + 3 * important_count)


def scores_from_result(result: Mapping[str, Any]) -> dict[str, float | None]:
    """The dimension scores of a scoring output (`referentiel-format.md` §4).

    §6 asks for the unrounded scores; the §4 output holds them rounded to 2 decimals, which
    moves a level by at most 0.00025. Pass unrounded scores when you have them.
    """
    return {dim_id: entry["score"] for dim_id, entry in result["dimensions"].items()}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check(
    ref: Referentiel,
    scores: Mapping[str, float | None],
    targets: Mapping[str, int],
    important: tuple[str, ...],
) -> None:
    dimension_ids = {d.id for d in ref.dimensions}
    kpi_ids = {k.id for k in ref.kpis}
    problems: list[str] = []
    for dim_id, value in scores.items():
        if dim_id not in dimension_ids:
            problems.append(f"scores: unknown dimension {dim_id!r}")
        elif value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not 0 <= value <= 100
        ):
            problems.append(f"scores[{dim_id!r}]: must be a number from 0 to 100 or null")
    for dim_id, target in targets.items():
        if dim_id not in dimension_ids:
            problems.append(f"targets: unknown dimension {dim_id!r}")
        elif not _is_int(target) or not 0 <= target <= MAX_LEVEL:
            problems.append(f"targets[{dim_id!r}]: must be an integer level from 0 to 5")
    for kpi in important:
        if kpi not in kpi_ids:
            problems.append(f"important: unknown KPI {kpi!r}")
    if problems:
        raise PrioritisationError(problems)


def prioritise(
    ref: Referentiel,
    scores: Mapping[str, float | None],
    targets: Mapping[str, int] | None = None,
    important: Iterable[str] = (),
) -> Prioritisation:
    """Rank the dimensions of one diagnostic by priority (methodology.md §6).

    `scores` maps dimension id -> unrounded dimension score (0..100) or None; a dimension
    left out is not assessed. `targets` maps dimension id -> agreed level 0..5 (a dimension
    left out gets the default target). `important` holds the KPI ids the firm marked as
    important (duplicates count once). An unknown dimension or KPI id, a score outside
    [0, 100] or a target that is not an integer 0..5 raises `PrioritisationError`.
    """
    targets = targets or {}
    kpis = tuple(dict.fromkeys(important))
    _check(ref, scores, targets, kpis)
    n = normaliser(ref, len(kpis))
    keyed: list[tuple[float, int, Priority]] = []
    not_assessed: list[str] = []
    for order, dim in enumerate(ref.dimensions):
        value = scores.get(dim.id)
        if value is None:
            not_assessed.append(dim.id)
            continue
        score = float(value)
        level = snap(score) / 20
        agreed = targets.get(dim.id)
        target = default_target(level) if agreed is None else agreed
        gap = max(0.0, target - level)
        factor = 1 + sum(dim.impacts.get(k, 0) for k in kpis)
        # min(): at the maximum, float division may land one ulp above 100.
        priority = min(100.0, 100 * gap * dim.weight * factor / n)
        item = Priority(
            dimension_id=dim.id,
            current_level=level,
            target_level=target,
            default_target=agreed is None,
            gap=gap,
            weight=dim.weight,
            factor=factor,
            priority=priority,
            technologies=dim.technologies,
            score=score,
        )
        keyed.append((-snap(priority), order, item))
    keyed.sort(key=lambda entry: (entry[0], entry[1]))
    return Prioritisation(
        ranking=tuple(item for _, _, item in keyed),
        not_assessed=tuple(not_assessed),
        important=kpis,
        normaliser=n,
    )
