"""Generic-mode matching (`matching-format.md` §1-§3) against an independent exact method."""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essor.experts.matching import (
    FALLBACK_SOLVER_NAME,
    SOLVER_NAME,
    match,
    max_supported_cost,
    solve,
)
from essor.experts.matching_input import make_problem
from tests.experts.helpers import assert_valid_output, run_match
from tests.experts.reference import lexicographic_optimum, maximum_served

CONTRACT_EXAMPLE = {
    "experts": [{"id": "e1", "capacity": 3}, {"id": "e2", "capacity": 1}],
    "companies": [{"id": "c1"}, {"id": "c2"}],
    "arcs": [["c1", "e1", 120], ["c1", "e2", 40], ["c2", "e2", 75]],
}


def _check_against_reference(instance: dict[str, Any]) -> dict[str, Any]:
    output = match(instance)
    company_ids = [c["id"] for c in instance["companies"]]
    expert_ids = [e["id"] for e in instance["experts"]]
    capacities = {e["id"]: e["capacity"] for e in instance["experts"]}
    arc_costs = {(c, e): cost for c, e, cost in instance["arcs"]}
    assert_valid_output(output, company_ids, capacities, arc_costs)
    indexed = [(company_ids.index(c), expert_ids.index(e), cost) for c, e, cost in instance["arcs"]]
    caps = [capacities[e] for e in expert_ids]
    served, total = lexicographic_optimum(len(company_ids), caps, indexed)
    assert output["assigned_count"] == maximum_served(len(company_ids), caps, indexed)
    assert (output["assigned_count"], output["total_cost"]) == (served, total)
    return output


def test_contract_example_serves_both_companies_at_least_cost(capsys, tmp_path):
    status, out, err = run_match(capsys, tmp_path, CONTRACT_EXAMPLE)
    assert status == 0, err
    assert err == ""
    output = json.loads(out)
    # c2 can only take e2 (capacity 1), so serving both forces c1 onto e1.
    assert output["assignments"] == [
        {"company": "c1", "expert": "e1", "cost": 120},
        {"company": "c2", "expert": "e2", "cost": 75},
    ]
    assert output["unassigned"] == []
    assert output["assigned_count"] == 2
    assert output["total_cost"] == 195
    assert output["solver"] == SOLVER_NAME
    _check_against_reference(CONTRACT_EXAMPLE)


def test_serving_more_companies_beats_a_cheaper_smaller_matching():
    # Cheapest single pair is c1-e1 (1) but it leaves c2 unserved; two served wins.
    instance = {
        "experts": [{"id": "e1", "capacity": 1}, {"id": "e2", "capacity": 1}],
        "companies": [{"id": "c1"}, {"id": "c2"}],
        "arcs": [["c1", "e1", 1], ["c1", "e2", 1000], ["c2", "e1", 1000]],
    }
    output = _check_against_reference(instance)
    assert output["assigned_count"] == 2
    assert output["total_cost"] == 2000


def test_company_without_eligible_expert_is_unassigned_in_input_order():
    instance = {
        "experts": [{"id": "e1", "capacity": 1}],
        "companies": [{"id": "z"}, {"id": "a"}, {"id": "m"}],
        "arcs": [["a", "e1", 5]],
    }
    output = match(instance)
    assert output["assignments"] == [{"company": "a", "expert": "e1", "cost": 5}]
    assert output["unassigned"] == ["z", "m"]


def test_capacity_zero_expert_takes_nobody():
    instance = {
        "experts": [{"id": "e0", "capacity": 0}, {"id": "e1", "capacity": 1}],
        "companies": [{"id": "c1"}, {"id": "c2"}],
        "arcs": [["c1", "e0", 0], ["c2", "e0", 0], ["c2", "e1", 9]],
    }
    output = _check_against_reference(instance)
    assert output["assignments"] == [{"company": "c2", "expert": "e1", "cost": 9}]
    assert output["unassigned"] == ["c1"]


def test_empty_instances():
    assert match({"experts": [], "companies": [], "arcs": []})["assigned_count"] == 0
    output = match({"experts": [], "companies": [{"id": "c"}], "arcs": []})
    assert output["unassigned"] == ["c"]
    assert output["total_cost"] == 0


def test_huge_capacity_is_accepted():
    instance = {
        "experts": [{"id": "e", "capacity": 10**30}],
        "companies": [{"id": f"c{i}"} for i in range(3)],
        "arcs": [[f"c{i}", "e", i] for i in range(3)],
    }
    assert _check_against_reference(instance)["assigned_count"] == 3


@st.composite
def generic_instances(draw: st.DrawFn, max_companies: int = 9, max_cost: int = 30) -> Any:
    n_companies = draw(st.integers(0, max_companies))
    n_experts = draw(st.integers(0, 6))
    capacities = draw(st.lists(st.integers(0, 3), min_size=n_experts, max_size=n_experts))
    pairs = list(itertools.product(range(n_companies), range(n_experts)))
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True) if pairs else st.just([]))
    costs = draw(st.lists(st.integers(0, max_cost), min_size=len(chosen), max_size=len(chosen)))
    return {
        "experts": [{"id": f"e{j}", "capacity": capacities[j]} for j in range(n_experts)],
        "companies": [{"id": f"c{i}"} for i in range(n_companies)],
        "arcs": [[f"c{i}", f"e{j}", cost] for (i, j), cost in zip(chosen, costs, strict=True)],
    }


@settings(max_examples=300, deadline=None)
@given(generic_instances())
def test_random_small_instances_match_the_hungarian_optimum(instance):
    _check_against_reference(instance)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generic_instances(max_companies=30, max_cost=10**6))
def test_random_larger_instances_match_the_hungarian_optimum(instance):
    _check_against_reference(instance)


def _brute_force(n_companies, capacities, arcs):
    """Lexicographic optimum by enumeration, in exact Python integers."""
    options = [
        [None] + [(e, c) for i, e, c in arcs if i == company] for company in range(n_companies)
    ]
    best = (0, 0)
    for choice in itertools.product(*options):
        load = [0] * len(capacities)
        for pick in choice:
            if pick is not None:
                load[pick[0]] += 1
        if any(used > cap for used, cap in zip(load, capacities, strict=True)):
            continue
        picks = [p for p in choice if p is not None]
        key = (len(picks), -sum(c for _, c in picks))
        if key > (best[0], -best[1]):
            best = (len(picks), sum(c for _, c in picks))
    return best


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_costs_near_the_64_bit_limit_stay_exact(data):
    """Costs near 2**63/(n+3) overflow OR-Tools' potentials: the fallback must be exact."""
    n_companies = data.draw(st.integers(1, 4))
    n_experts = data.draw(st.integers(1, 3))
    capacities = data.draw(st.lists(st.integers(0, 2), min_size=n_experts, max_size=n_experts))
    bound = max_supported_cost(n_companies, n_experts)
    cost = st.one_of(st.integers(0, 2**63 - 1), st.integers(bound // 4, bound), st.just(bound))
    arcs = [
        (i, j, data.draw(cost))
        for i in range(n_companies)
        for j in range(n_experts)
        if data.draw(st.booleans())
    ]
    problem = make_problem(
        [f"c{i}" for i in range(n_companies)],
        [f"e{j}" for j in range(n_experts)],
        capacities,
        [a[0] for a in arcs],
        [a[1] for a in arcs],
        [a[2] for a in arcs],
    )
    result = solve(problem)
    assert (result.assigned_count, result.total_cost) == _brute_force(n_companies, capacities, arcs)
    assert result.solver in {SOLVER_NAME, FALLBACK_SOLVER_NAME}


def test_cost_above_the_scaling_bound_uses_the_exact_fallback():
    bound = max_supported_cost(2, 1)
    instance = {
        "experts": [{"id": "e", "capacity": 1}],
        "companies": [{"id": "a"}, {"id": "b"}],
        "arcs": [["a", "e", bound + 1], ["b", "e", 2**63 - 1]],
    }
    output = match(instance)
    assert output["solver"] == FALLBACK_SOLVER_NAME
    assert output["assignments"] == [{"company": "a", "expert": "e", "cost": bound + 1}]
    assert output["total_cost"] == bound + 1


def test_total_cost_beyond_64_bits_is_exact():
    big = 2**62
    instance = {
        "experts": [{"id": "e", "capacity": 3}],
        "companies": [{"id": c} for c in "abc"],
        "arcs": [[c, "e", big] for c in "abc"],
    }
    output = match(instance)
    assert output["assigned_count"] == 3
    assert output["total_cost"] == 3 * big
