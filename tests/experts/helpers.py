"""Shared helpers for the matching tests: output validity and CLI runs."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from essor.cli import main

OUTPUT_KEYS = {"assignments", "unassigned", "assigned_count", "total_cost", "solver", "seconds"}


def assert_valid_output(
    output: dict[str, Any],
    company_ids: list[str],
    capacities: dict[str, int],
    arc_costs: dict[tuple[str, str], int],
) -> None:
    """The §3 guarantees: only eligible pairs at their cost, no company twice, capacities."""
    assert set(output) == OUTPUT_KEYS
    pairs = [(a["company"], a["expert"]) for a in output["assignments"]]
    for assignment in output["assignments"]:
        assert set(assignment) == {"company", "expert", "cost"}
        pair = (assignment["company"], assignment["expert"])
        assert pair in arc_costs, f"ineligible pair {pair}"
        assert assignment["cost"] == arc_costs[pair]
    companies = [company for company, _ in pairs]
    assert len(companies) == len(set(companies)), "a company is assigned twice"
    for expert, load in Counter(expert for _, expert in pairs).items():
        assert load <= capacities[expert], f"expert {expert} above capacity"
    assert output["assigned_count"] == len(pairs)
    assert output["total_cost"] == sum(a["cost"] for a in output["assignments"])
    served = set(companies)
    # Both lists follow the companies' input order.
    assert companies == [c for c in company_ids if c in served]
    assert output["unassigned"] == [c for c in company_ids if c not in served]
    assert isinstance(output["seconds"], float)


def run_match(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, instance: Any
) -> tuple[int, str, str]:
    """Run `essor match` on an instance (object, or raw text/bytes) and capture it."""
    path = tmp_path / "instance.json"
    if isinstance(instance, bytes):
        path.write_bytes(instance)
    elif isinstance(instance, str):
        path.write_text(instance, encoding="utf-8")
    else:
        path.write_text(json.dumps(instance), encoding="utf-8")
    status = main(["match", str(path)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err
