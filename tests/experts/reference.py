"""Independent exact reference for the matching tests (scipy, not OR-Tools).

The lexicographic optimum (max companies served, then min total cost) is computed with
the Hungarian method (`scipy.optimize.linear_sum_assignment`) on the expanded matrix:
one row per company, one column per unit of expert capacity (expert e repeated
min(capacity, companies) times) plus one "stay unassigned" column per company.

Entries: an eligible pair costs its arc cost c; an ineligible pair and every "unassigned"
column cost K = companies * max_cost + 1. A square-or-wider assignment gives every
company a column, so its value is (sum of chosen arc costs) + K * (companies unserved).
If matching A serves a companies and B serves b < a, then
value(B) - value(A) >= (a - b) * K - cost(A) >= K - companies * max_cost > 0, so the
minimum serves as many companies as possible and, among those, costs least. All values
stay far below 2**53, so the float64 arithmetic of scipy is exact here.

The number served is cross-checked with `scipy.sparse.csgraph.maximum_bipartite_matching`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_bipartite_matching

Arc = tuple[int, int, int]  # (company index, expert index, cost)


def _slots(n_companies: int, capacities: Sequence[int]) -> list[list[int]]:
    slots: list[list[int]] = []
    column = 0
    for capacity in capacities:
        width = min(capacity, n_companies)
        slots.append(list(range(column, column + width)))
        column += width
    return slots


def lexicographic_optimum(
    n_companies: int, capacities: Sequence[int], arcs: Sequence[Arc]
) -> tuple[int, int]:
    """(companies served, minimum total cost) by the Hungarian method, see module doc."""
    if n_companies == 0:
        return 0, 0
    slots = _slots(n_companies, capacities)
    n_slots = sum(len(s) for s in slots)
    max_cost = max((cost for _, _, cost in arcs), default=0)
    big = n_companies * max_cost + 1
    assert big * n_companies < 2**52
    matrix = np.full((n_companies, n_slots + n_companies), big, dtype=np.int64)
    for company, expert, cost in arcs:
        for column in slots[expert]:
            matrix[company, column] = cost
    rows, cols = linear_sum_assignment(matrix)
    served = 0
    total = 0
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        if col < n_slots and matrix[row, col] < big:
            served += 1
            total += int(matrix[row, col])
    return served, total


def maximum_served(n_companies: int, capacities: Sequence[int], arcs: Sequence[Arc]) -> int:
    """Size of a maximum matching of companies to expert capacity units."""
    slots = _slots(n_companies, capacities)
    n_slots = sum(len(s) for s in slots)
    if n_companies == 0 or n_slots == 0:
        return 0
    rows: list[int] = []
    cols: list[int] = []
    for company, expert, _ in arcs:
        for column in slots[expert]:
            rows.append(company)
            cols.append(column)
    graph = csr_array(
        (np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n_companies, n_slots)
    )
    matching = maximum_bipartite_matching(graph, perm_type="column")
    return int((matching >= 0).sum())
