"""`essor match`: bad input exits 2 with a message naming the problem and nothing on stdout."""

from __future__ import annotations

import json
from typing import Any

import pytest

from essor.cli import main
from tests.experts.helpers import OUTPUT_KEYS, run_match

EXPERT = {"id": "e1", "capacity": 1}
COMPANY = {"id": "c1"}


def generic(**changes: Any) -> dict[str, Any]:
    instance: dict[str, Any] = {
        "experts": [dict(EXPERT)],
        "companies": [dict(COMPANY)],
        "arcs": [["c1", "e1", 5]],
    }
    instance.update(changes)
    return instance


def domain_expert(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": "e1",
        "home_department": "69",
        "departments": ["69"],
        "skills": [],
        "capacity": 1,
        "open_missions": 0,
        "conflicts": [],
    }
    return fields | changes


def domain_company(**changes: Any) -> dict[str, Any]:
    return {"id": "c1", "department": "69", "needs": [], "excluded_experts": []} | changes


def domain(expert: dict[str, Any] | None = None, company: dict[str, Any] | None = None, **top: Any):
    return {
        "experts": [expert or domain_expert()],
        "companies": [company or domain_company()],
    } | top


BAD_INPUTS: list[tuple[str, Any, str]] = [
    # (case, instance object or raw JSON text, text the message must contain)
    ("malformed JSON", '{"experts": [}', "invalid JSON"),
    ("empty file", "", "invalid JSON"),
    (
        "duplicate key",
        '{"experts": [], "experts": [], "companies": [], "arcs": []}',
        "duplicate key 'experts'",
    ),
    ("NaN", '{"experts": [{"id": "e1", "capacity": NaN}], "companies": [], "arcs": []}', "NaN"),
    ("Infinity", '{"weights": {"distance": Infinity}, "experts": [], "companies": []}', "Infinity"),
    ("-Infinity", '{"weights": {"skill": -Infinity}, "experts": [], "companies": []}', "-Infinity"),
    ("overflowing number", '{"weights": {"load": 1e400}, "experts": [], "companies": []}', "1e400"),
    ("top level array", "[]", "expected a JSON object"),
    ("unknown top-level key", generic(note="x"), "unknown top-level key 'note'"),
    ("weights in generic mode", generic(weights={}), "'weights'"),
    ("missing experts", {"companies": [], "arcs": []}, "missing field 'experts'"),
    ("missing companies", {"experts": [], "arcs": []}, "missing field 'companies'"),
    ("experts not an array", generic(experts={}), "experts: expected an array"),
    ("arcs not an array", generic(arcs=None), "arcs: expected an array"),
    ("expert not an object", generic(experts=["e1"]), "experts[0]: expected an object"),
    ("missing capacity", generic(experts=[{"id": "e1"}]), "experts[0]: missing field 'capacity'"),
    ("missing expert id", generic(experts=[{"capacity": 1}]), "experts[0]: missing field 'id'"),
    ("missing company id", generic(companies=[{}]), "companies[0]: missing field 'id'"),
    ("unknown expert field", generic(experts=[EXPERT | {"capcity": 2}]), "unknown field 'capcity'"),
    ("negative capacity", generic(experts=[{"id": "e1", "capacity": -1}]), "experts[0].capacity"),
    ("float capacity", generic(experts=[{"id": "e1", "capacity": 1.0}]), "experts[0].capacity"),
    ("string capacity", generic(experts=[{"id": "e1", "capacity": "1"}]), "experts[0].capacity"),
    ("boolean capacity", generic(experts=[{"id": "e1", "capacity": True}]), "experts[0].capacity"),
    ("integer id", generic(experts=[{"id": 1, "capacity": 1}]), "experts[0].id"),
    ("empty id", generic(companies=[{"id": ""}]), "companies[0].id"),
    (
        "duplicate expert id",
        generic(experts=[EXPERT, EXPERT]),
        "duplicate expert id 'e1' (experts[0] and experts[1])",
    ),
    ("duplicate company id", generic(companies=[COMPANY, COMPANY]), "duplicate company id 'c1'"),
    ("unknown company in arc", generic(arcs=[["c9", "e1", 1]]), "arcs[0]: unknown company id 'c9'"),
    ("unknown expert in arc", generic(arcs=[["c1", "e9", 1]]), "arcs[0]: unknown expert id 'e9'"),
    ("swapped arc ids", generic(arcs=[["e1", "c1", 1]]), "unknown company id 'e1'"),
    ("integer id in arc", generic(arcs=[[1, "e1", 1]]), "arcs[0]: company id must be a string"),
    ("short arc", generic(arcs=[["c1", "e1"]]), "arcs[0]: expected [company, expert, cost]"),
    ("object arc", generic(arcs=[{"company": "c1"}]), "arcs[0]: expected [company, expert, cost]"),
    ("negative cost", generic(arcs=[["c1", "e1", -1]]), "arcs[0]: cost must be an integer >= 0"),
    ("float cost", generic(arcs=[["c1", "e1", 12.0]]), "arcs[0]: cost must be an integer >= 0"),
    ("fractional cost", generic(arcs=[["c1", "e1", 0.5]]), "arcs[0]: cost must be an integer"),
    ("boolean cost", generic(arcs=[["c1", "e1", False]]), "arcs[0]: cost must be an integer"),
    ("string cost", generic(arcs=[["c1", "e1", "5"]]), "arcs[0]: cost must be an integer"),
    ("null cost", generic(arcs=[["c1", "e1", None]]), "arcs[0]: cost must be an integer"),
    (
        "cost beyond 64 bits",
        generic(arcs=[["c1", "e1", 2**63]]),
        "exceeds the largest supported cost",
    ),
    (
        "duplicate arc",
        generic(arcs=[["c1", "e1", 5], ["c1", "e1", 7]]),
        "arcs[1]: duplicate arc for company 'c1' and expert 'e1' (already given at arcs[0])",
    ),
    (
        "domain missing conflicts",
        domain(domain_expert() | {"conflicts": None}),
        "experts[0].conflicts",
    ),
    (
        "domain field absent",
        domain({k: v for k, v in domain_expert().items() if k != "conflicts"}),
        "experts[0]: missing field 'conflicts'",
    ),
    (
        "domain company field absent",
        domain(company={"id": "c1", "department": "69", "needs": []}),
        "companies[0]: missing field 'excluded_experts'",
    ),
    (
        "domain unknown company field",
        domain(company=domain_company(size=3)),
        "unknown field 'size'",
    ),
    ("domain generic-only shape", domain(expert={"id": "e1", "capacity": 1}), "missing field"),
    ("domain negative open missions", domain(domain_expert(open_missions=-2)), "open_missions"),
    ("domain skills not a list", domain(domain_expert(skills="donnees")), "experts[0].skills"),
    (
        "domain need not a string",
        domain(company=domain_company(needs=[3])),
        "companies[0].needs[0]",
    ),
    ("domain active not boolean", domain(domain_expert(active="yes")), "experts[0].active"),
    ("domain status not string", domain(domain_expert(status=1)), "experts[0].status"),
    ("domain group not string", domain(company=domain_company(group=7)), "companies[0].group"),
    ("domain negative weight", domain(weights={"distance": -1}), "weights.distance"),
    ("domain string weight", domain(weights={"skill": "50"}), "weights.skill"),
    ("domain boolean weight", domain(weights={"load": True}), "weights.load"),
    ("domain unknown weight", domain(weights={"travel": 1}), "unknown field 'travel'"),
    ("domain weights not object", domain(weights=[1, 2, 3]), "weights: expected an object"),
    ("domain null weights", domain(weights=None), "weights: expected an object"),
    (
        "domain unknown company department",
        domain(company=domain_company(id="c7", department="999")),
        "companies[0] ('c7'): unknown department code '999'",
    ),
    (
        "domain unknown covered department",
        domain(domain_expert(departments=["69", "1"])),
        "experts[0] ('e1'): unknown department code '1' in 'departments'",
    ),
    (
        "domain cost overflow",
        domain(domain_expert(open_missions=10**300)),
        "too large",
    ),
]


@pytest.fixture(autouse=True)
def _centroids(monkeypatch):
    import sys
    import types

    module = types.ModuleType("essor.territories.reference")
    module.department_centroids = lambda: {"69": (45.7, 4.8), "01": (46.1, 5.3)}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "essor.territories.reference", module)


@pytest.mark.parametrize(
    ("case", "instance", "message"), BAD_INPUTS, ids=[c for c, _, _ in BAD_INPUTS]
)
def test_bad_input_exits_2_with_a_message_and_no_output(capsys, tmp_path, case, instance, message):
    status, out, err = run_match(capsys, tmp_path, instance)
    assert status == 2, f"{case}: expected exit 2, got {status} with {out!r}"
    assert out == ""
    assert err.startswith("essor match: ")
    assert message in err


def test_invalid_utf8_exits_2(capsys, tmp_path):
    status, out, err = run_match(capsys, tmp_path, b'{"experts": "\xff"}')
    assert (status, out) == (2, "")
    assert "UTF-8" in err


def test_missing_file_exits_2(capsys, tmp_path):
    status = main(["match", str(tmp_path / "nope.json")])
    captured = capsys.readouterr()
    assert (status, captured.out) == (2, "")
    assert "nope.json" in captured.err


def test_valid_generic_instance_prints_the_contract_keys(capsys, tmp_path):
    status, out, err = run_match(capsys, tmp_path, generic())
    assert (status, err) == (0, "")
    output = json.loads(out)
    assert set(output) == OUTPUT_KEYS
    assert output["assignments"] == [{"company": "c1", "expert": "e1", "cost": 5}]


def test_utf8_bom_and_unicode_ids_are_accepted(capsys, tmp_path):
    instance = generic(companies=[{"id": "société"}], arcs=[["société", "e1", 3]])
    status, out, _ = run_match(capsys, tmp_path, b"\xef\xbb\xbf" + json.dumps(instance).encode())
    assert status == 0
    assert json.loads(out)["assignments"][0]["company"] == "société"


def test_valid_domain_instance_from_standard_input(capsys, monkeypatch):
    import io

    payload = json.dumps(domain()).encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(payload)))
    status = main(["match", "-"])
    captured = capsys.readouterr()
    assert (status, captured.err) == (0, "")
    assert json.loads(captured.out)["assignments"] == [{"company": "c1", "expert": "e1", "cost": 0}]


def test_missing_reference_module_exits_1(capsys, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "essor.territories.reference", None)
    status, out, err = run_match(capsys, tmp_path, domain())
    assert (status, out) == (1, "")
    assert "department centroids are unavailable" in err
