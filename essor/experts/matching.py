"""Exact expert ↔ company matching (`matching-format.md`).

Rule (§1): each company gets at most one expert, each expert at most `capacity` companies,
only along eligible arcs; the objective is lexicographic — first serve as many companies
as possible, then minimise the total integer cost of the chosen pairs.

Method: a min-cost flow in the bipartite graph company → expert, solved by OR-Tools'
`SimpleMinCostFlow.solve_max_flow_with_min_cost()`. Every company node supplies 1 unit,
every expert node demands `min(capacity, number of companies)` units, each eligible arc
has capacity 1 and its integer cost. OR-Tools first computes the maximum flow that these
supplies allow (= the maximum number of companies that can be served) and then the
minimum-cost flow of exactly that value, which is the lexicographic optimum, without any
big-M penalty. Its cost-scaling algorithm is exact on integer costs as long as costs
multiplied by (number of nodes + 3), and the node potentials it derives, fit 64-bit
integers; OR-Tools checks both and reports BAD_COST_RANGE otherwise (never a wrong
answer). Only then — costs within a small factor of 2**63 / (companies + experts), far
above any domain-mode cost — does `solve` fall back to an exact successive-shortest-path
algorithm in Python integers, and `solver` says so (`FALLBACK_SOLVER_NAME`). Costs above
2**63 - 1 are refused by the reader.

Input and output are plain data: `build_problem` (in `matching_input`) turns an instance
into a `MatchingProblem`, `solve` returns a `MatchingResult`, `to_output` renders the JSON
object of §3, and `match` chains the three. No Django import here.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from essor.experts.matching_input import (
    INT64_MAX,
    Centroids,
    InstanceError,
    IntArray,
    MatchingError,
    MatchingProblem,
    build_problem,
    loads_instance,
)

SOLVER_NAME = "ortools-min-cost-flow"
FALLBACK_SOLVER_NAME = "exact-successive-shortest-paths"


class SolverError(MatchingError, RuntimeError):
    """The solver failed for a reason other than the input (exit status 1)."""


@dataclass(frozen=True, eq=False)
class MatchingResult:
    """A matching: `expert_of[c]` is the expert index of company c, or -1 if unassigned.

    `cost_of[c]` is the integer cost of company c's pair (0 when unassigned);
    `solver_seconds` is the time spent inside the solver call alone; `solver` names the
    algorithm that produced it (`SOLVER_NAME`, or `FALLBACK_SOLVER_NAME` for huge costs).
    """

    expert_of: IntArray
    cost_of: IntArray
    assigned_count: int
    total_cost: int
    solver_seconds: float
    solver: str = SOLVER_NAME


def max_supported_cost(n_companies: int, n_experts: int) -> int:
    """Largest arc cost OR-Tools can scale exactly for a graph of this size.

    OR-Tools adds a source and a sink and multiplies costs by (nodes + 1), refusing any cost
    above INT64_MAX / (2 * scaling factor); its graph has companies + experts + 2 nodes.
    """
    scaling_factor = n_companies + n_experts + 3
    return INT64_MAX // (2 * scaling_factor)


def _empty_result(n_companies: int) -> MatchingResult:
    return MatchingResult(
        expert_of=np.full(n_companies, -1, dtype=np.int64),
        cost_of=np.zeros(n_companies, dtype=np.int64),
        assigned_count=0,
        total_cost=0,
        solver_seconds=0.0,
    )


def solve(problem: MatchingProblem) -> MatchingResult:
    """Return a lexicographic optimum of `problem` (§1): max companies served, then min cost."""
    n_companies, n_experts = problem.n_companies, problem.n_experts
    # An expert who takes nobody cannot carry flow: their arcs change nothing.
    usable = problem.capacities[problem.arc_expert] > 0
    if n_companies == 0 or not bool(usable.any()):
        return _empty_result(n_companies)
    tails = problem.arc_company[usable].astype(np.int32)
    heads = (problem.arc_expert[usable] + n_companies).astype(np.int32)
    costs = np.ascontiguousarray(problem.arc_cost[usable], dtype=np.int64)
    if int(costs.max()) > max_supported_cost(n_companies, n_experts):
        return _solve_big_costs(n_companies, n_experts, problem.capacities, tails, heads, costs)

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails, heads, np.ones(tails.shape[0], dtype=np.int64), costs
    )
    supplies = np.concatenate(
        [
            np.ones(n_companies, dtype=np.int64),
            -np.minimum(problem.capacities, n_companies).astype(np.int64),
        ]
    )
    flow.set_nodes_supplies(np.arange(n_companies + n_experts, dtype=np.int32), supplies)

    started = time.perf_counter()
    status = flow.solve_max_flow_with_min_cost()
    solver_seconds = time.perf_counter() - started
    if status == min_cost_flow.SimpleMinCostFlow.BAD_COST_RANGE:
        # Node potentials would overflow 64 bits: only with costs near the bound.
        return _solve_big_costs(n_companies, n_experts, problem.capacities, tails, heads, costs)
    if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status!r}")

    chosen = np.flatnonzero(np.asarray(flow.flows(arcs)) > 0)
    return _result(n_companies, tails, heads, costs, chosen, solver_seconds, SOLVER_NAME)


def _result(
    n_companies: int,
    tails: npt.NDArray[np.int32],
    heads: npt.NDArray[np.int32],
    costs: IntArray,
    chosen: npt.NDArray[np.intp],
    solver_seconds: float,
    solver: str,
) -> MatchingResult:
    expert_of = np.full(n_companies, -1, dtype=np.int64)
    cost_of = np.zeros(n_companies, dtype=np.int64)
    expert_of[tails[chosen]] = heads[chosen].astype(np.int64) - n_companies
    cost_of[tails[chosen]] = costs[chosen]
    return MatchingResult(
        expert_of=expert_of,
        cost_of=cost_of,
        assigned_count=int(chosen.shape[0]),
        # Summed as Python ints: exact even where an int64 total would overflow.
        total_cost=sum(int(c) for c in costs[chosen]),
        solver_seconds=solver_seconds,
        solver=solver,
    )


def _solve_big_costs(
    n_companies: int,
    n_experts: int,
    capacities: IntArray,
    tails: npt.NDArray[np.int32],
    heads: npt.NDArray[np.int32],
    costs: IntArray,
) -> MatchingResult:
    """Exact fallback for costs too large for OR-Tools' 64-bit cost scaling.

    Successive shortest paths with Dijkstra on reduced costs (Johnson potentials), in
    Python integers, so no magnitude can overflow. Each augmentation serves one more
    company at the least extra cost; stopping when the sink is unreachable gives a maximum
    flow of minimum cost, the same lexicographic optimum. Slow on large graphs, but only
    instances with costs near 2**63 / (companies + experts) ever come here.
    """
    started = time.perf_counter()
    source, sink = n_companies + n_experts, n_companies + n_experts + 1
    n_nodes = sink + 1
    # Residual graph: edge k and its reverse k ^ 1.
    edge_to: list[int] = []
    edge_cap: list[int] = []
    edge_cost: list[int] = []
    out: list[list[int]] = [[] for _ in range(n_nodes)]

    def add_edge(u: int, v: int, cap: int, cost: int) -> int:
        out[u].append(len(edge_to))
        edge_to.append(v)
        edge_cap.append(cap)
        edge_cost.append(cost)
        out[v].append(len(edge_to))
        edge_to.append(u)
        edge_cap.append(0)
        edge_cost.append(-cost)
        return len(edge_to) - 2

    for c in range(n_companies):
        add_edge(source, c, 1, 0)
    arc_edges = [
        add_edge(u, v, 1, w)
        for u, v, w in zip(tails.tolist(), heads.tolist(), costs.tolist(), strict=True)
    ]
    for e, cap in enumerate(capacities.tolist()):
        if cap > 0:
            add_edge(n_companies + e, sink, min(cap, n_companies), 0)

    potential = [0] * n_nodes
    while True:
        dist: list[int | None] = [None] * n_nodes
        via = [-1] * n_nodes
        dist[source] = 0
        heap = [(0, source)]
        while heap:
            d, u = heapq.heappop(heap)
            if d != dist[u]:
                continue
            for k in out[u]:
                if edge_cap[k] > 0:
                    v = edge_to[k]
                    nd = d + edge_cost[k] + potential[u] - potential[v]
                    known = dist[v]
                    if known is None or nd < known:
                        dist[v] = nd
                        via[v] = k
                        heapq.heappush(heap, (nd, v))
        if dist[sink] is None:
            break
        # Nodes not reached now stay unreachable: new residual edges join reached nodes.
        for v, d_v in enumerate(dist):
            if d_v is not None:
                potential[v] += d_v
        v = sink
        while v != source:
            k = via[v]
            edge_cap[k] -= 1
            edge_cap[k ^ 1] += 1
            v = edge_to[k ^ 1]

    chosen = np.array([i for i, k in enumerate(arc_edges) if edge_cap[k] == 0], dtype=np.intp)
    return _result(
        n_companies,
        tails,
        heads,
        costs,
        chosen,
        time.perf_counter() - started,
        FALLBACK_SOLVER_NAME,
    )


def to_output(
    problem: MatchingProblem, result: MatchingResult, *, seconds: float
) -> dict[str, Any]:
    """The §3 output object; assignments and unassigned follow the companies' input order."""
    assignments: list[dict[str, Any]] = []
    unassigned: list[str] = []
    for company, expert, cost in zip(
        problem.company_ids, result.expert_of.tolist(), result.cost_of.tolist(), strict=True
    ):
        if expert < 0:
            unassigned.append(company)
        else:
            assignments.append(
                {"company": company, "expert": problem.expert_ids[expert], "cost": cost}
            )
    return {
        "assignments": assignments,
        "unassigned": unassigned,
        "assigned_count": result.assigned_count,
        "total_cost": result.total_cost,
        "solver": result.solver,
        "seconds": round(seconds, 6),
    }


def match(instance: Any, *, centroids: Centroids | None = None) -> dict[str, Any]:
    """Validate and solve a parsed instance (§2) and return the §3 output object.

    `seconds` covers validation, cost computation and solving, not JSON parsing.
    Raises `InstanceError` on bad input.
    """
    started = time.perf_counter()
    problem = build_problem(instance, centroids=centroids)
    result = solve(problem)
    return to_output(problem, result, seconds=time.perf_counter() - started)


def match_text(text: str | bytes, *, centroids: Centroids | None = None) -> dict[str, Any]:
    """Parse instance JSON strictly (see `matching_input.loads_instance`) and solve it."""
    return match(loads_instance(text), centroids=centroids)


__all__ = [
    "FALLBACK_SOLVER_NAME",
    "SOLVER_NAME",
    "InstanceError",
    "MatchingProblem",
    "MatchingResult",
    "SolverError",
    "build_problem",
    "match",
    "match_text",
    "max_supported_cost",
    "solve",
    "to_output",
]
