"""From the programme's data to a matching instance, and from the solution to explanations.

Pure (no Django): the selectors load plain `ExpertFacts` and `FirmFacts` from the database
(`selectors.expert_facts`, `selectors.firm_facts`); this module builds the domain-mode instance of
`matching-format.md` §2, solves it with the exact core (`matching.py`) and explains every
proposed pair (§4). Keeping it free of the database lets property tests run it on random
instances.

Instance rules (how the programme's data maps to §2):
- expert id: `"e<pk>"`; company id: `"c<pk>"`;
- an expert's `capacity` is the places left (capacity minus open missions) and
  `open_missions` their open missions, which the load cost counts;
- `skills`: the declared ids with each declared pillar expanded to its dimensions
  (`skills.expand_skills`);
- `conflicts`: the ids of the instance's firms whose SIREN the expert declared, and
  `"group:<name>"` for each declared group; a firm's `group` is `"group:<name>"` with the
  name case-folded and its spaces collapsed, so "Groupe  Martin" and "groupe martin" match;
- a firm's `excluded_experts`: the experts who already declined a diagnostic mission there;
- the expert's status is passed as `status`: the core leaves every non-referenced expert out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .matching import solve
from .matching_input import (
    DEFAULT_WEIGHTS,
    MatchingProblem,
    build_problem,
    domain_cost,
    haversine_km,
)
from .skills import expand_skills

CANDIDATES_KEPT = 20  # eligible experts stored per firm for the "change the pair" list


@dataclass(frozen=True)
class ExpertFacts:
    pk: int
    status: str
    home_department: str
    departments: frozenset[str]
    skills: frozenset[str]
    capacity: int
    open_missions: int
    conflict_sirens: frozenset[str] = frozenset()
    conflict_groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FirmFacts:
    pk: int
    siren: str
    department: str
    needs: frozenset[str] = frozenset()
    group_name: str = ""
    declined_by: frozenset[int] = field(default_factory=frozenset)


def group_key(name: str) -> str:
    return "group:" + " ".join(name.casefold().split())


def expert_id(pk: int) -> str:
    return f"e{pk}"


def firm_id(pk: int) -> str:
    return f"c{pk}"


def conflict_reason(expert: ExpertFacts, firm: FirmFacts) -> str | None:
    """ "siren" or "group" when the expert declared a conflict with this firm, else None."""
    if firm.siren in expert.conflict_sirens:
        return "siren"
    if firm.group_name and group_key(firm.group_name) in {
        group_key(g) for g in expert.conflict_groups
    }:
        return "group"
    return None


def build_instance(
    experts: Sequence[ExpertFacts],
    firms: Sequence[FirmFacts],
    weights: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The domain-mode instance (§2) of these experts and firms (rules in the module doc)."""
    firm_by_siren: dict[str, list[str]] = {}
    for firm in firms:
        firm_by_siren.setdefault(firm.siren, []).append(firm_id(firm.pk))
    return {
        "weights": dict(weights or DEFAULT_WEIGHTS),
        "experts": [
            {
                "id": expert_id(e.pk),
                "home_department": e.home_department,
                "departments": sorted(e.departments),
                "skills": sorted(expand_skills(e.skills)),
                "capacity": max(0, e.capacity - e.open_missions),
                "open_missions": e.open_missions,
                "conflicts": sorted(
                    {fid for siren in e.conflict_sirens for fid in firm_by_siren.get(siren, [])}
                    | {group_key(g) for g in e.conflict_groups}
                ),
                "status": e.status,
            }
            for e in experts
        ],
        "companies": [
            {
                "id": firm_id(f.pk),
                "department": f.department,
                "needs": sorted(f.needs),
                "excluded_experts": sorted(expert_id(pk) for pk in f.declined_by),
                **({"group": group_key(f.group_name)} if f.group_name.strip() else {}),
            }
            for f in firms
        ],
    }


@dataclass(frozen=True)
class Explanation:
    """Why a pair costs what it costs (§4)."""

    km: float
    covered: list[str]
    missing: list[str]
    load: int
    cost: int


def explain(
    expert: ExpertFacts,
    firm: FirmFacts,
    weights: Mapping[str, float],
    centroids: Mapping[str, tuple[float, float]],
) -> Explanation:
    km = haversine_km(centroids[firm.department], centroids[expert.home_department])
    skills = expand_skills(expert.skills)
    covered = sorted(firm.needs & skills)
    missing = sorted(firm.needs - skills)
    return Explanation(
        km=km,
        covered=covered,
        missing=missing,
        load=expert.open_missions,
        cost=domain_cost(weights, km, len(missing), expert.open_missions),
    )


def explain_pair(
    expert: ExpertFacts,
    firm: FirmFacts,
    weights: Mapping[str, float],
    centroids: Mapping[str, tuple[float, float]],
) -> dict[str, Any]:
    """A proposed pair as a run stores it (`MatchingRun.result` rows): expert, cost, why."""
    why = explain(expert, firm, weights, centroids)
    return {
        "expert": expert.pk,
        "cost": why.cost,
        "km": round(why.km, 1),
        "covered": why.covered,
        "missing": why.missing,
        "load": why.load,
        "capacity": expert.capacity,
    }


def solve_and_explain(
    experts: Sequence[ExpertFacts],
    firms: Sequence[FirmFacts],
    weights: Mapping[str, float] | None,
    centroids: Mapping[str, tuple[float, float]],
) -> dict[str, Any]:
    """Solve exactly and return the proposals: one row per firm, in the firms' order.

    Each row holds the chosen expert (or None) with the explanation of the pair, the next
    best eligible expert with its cost, and the cheapest eligible experts (up to
    `CANDIDATES_KEPT`) for the manager's "change the pair" list.
    """
    weights = dict(weights or DEFAULT_WEIGHTS)
    instance = build_instance(experts, firms, weights)
    problem = build_problem(instance, centroids=centroids)
    result = solve(problem)
    candidates = eligible_costs(problem)
    rows = []
    for c, firm in enumerate(firms):
        chosen = int(result.expert_of[c])
        ranked = candidates.get(c, [])
        row: dict[str, Any] = {
            "company": firm.pk,
            "department": firm.department,
            "needs": sorted(firm.needs),
            "pair": None,
            "next": None,
            "candidates": [
                {"expert": experts[e].pk, "cost": cost} for e, cost in ranked[:CANDIDATES_KEPT]
            ],
            "changed": False,
        }
        if chosen >= 0:
            pair = explain_pair(experts[chosen], firm, weights, centroids)
            assert pair["cost"] == int(result.cost_of[c])  # the explanation is the solver's cost
            row["pair"] = pair
            others = [(e, cost) for e, cost in ranked if e != chosen]
            if others:
                row["next"] = {"expert": experts[others[0][0]].pk, "cost": others[0][1]}
        elif ranked:
            row["next"] = {"expert": experts[ranked[0][0]].pk, "cost": ranked[0][1]}
        rows.append(row)
    return {
        "weights": weights,
        "solver": result.solver,
        "seconds": round(result.solver_seconds, 4),
        "assigned_count": result.assigned_count,
        "total_cost": result.total_cost,
        "firm_count": len(firms),
        "expert_count": len(experts),
        "arc_count": problem.n_arcs,
        "rows": rows,
    }


def eligible_costs(problem: MatchingProblem) -> dict[int, list[tuple[int, int]]]:
    """For each company index, its eligible (expert index, cost) pairs, cheapest first."""
    out: dict[int, list[tuple[int, int]]] = {}
    for c, e, cost in zip(
        problem.arc_company.tolist(),
        problem.arc_expert.tolist(),
        problem.arc_cost.tolist(),
        strict=True,
    ):
        out.setdefault(c, []).append((e, cost))
    for pairs in out.values():
        pairs.sort(key=lambda pair: (pair[1], pair[0]))
    return out


def assignment_problems(expert: ExpertFacts, firm: FirmFacts, places_taken: int = 0) -> list[str]:
    """The hard constraints a manual assignment breaks, as codes (empty: allowed).

    The same rules as the solver's arcs (§1): "status" (not referenced), "coverage"
    (the firm's department is not covered), "conflict" (declared conflict of interest),
    "declined" (the expert already declined this firm), "capacity" (no place left once
    `places_taken` other pairs of the same run are counted).
    """
    problems = []
    if expert.status != "referenced":
        problems.append("status")
    if firm.department not in expert.departments:
        problems.append("coverage")
    if conflict_reason(expert, firm):
        problems.append("conflict")
    if expert.pk in firm.declined_by:
        problems.append("declined")
    if expert.capacity - expert.open_missions - places_taken <= 0:
        problems.append("capacity")
    return problems


def expert_pks(rows: Iterable[Mapping[str, Any]]) -> set[int]:
    """Every expert named in proposal rows (chosen, next best and candidates)."""
    pks: set[int] = set()
    for row in rows:
        if row.get("pair"):
            pks.add(row["pair"]["expert"])
        if row.get("next"):
            pks.add(row["next"]["expert"])
        pks.update(c["expert"] for c in row.get("candidates", []))
    return pks
