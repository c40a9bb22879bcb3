"""The greedy baseline (`matching-format.md` §4) follows its rule and never beats the optimum."""

from __future__ import annotations

from hypothesis import given, settings

from essor.experts.greedy import GREEDY_SOLVER_NAME, solve_greedy
from essor.experts.matching import solve, to_output
from essor.experts.matching_input import build_problem
from tests.experts.helpers import assert_valid_output
from tests.experts.test_matching_generic import generic_instances


def test_greedy_takes_cheapest_free_expert_in_company_order():
    instance = {
        "experts": [{"id": "near", "capacity": 1}, {"id": "far", "capacity": 1}],
        "companies": [{"id": "c1"}, {"id": "c2"}],
        # c1 grabs "near" (1); c2 could only use "near", so greedy leaves it unserved.
        "arcs": [["c1", "near", 1], ["c1", "far", 5], ["c2", "near", 2]],
    }
    problem = build_problem(instance)
    greedy = solve_greedy(problem)
    assert greedy.expert_of.tolist() == [0, -1]
    assert (greedy.assigned_count, greedy.total_cost) == (1, 1)
    assert greedy.solver == GREEDY_SOLVER_NAME
    optimum = solve(problem)
    assert (optimum.assigned_count, optimum.total_cost) == (2, 7)


def test_greedy_breaks_cost_ties_by_expert_order():
    instance = {
        "experts": [{"id": "b", "capacity": 1}, {"id": "a", "capacity": 1}],
        "companies": [{"id": "c"}],
        "arcs": [["c", "a", 3], ["c", "b", 3]],
    }
    assert solve_greedy(build_problem(instance)).expert_of.tolist() == [0]


@settings(max_examples=200, deadline=None)
@given(generic_instances())
def test_greedy_is_valid_and_never_better_than_the_optimum(instance):
    problem = build_problem(instance)
    greedy = solve_greedy(problem)
    assert_valid_output(
        to_output(problem, greedy, seconds=greedy.solver_seconds),
        [c["id"] for c in instance["companies"]],
        {e["id"]: e["capacity"] for e in instance["experts"]},
        {(c, e): cost for c, e, cost in instance["arcs"]},
    )
    optimum = solve(problem)
    assert (optimum.assigned_count, -optimum.total_cost) >= (
        greedy.assigned_count,
        -greedy.total_cost,
    )
