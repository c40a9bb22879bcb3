"""Domain-mode matching: eligibility, cost arithmetic and optimality (`matching-format.md` §1-§2)."""

from __future__ import annotations

import json
import math
import sys
import types
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from essor.experts.matching import match
from essor.experts.matching_input import InstanceError, haversine_km, round_half_away_from_zero
from tests.experts.helpers import assert_valid_output, run_match
from tests.experts.reference import lexicographic_optimum

# Stub centroids (lat, lon): "A" and "B" one degree of longitude apart on the equator.
CENTROIDS = {
    "A": (0.0, 0.0),
    "B": (0.0, 1.0),
    "69": (45.7, 4.8),
    "01": (46.1, 5.3),
    "42": (45.7, 4.2),
    "75": (48.86, 2.35),
    "2A": (41.9, 8.9),
    "971": (16.2, -61.5),
}


def expert(ident: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": ident,
        "home_department": "A",
        "departments": ["A", "B"],
        "skills": [],
        "capacity": 1,
        "open_missions": 0,
        "conflicts": [],
    }
    return base | fields


def company(ident: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": ident, "department": "A", "needs": [], "excluded_experts": []}
    return base | fields


def solve_domain(instance: dict[str, Any]) -> dict[str, Any]:
    return match(instance, centroids=CENTROIDS)


# --------------------------------------------------------------------------- arithmetic


def test_haversine_one_degree_on_the_equator():
    assert haversine_km((0.0, 0.0), (0.0, 1.0)) == pytest.approx(111.1950802335329, abs=1e-9)
    assert haversine_km((45.7, 4.8), (45.7, 4.8)) == 0.0


def test_round_half_away_from_zero():
    assert [round_half_away_from_zero(x) for x in (12.5, 13.5, 0.5, 0.49, -2.5, 7.0)] == [
        13,
        14,
        1,
        0,
        -3,
        7,
    ]


def test_cost_combines_distance_skills_and_load_in_hundredths():
    instance = {
        "weights": {"distance": 1.0, "skill": 50.0, "load": 10.0},
        "experts": [expert("e1", home_department="B", skills=["donnees"], open_missions=2)],
        "companies": [company("c1", needs=["donnees", "cybersecurite", "robotique"])],
    }
    # 1 * 111.195080 km + 50 * 2 missing needs + 10 * 2 open missions = 231.195080
    # -> 23119.508 hundredths -> 23120.
    output = solve_domain(instance)
    assert output["assignments"] == [{"company": "c1", "expert": "e1", "cost": 23120}]
    assert output["total_cost"] == 23120


def test_missing_weights_take_the_documented_defaults():
    base = {
        "experts": [expert("e1", home_department="B", open_missions=1, skills=["x"])],
        "companies": [company("c1", needs=["x", "y"])],
    }
    explicit = solve_domain(base | {"weights": {"distance": 1.0, "skill": 50.0, "load": 10.0}})
    assert solve_domain(base)["total_cost"] == explicit["total_cost"]
    # 111.195080 + 50 + 10 = 171.195080 -> 17120 (17119.508 rounded)
    assert explicit["total_cost"] == 17120
    partial = solve_domain(base | {"weights": {"skill": 0.0}})
    # distance and load keep their defaults: 111.195080 + 10 -> 12120 (12119.508)
    assert partial["total_cost"] == 12120


def test_halves_round_away_from_zero():
    instance = {
        "weights": {"distance": 0.0, "skill": 0.125, "load": 0.0},
        "experts": [expert("e1")],
        "companies": [company("c1", needs=["a"])],
    }
    assert solve_domain(instance)["total_cost"] == 13  # 12.5 hundredths, not banker's 12


def test_duplicate_needs_count_once():
    instance = {
        "weights": {"distance": 0.0, "skill": 1.0, "load": 0.0},
        "experts": [expert("e1")],
        "companies": [company("c1", needs=["a", "a", "b"])],
    }
    assert solve_domain(instance)["total_cost"] == 200


def test_nearest_expert_wins_when_all_else_is_equal():
    instance = {
        "experts": [expert("far", home_department="B"), expert("near", home_department="A")],
        "companies": [company("c1")],
    }
    assert solve_domain(instance)["assignments"] == [{"company": "c1", "expert": "near", "cost": 0}]


# --------------------------------------------------------------------------- eligibility


def test_expert_must_cover_the_company_department():
    instance = {
        "experts": [expert("e1", home_department="A", departments=["B"])],
        "companies": [company("c1", department="A")],
    }
    assert solve_domain(instance)["unassigned"] == ["c1"]


def test_conflict_with_company_id_or_group_is_never_crossed():
    instance = {
        "experts": [
            expert("e_id", conflicts=["c1"]),
            expert("e_group", conflicts=["groupe-x"]),
            expert("e_free", home_department="B", capacity=2),
        ],
        "companies": [company("c1"), company("c2", group="groupe-x"), company("c3")],
    }
    output = solve_domain(instance)
    pairs = {(a["company"], a["expert"]) for a in output["assignments"]}
    assert ("c1", "e_id") not in pairs
    assert ("c2", "e_group") not in pairs
    assert output["assigned_count"] == 3


def test_excluded_expert_is_never_assigned():
    instance = {
        "experts": [expert("e1"), expert("e2", home_department="B")],
        "companies": [company("c1", excluded_experts=["e1", "someone-else"])],
    }
    assert solve_domain(instance)["assignments"][0]["expert"] == "e2"


@pytest.mark.parametrize(
    "fields",
    [{"active": False}, {"status": "suspended"}, {"active": True, "status": "pending"}],
)
def test_unreferenced_expert_is_not_eligible(fields):
    instance = {"experts": [expert("e1", **fields)], "companies": [company("c1")]}
    assert solve_domain(instance)["unassigned"] == ["c1"]


def test_explicitly_referenced_expert_is_eligible():
    instance = {
        "experts": [expert("e1", active=True, status="referenced")],
        "companies": [company("c1")],
    }
    assert solve_domain(instance)["assigned_count"] == 1


def test_unknown_department_is_bad_input_naming_the_company_and_code():
    instance = {"experts": [expert("e1")], "companies": [company("c9", department="99")]}
    with pytest.raises(InstanceError, match=r"companies\[0\] \('c9'\).*'99'"):
        solve_domain(instance)


def test_unknown_home_department_is_bad_input_naming_the_expert():
    instance = {"experts": [expert("e7", home_department="ZZ")], "companies": []}
    with pytest.raises(InstanceError, match=r"experts\[0\] \('e7'\).*'ZZ'.*home_department"):
        solve_domain(instance)


# --------------------------------------------------------------------------- properties

DEPARTMENTS = ["69", "01", "42", "75", "2A", "971"]
SKILLS = ["automatisation", "donnees", "cybersecurite", "robotique"]


@st.composite
def domain_instances(draw: st.DrawFn) -> dict[str, Any]:
    n_companies = draw(st.integers(0, 8))
    n_experts = draw(st.integers(0, 5))
    groups = ["g1", "g2"]
    company_ids = [f"c{i}" for i in range(n_companies)]
    expert_ids = [f"e{j}" for j in range(n_experts)]
    subset = st.lists
    experts = []
    for ident in expert_ids:
        fields: dict[str, Any] = {
            "id": ident,
            "home_department": draw(st.sampled_from(DEPARTMENTS)),
            "departments": draw(subset(st.sampled_from(DEPARTMENTS), max_size=4, unique=True)),
            "skills": draw(subset(st.sampled_from(SKILLS), max_size=4, unique=True)),
            "capacity": draw(st.integers(0, 3)),
            "open_missions": draw(st.integers(0, 5)),
            "conflicts": draw(
                subset(st.sampled_from([*company_ids, *groups, "x"]), max_size=3, unique=True)
            ),
        }
        if draw(st.booleans()):
            fields["active"] = draw(st.booleans())
        if draw(st.booleans()):
            fields["status"] = draw(st.sampled_from(["referenced", "pending"]))
        experts.append(fields)
    companies = []
    for ident in company_ids:
        fields = {
            "id": ident,
            "department": draw(st.sampled_from(DEPARTMENTS)),
            "needs": draw(subset(st.sampled_from(SKILLS), max_size=4)),
            "excluded_experts": draw(
                subset(st.sampled_from([*expert_ids, "nobody"]), max_size=2, unique=True)
            ),
        }
        group = draw(st.sampled_from([None, "absent", *groups]))
        if group != "absent":
            fields["group"] = group
        companies.append(fields)
    weights = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "distance": st.sampled_from([0.0, 0.5, 1.0, 2.25]),
                "skill": st.sampled_from([0.0, 12.5, 50.0]),
                "load": st.sampled_from([0, 10, 3.75]),
            },
        )
    )
    instance: dict[str, Any] = {"experts": experts, "companies": companies}
    explicit_empty_weights: bool = draw(st.booleans())
    if weights or explicit_empty_weights:
        instance["weights"] = weights
    return instance


def _independent_arcs(instance: dict[str, Any]) -> dict[tuple[str, str], int]:
    """Eligible pairs and costs re-derived from §1, independently of the code under test."""
    weights = {"distance": 1.0, "skill": 50.0, "load": 10.0} | instance.get("weights", {})
    arcs = {}
    for c in instance["companies"]:
        for e in instance["experts"]:
            referenced = (
                e.get("active", True) is True and e.get("status", "referenced") == "referenced"
            )
            conflicted = c["id"] in e["conflicts"] or (
                c.get("group") is not None and c["group"] in e["conflicts"]
            )
            if (
                not referenced
                or c["department"] not in e["departments"]
                or conflicted
                or e["id"] in c["excluded_experts"]
            ):
                continue
            (lat1, lon1), (lat2, lon2) = CENTROIDS[c["department"]], CENTROIDS[e["home_department"]]
            p1, p2 = math.radians(lat1), math.radians(lat2)
            h = (
                math.sin((p2 - p1) / 2) ** 2
                + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
            )
            km = 2 * 6371.0088 * math.asin(math.sqrt(h))
            missing = len([n for n in set(c["needs"]) if n not in e["skills"]])
            cost = (
                weights["distance"] * km
                + weights["skill"] * missing
                + weights["load"] * e["open_missions"]
            )
            arcs[(c["id"], e["id"])] = int(
                Decimal(100 * cost).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            )
    return arcs


@settings(max_examples=200, deadline=None)
@given(domain_instances())
def test_random_domain_instances_respect_hard_constraints_and_are_optimal(instance):
    output = solve_domain(instance)
    arcs = _independent_arcs(instance)
    company_ids = [c["id"] for c in instance["companies"]]
    expert_ids = [e["id"] for e in instance["experts"]]
    capacities = {e["id"]: e["capacity"] for e in instance["experts"]}
    # Validity includes: every assigned pair is eligible (coverage, no conflict by id or
    # group, not excluded, referenced) and carries the independently computed cost.
    assert_valid_output(output, company_ids, capacities, arcs)
    served, total = lexicographic_optimum(
        len(company_ids),
        [capacities[e] for e in expert_ids],
        [(company_ids.index(c), expert_ids.index(e), w) for (c, e), w in arcs.items()],
    )
    assert (output["assigned_count"], output["total_cost"]) == (served, total)


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def reference_module(monkeypatch):
    """Stand-in for essor.territories.reference, whatever its state in the tree."""
    module = types.ModuleType("essor.territories.reference")
    module.department_centroids = lambda: dict(CENTROIDS)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "essor.territories.reference", module)
    return module


def test_cli_domain_mode_uses_the_department_centroids(capsys, tmp_path, reference_module):
    instance = {
        "weights": {"distance": 1.0, "skill": 50.0, "load": 10.0},
        "experts": [
            {
                "id": "e1",
                "home_department": "69",
                "departments": ["69", "01", "42"],
                "skills": ["automatisation", "donnees"],
                "capacity": 4,
                "open_missions": 1,
                "conflicts": ["c9"],
            }
        ],
        "companies": [
            {
                "id": "c1",
                "department": "01",
                "needs": ["donnees", "cybersecurite"],
                "excluded_experts": [],
            },
            {"id": "c9", "department": "69", "needs": [], "excluded_experts": []},
        ],
    }
    status, out, err = run_match(capsys, tmp_path, instance)
    assert status == 0, err
    output = json.loads(out)
    expected = _independent_arcs(instance)[("c1", "e1")]
    assert output["assignments"] == [{"company": "c1", "expert": "e1", "cost": expected}]
    assert output["unassigned"] == ["c9"]  # conflict of interest declared by e1


def test_cli_unknown_department_exits_2(capsys, tmp_path, reference_module):
    instance = {"experts": [expert("e1")], "companies": [company("c1", department="2B")]}
    status, out, err = run_match(capsys, tmp_path, instance)
    assert (status, out) == (2, "")
    assert "companies[0] ('c1')" in err
    assert "'2B'" in err
