"""Benchmark of exact expert matching on the three sizes of `matching-format.md` §5.

For each size it generates a seeded random instance shaped like domain mode (departments
with centroids, experts covering their home department and the nearest ones, skills,
open missions, conflicts), solves it exactly with `essor.experts.matching.solve`, runs the
greedy baseline (§4) and reports:

- generation time (numpy) and solve time: the OR-Tools call alone, and `solve()` as a
  whole (graph building, solver, reading the flows back);
- peak resident memory (ru_maxrss) after solving, each size in its own subprocess;
- companies served and total cost of the optimum against the greedy baseline;
- for the regional size (and every `--quick` size), an independent exact check with
  scipy's Hungarian method (`linear_sum_assignment`) on the expanded matrix.

Usage (from the repository root):

    .venv/bin/python bench/bench_matching.py                    # all three sizes
    .venv/bin/python bench/bench_matching.py --sizes regional,national
    .venv/bin/python bench/bench_matching.py --quick            # 1/10 sizes, a smoke test
    .venv/bin/python bench/bench_matching.py --cli              # also time `essor match` on JSON
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from essor.experts.greedy import solve_greedy
from essor.experts.matching import match_text, solve
from essor.experts.matching_input import EARTH_RADIUS_KM, MatchingProblem, make_problem

N_SKILLS = 8
WEIGHTS = {"distance": 1.0, "skill": 50.0, "load": 10.0}


@dataclass(frozen=True)
class Size:
    name: str
    companies: int
    experts: int
    departments: int
    lat: tuple[float, float]
    lon: tuple[float, float]
    capacity: tuple[int, int]  # uniform range, inclusive
    goal_seconds: float


SIZES = {
    # ~100,000 arcs: 12 departments, each expert covers 2 or 3 of them.
    "regional": Size("regional", 2_000, 300, 12, (44.0, 46.5), (2.5, 6.5), (3, 10), 0.5),
    # ~1,000,000 arcs: 100 departments, each expert covers 2 or 3.
    "national": Size("national", 20_000, 2_000, 100, (42.5, 51.0), (-4.5, 8.0), (5, 14), 5.0),
    # ~5,000,000 arcs: 500 regions across Europe, each expert covers 2 or 3.
    "eu": Size("eu", 100_000, 10_000, 500, (36.0, 60.0), (-9.0, 28.0), (5, 14), 30.0),
}


def _quick(size: Size) -> Size:
    return Size(
        size.name + "-quick",
        size.companies // 10,
        size.experts // 10,
        max(size.departments // 10, 4),
        size.lat,
        size.lon,
        size.capacity,
        size.goal_seconds,
    )


def _haversine_matrix(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    h = (
        np.sin((phi[:, None] - phi[None, :]) / 2) ** 2
        + np.cos(phi[:, None])
        * np.cos(phi[None, :])
        * np.sin((lam[:, None] - lam[None, :]) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def generate(size: Size, seed: int) -> MatchingProblem:
    """A seeded random instance with domain-mode costs (integer hundredths, §1)."""
    rng = np.random.default_rng(seed)
    d = size.departments
    km = _haversine_matrix(rng.uniform(*size.lat, d), rng.uniform(*size.lon, d))
    # Uneven demand and supply across departments, as in real programmes.
    company_dept = rng.choice(d, size.companies, p=_shares(rng, d))
    home = rng.choice(d, size.experts, p=_shares(rng, d))
    coverage = rng.integers(2, 4, size.experts)  # home department and 1-2 nearest
    nearest = np.argsort(km, axis=1)  # nearest[x, 0] == x
    needs = _random_bits(rng, size.companies, 1, 3)
    skills = _random_bits(rng, size.experts, 2, 4)
    open_missions = rng.integers(0, 6, size.experts)
    capacities = rng.integers(size.capacity[0], size.capacity[1] + 1, size.experts)

    covering: list[list[int]] = [[] for _ in range(d)]
    for e in range(size.experts):
        for dept in nearest[home[e], : coverage[e]].tolist():
            covering[dept].append(e)
    companies_of = np.argsort(company_dept, kind="stable")
    bounds = np.searchsorted(company_dept[companies_of], np.arange(d + 1))
    parts_c, parts_e = [], []
    for dept in range(d):
        members = companies_of[bounds[dept] : bounds[dept + 1]]
        experts = np.asarray(covering[dept], dtype=np.int64)
        parts_c.append(np.repeat(members, experts.size))
        parts_e.append(np.tile(experts, members.size))
    arc_company = np.concatenate(parts_c)
    arc_expert = np.concatenate(parts_e)
    # About 1% of pairs fall to declared conflicts of interest or exclusions.
    keep = rng.random(arc_company.size) >= 0.01
    arc_company, arc_expert = arc_company[keep], arc_expert[keep]

    missing = np.bitwise_count(needs[arc_company] & ~skills[arc_expert]).astype(np.float64)
    cost = (
        WEIGHTS["distance"] * km[company_dept[arc_company], home[arc_expert]]
        + WEIGHTS["skill"] * missing
        + WEIGHTS["load"] * open_missions[arc_expert]
    )
    arc_cost = np.floor(100.0 * cost + 0.5).astype(np.int64)  # costs are >= 0
    return make_problem(
        [f"c{i}" for i in range(size.companies)],
        [f"e{j}" for j in range(size.experts)],
        capacities,
        arc_company,
        arc_expert,
        arc_cost,
    )


def _shares(rng: np.random.Generator, n: int) -> np.ndarray:
    weights = rng.lognormal(0.0, 0.6, n)
    return weights / weights.sum()


def _random_bits(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    counts = rng.integers(low, high + 1, n)
    ranks = np.argsort(rng.random((n, N_SKILLS)), axis=1)
    chosen = ranks < counts[:, None]
    return (chosen * (1 << np.arange(N_SKILLS))).sum(axis=1).astype(np.int64)


def scipy_optimum(problem: MatchingProblem) -> tuple[int, int]:
    """Independent lexicographic optimum: Hungarian method on the expanded matrix.

    Columns: one per unit of expert capacity, plus one "unassigned" column per company.
    Eligible pairs cost their arc cost; everything else costs K = companies * max cost + 1,
    so any extra company served outweighs every possible cost difference.
    """
    from scipy.optimize import linear_sum_assignment

    n = problem.n_companies
    widths = np.minimum(problem.capacities, n)
    first = np.concatenate([[0], np.cumsum(widths)[:-1]])
    n_slots = int(widths.sum())
    big = n * int(problem.arc_cost.max()) + 1
    assert big * n < 2**52, "float64 would not be exact"
    matrix = np.full((n, n_slots + n), float(big))
    repeat = widths[problem.arc_expert]
    rows = np.repeat(problem.arc_company, repeat)
    offsets = np.arange(int(repeat.sum())) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    cols = np.repeat(first[problem.arc_expert], repeat) + offsets
    matrix[rows, cols] = np.repeat(problem.arc_cost, repeat)
    r, c = linear_sum_assignment(matrix)
    values = matrix[r, c]
    served = (c < n_slots) & (values < big)
    return int(served.sum()), int(values[served].sum())


def run_one(size: Size, seed: int, check_scipy: bool) -> dict[str, Any]:
    started = time.perf_counter()
    problem = generate(size, seed)
    generated = time.perf_counter()
    result = solve(problem)
    solved = time.perf_counter()
    peak_after_solve = _peak_rss_mib()
    greedy = solve_greedy(problem)
    row: dict[str, Any] = {
        "size": size.name,
        "companies": problem.n_companies,
        "experts": problem.n_experts,
        "arcs": problem.n_arcs,
        "capacity": int(problem.capacities.sum()),
        "generate_s": generated - started,
        "solver_call_s": result.solver_seconds,
        "solve_s": solved - generated,
        "total_s": solved - started,
        "goal_s": size.goal_seconds,
        "peak_rss_mib": peak_after_solve,
        "optimum_served": result.assigned_count,
        "optimum_cost": result.total_cost,
        "greedy_served": greedy.assigned_count,
        "greedy_cost": greedy.total_cost,
        "greedy_s": greedy.solver_seconds,
        "solver": result.solver,
    }
    if check_scipy:
        t0 = time.perf_counter()
        served, cost = scipy_optimum(problem)
        row["scipy_served"], row["scipy_cost"] = served, cost
        row["scipy_s"] = time.perf_counter() - t0
        row["scipy_agrees"] = (served, cost) == (result.assigned_count, result.total_cost)
    return row


def run_cli(size: Size, seed: int) -> dict[str, Any]:
    """Time `essor match` end to end on the same instance written as generic-mode JSON."""
    problem = generate(size, seed)
    instance = {
        "experts": [
            {"id": ident, "capacity": cap}
            for ident, cap in zip(problem.expert_ids, problem.capacities.tolist(), strict=True)
        ],
        "companies": [{"id": ident} for ident in problem.company_ids],
        "arcs": [
            [problem.company_ids[c], problem.expert_ids[e], w]
            for c, e, w in zip(
                problem.arc_company.tolist(),
                problem.arc_expert.tolist(),
                problem.arc_cost.tolist(),
                strict=True,
            )
        ],
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "instance.json"
        path.write_text(json.dumps(instance))
        del instance
        megabytes = path.stat().st_size / 2**20
        t0 = time.perf_counter()
        output = match_text(path.read_bytes())
        elapsed = time.perf_counter() - t0
    return {
        "size": size.name,
        "json_mib": megabytes,
        "cli_total_s": elapsed,
        "cli_solve_s": output["seconds"],
        "cli_served": output["assigned_count"],
        "cli_cost": output["total_cost"],
        "peak_rss_mib": _peak_rss_mib(),
    }


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _child(args: list[str]) -> dict[str, Any]:
    completed = subprocess.run(  # noqa: S603 - runs this very script
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"benchmark child {args} failed")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _print_table(rows: list[dict[str, Any]]) -> None:
    print(
        "| size | companies | experts | arcs | solver call s | solve() s | total s | goal s "
        "| peak RSS MiB | optimum served / cost | greedy served / cost | scipy check |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        scipy = "-"
        if "scipy_agrees" in r:
            scipy = f"{'agrees' if r['scipy_agrees'] else 'DIFFERS'} ({r['scipy_s']:.1f} s)"
        print(
            f"| {r['size']} | {r['companies']:,} | {r['experts']:,} | {r['arcs']:,} "
            f"| {r['solver_call_s']:.2f} | {r['solve_s']:.2f} | {r['total_s']:.2f} | {r['goal_s']:g} "
            f"| {r['peak_rss_mib']:,.0f} | {r['optimum_served']:,} / {r['optimum_cost']:,} "
            f"| {r['greedy_served']:,} / {r['greedy_cost']:,} | {scipy} |"
        )
    print()
    for r in rows:
        more = r["optimum_served"] - r["greedy_served"]
        print(
            f"{r['size']}: the optimum serves {more:+,} companies vs greedy "
            f"({r['optimum_served']:,} vs {r['greedy_served']:,} of {r['companies']:,}, "
            f"capacity {r['capacity']:,}); mean cost per served company "
            f"{r['optimum_cost'] / max(r['optimum_served'], 1) / 100:.2f} vs "
            f"{r['greedy_cost'] / max(r['greedy_served'], 1) / 100:.2f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="regional,national,eu")
    parser.add_argument(
        "--quick", action="store_true", help="1/10 of each size, scipy check on all"
    )
    parser.add_argument("--seed", type=int, default=20150414)
    parser.add_argument("--cli", action="store_true", help="also time `essor match` on JSON")
    parser.add_argument("--json", action="store_true", help="print the raw rows as JSON too")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--one-cli", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one or args.one_cli:
        size = SIZES[args.one or args.one_cli]
        size = _quick(size) if args.quick else size
        if args.one_cli:
            row = run_cli(size, args.seed)
        else:
            row = run_one(size, args.seed, check_scipy=args.quick or size.name == "regional")
        print(json.dumps(row))
        return 0

    names = [n.strip() for n in args.sizes.split(",") if n.strip()]
    unknown = [n for n in names if n not in SIZES]
    if unknown:
        parser.error(f"unknown size(s): {', '.join(unknown)} (choose from {', '.join(SIZES)})")
    extra = ["--quick"] if args.quick else []
    print(
        f"# bench_matching: {platform.node()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}, seed {args.seed}\n"
    )
    rows = [_child(["--one", name, "--seed", str(args.seed), *extra]) for name in names]
    _print_table(rows)
    if args.cli:
        print(
            "\n| size | JSON MiB | essor match total s | of which validate+solve s | peak RSS MiB |"
        )
        print("|---|---|---|---|---|")
        for name in names:
            r = _child(["--one-cli", name, "--seed", str(args.seed), *extra])
            print(
                f"| {r['size']} | {r['json_mib']:.0f} | {r['cli_total_s']:.2f} "
                f"| {r['cli_solve_s']:.2f} | {r['peak_rss_mib']:,.0f} |"
            )
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
