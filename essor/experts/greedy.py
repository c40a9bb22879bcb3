"""Greedy matching baseline, for benchmarks only (`matching-format.md` §4).

Rule: companies are taken in input order; each takes its cheapest eligible expert who
still has capacity left (ties go to the expert listed first). This is what "nearest free
expert first" does by hand; the benchmark reports how many more companies the exact
optimum (`matching.solve`) serves and how much cost it saves. Never use it to assign.
"""

from __future__ import annotations

import time

import numpy as np

from essor.experts.matching import MatchingResult
from essor.experts.matching_input import MatchingProblem

GREEDY_SOLVER_NAME = "greedy-baseline"


def solve_greedy(problem: MatchingProblem) -> MatchingResult:
    """Assign companies one by one, in input order, to their cheapest expert with room."""
    started = time.perf_counter()
    n_companies = problem.n_companies
    # Arcs grouped by company, cheapest first, then by expert order.
    order = np.lexsort((problem.arc_expert, problem.arc_cost, problem.arc_company))
    companies = problem.arc_company[order]
    experts = problem.arc_expert[order].tolist()
    costs = problem.arc_cost[order].tolist()
    starts = np.searchsorted(companies, np.arange(n_companies + 1)).tolist()
    room = problem.capacities.tolist()

    expert_of = np.full(n_companies, -1, dtype=np.int64)
    cost_of = np.zeros(n_companies, dtype=np.int64)
    assigned = 0
    total = 0
    for company in range(n_companies):
        for k in range(starts[company], starts[company + 1]):
            expert = experts[k]
            if room[expert] > 0:
                room[expert] -= 1
                expert_of[company] = expert
                cost_of[company] = costs[k]
                assigned += 1
                total += costs[k]
                break
    return MatchingResult(
        expert_of=expert_of,
        cost_of=cost_of,
        assigned_count=assigned,
        total_cost=total,
        solver_seconds=time.perf_counter() - started,
        solver=GREEDY_SOLVER_NAME,
    )
