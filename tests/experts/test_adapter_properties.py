"""The DB→instance adapter and the explanations, on random instances (no database).

Properties: the solver's arcs are exactly the pairs a manual assignment accepts (same hard
constraints on both paths); no proposed pair ever breaks a declared conflict of interest,
the coverage, the referencing or the capacity; every explanation's cost is the solver's.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from essor.experts.adapter import (
    ExpertFacts,
    FirmFacts,
    assignment_problems,
    build_instance,
    conflict_reason,
    expert_id,
    firm_id,
    solve_and_explain,
)
from essor.experts.matching_input import build_problem
from essor.experts.skills import expand_skills
from essor.territories.reference import department_centroids

CENTROIDS = department_centroids()
DEPARTMENTS = ["69", "01", "38", "42", "29", "35", "75", "13"]
SKILLS = ["donnees-ia", "cybersecurite", "automatisation-robotique", "energie-environnement",
          "efficacite-energetique", "iot-capteurs"]  # fmt: skip
GROUPS = ["Groupe Martin", "groupe  martin", "Groupe Durand", ""]
SIRENS = ["310000001", "310000019", "310000027", "310000035"]
STATUSES = ["referenced", "referenced", "referenced", "suspended", "application"]


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[ExpertFacts], list[FirmFacts]]:
    n_firms = draw(st.integers(0, 8))
    firms = [
        FirmFacts(
            pk=100 + i,
            siren=draw(st.sampled_from(SIRENS)),
            department=draw(st.sampled_from(DEPARTMENTS)),
            needs=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=3))),
            group_name=draw(st.sampled_from(GROUPS)),
        )
        for i in range(n_firms)
    ]
    experts = []
    for e in range(draw(st.integers(0, 6))):
        capacity = draw(st.integers(0, 3))
        experts.append(
            ExpertFacts(
                pk=e + 1,
                status=draw(st.sampled_from(STATUSES)),
                home_department=draw(st.sampled_from(DEPARTMENTS)),
                departments=frozenset(draw(st.lists(st.sampled_from(DEPARTMENTS), max_size=5))),
                skills=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=4))),
                capacity=capacity,
                open_missions=draw(st.integers(0, capacity + 1)),
                conflict_sirens=frozenset(draw(st.lists(st.sampled_from(SIRENS), max_size=2))),
                conflict_groups=frozenset(
                    draw(st.lists(st.sampled_from(["Groupe Martin", "GROUPE DURAND"]), max_size=1))
                ),
            )
        )
    # Some firms were declined by some experts.
    expert_pks = [e.pk for e in experts] or [0]
    firms = [
        FirmFacts(
            f.pk,
            f.siren,
            f.department,
            f.needs,
            f.group_name,
            frozenset(draw(st.lists(st.sampled_from(expert_pks), max_size=1))),
        )
        for f in firms
    ]
    return experts, firms


@settings(max_examples=300, deadline=None)
@given(instances())
def test_arcs_are_exactly_the_pairs_a_manual_assignment_accepts(
    data: tuple[list[ExpertFacts], list[FirmFacts]],
) -> None:
    experts, firms = data
    problem = build_problem(build_instance(experts, firms), centroids=CENTROIDS)
    arcs = {
        (problem.company_ids[c], problem.expert_ids[e])
        for c, e in zip(problem.arc_company.tolist(), problem.arc_expert.tolist(), strict=True)
    }
    for firm in firms:
        for expert in experts:
            allowed = not assignment_problems(expert, firm)
            assert ((firm_id(firm.pk), expert_id(expert.pk)) in arcs) == allowed


@settings(max_examples=300, deadline=None)
@given(instances())
def test_no_proposal_breaks_a_hard_constraint(
    data: tuple[list[ExpertFacts], list[FirmFacts]],
) -> None:
    experts, firms = data
    result = solve_and_explain(experts, firms, None, CENTROIDS)
    by_pk = {e.pk: e for e in experts}
    firm_by_pk = {f.pk: f for f in firms}
    load: Counter[int] = Counter()
    for row in result["rows"]:
        pair = row["pair"]
        if pair is None:
            continue
        expert, firm = by_pk[pair["expert"]], firm_by_pk[row["company"]]
        assert conflict_reason(expert, firm) is None, "a conflict of interest was matched"
        assert expert.status == "referenced"
        assert firm.department in expert.departments
        assert expert.pk not in firm.declined_by
        assert pair["missing"] == sorted(firm.needs - expand_skills(expert.skills))
        load[expert.pk] += 1
    for pk, taken in load.items():
        assert taken <= by_pk[pk].capacity - by_pk[pk].open_missions
    assert result["assigned_count"] == sum(load.values())
    assert result["total_cost"] == sum(r["pair"]["cost"] for r in result["rows"] if r["pair"])


@settings(max_examples=200, deadline=None)
@given(instances())
def test_next_best_is_the_cheapest_other_eligible_expert(
    data: tuple[list[ExpertFacts], list[FirmFacts]],
) -> None:
    experts, firms = data
    result = solve_and_explain(experts, firms, None, CENTROIDS)
    for row in result["rows"]:
        costs = [c["cost"] for c in row["candidates"]]
        assert costs == sorted(costs)
        chosen = row["pair"]["expert"] if row["pair"] else None
        others = [c for c in row["candidates"] if c["expert"] != chosen]
        if row["next"] is None:
            assert not others
        else:
            assert row["next"]["cost"] == others[0]["cost"]


def test_a_group_conflict_ignores_case_and_spaces() -> None:
    expert = ExpertFacts(1, "referenced", "69", frozenset({"69"}), frozenset(), 2, 0,
                         conflict_groups=frozenset({"GROUPE  Martin"}))  # fmt: skip
    firm = FirmFacts(7, "310000001", "69", group_name="groupe martin")
    assert conflict_reason(expert, firm) == "group"
    result = solve_and_explain([expert], [firm], None, CENTROIDS)
    assert result["rows"][0]["pair"] is None and result["rows"][0]["candidates"] == []


def test_the_explanation_gives_distance_skills_and_the_next_best() -> None:
    lyon = ExpertFacts(1, "referenced", "69", frozenset({"01"}),
                       frozenset({"numerique-donnees"}), 2, 1)  # fmt: skip
    # The pillar covers its dimension "donnees-ia", not the energy one.
    paris = ExpertFacts(2, "referenced", "75", frozenset({"01"}), frozenset(), 2, 0)
    firm = FirmFacts(
        9, "310000001", "01", needs=frozenset({"donnees-ia", "efficacite-energetique"})
    )
    result = solve_and_explain([lyon, paris], [firm], None, CENTROIDS)
    row = result["rows"][0]
    pair = row["pair"]
    assert pair["expert"] == 1  # closer, and it covers one need more
    assert pair["covered"] == ["donnees-ia"] and pair["missing"] == ["efficacite-energetique"]
    assert 40 < pair["km"] < 70 and pair["load"] == 1
    assert row["next"]["expert"] == 2 and row["next"]["cost"] > pair["cost"]
