"""Benchmark: the peer benchmark of one firm among 100,000 stored diagnostics (goal < 100 ms).

On PostgreSQL, in a database of its own (`essor_bench_peers`, created if missing, migrated):
loads the reference data and the shipped référentiels, then writes with COPY
- 70,000 companies (NAF divisions 10 to 33, headcount classes and regions drawn with
  realistic weights),
- 100,000 validated expert diagnostics on `industrie-du-futur` 2026.1: a T0 for every
  company and a later T1 for 30,000 of them, each with its peer keys and unrounded overall
  score, as `services._complete` leaves them (`is_current` on each firm's latest one),
- their `DimensionScore` rows (18 dimensions and 6 pillars each: 2.4 million rows), those of
  current diagnostics with the flag and peer keys repeated,
- a `PeerGroupStamp` for every peer group that has current diagnostics,
then VACUUM ANALYZE (what autovacuum does soon after such a load; without it the counts
cannot be answered from the indexes alone until it runs). Two firms are benchmarked, each one more company with a validated T0
diagnostic with real answers: a typical one (division 25, 10-49 employees, Auvergne-
Rhône-Alpes: step 1, a few hundred peers) and the costliest one (division 19, absent from
the data, so the group widens to step 3: section C, 10-49 employees, national, about
31,000 peers).

The timed call is `essor.diagnostics.benchmark.peer_benchmark(diagnostic)`: the peer group
(widening counts), the overall line and the 24 pillar and dimension lines. A group of
fewer than `SNAPSHOT_MIN_PEERS` peers is computed by one aggregate query (`percentile_cont`,
filtered counts); a larger one from the kept copy of its sorted scores. "warm": `--runs`
calls (default 20) after one warm-up call; "cold": `--cold` calls (default 5) each made
after dropping the kept copies, i.e. the first request after a change to the group (or
the first in a process). The data is kept between runs of the script (`--fresh` rebuilds it).

Run: .venv/bin/python bench/bench_peer_benchmark.py [--runs 20] [--fresh]
     (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/essor_bench_peers)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shlex
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/essor_bench_peers"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

COMPANIES = 70_000
WITH_T1 = 30_000
SIZE_WEIGHTS = {"1-9": 20, "10-49": 45, "50-249": 28, "250-4999": 6.5, "5000+": 0.5}
# headcount class -> (a headcount in it, the company's legal size category)
SIZE_FIGURES = {
    "1-9": (6, "micro"),
    "10-49": (30, "pme"),
    "50-249": (120, "pme"),
    "250-4999": (900, "eti"),
    "5000+": (8000, "ge"),
}


def ensure_database(url: str, *, fresh: bool) -> None:
    import psycopg
    from dj_database_url import parse

    settings = parse(url)
    name = settings["NAME"]
    admin = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def populate(rng: random.Random) -> None:
    """Companies, diagnostics and dimension scores, written with COPY."""
    from django.db import connection
    from django.utils import timezone

    from essor.core.reference import reference_data_load
    from essor.diagnostics.peers import renew_stamps, stamp_keys
    from essor.referentiel.models import ReferentielVersion
    from essor.territories.models import Department

    reference_data_load()
    version = ReferentielVersion.objects.get(ref_id="industrie-du-futur", version="2026.1")
    ref = version.parsed
    departments = list(Department.objects.select_related("region").order_by("code"))
    department_weights = [
        3 if d.region.code in {"84", "11", "32", "44", "52"} else 1 for d in departments
    ]
    # Division 19 (coke and refined petroleum) is left out, so that a firm of that division
    # has no peer in its division and widens to its whole section (the costliest case).
    divisions = [f"{d:02d}" for d in range(10, 34) if d != 19]
    division_weights = [rng.uniform(0.3, 3) for _ in divisions]
    sizes, size_weights = list(SIZE_WEIGHTS), list(SIZE_WEIGHTS.values())
    now = timezone.now()
    pillar_dims = [(p.id, [d.id for d in p.dimensions]) for p in ref.pillars]

    companies: list[tuple[Any, ...]] = []
    diagnostics: list[tuple[Any, ...]] = []
    scores: list[tuple[Any, ...]] = []
    diagnostic_id = 0
    score_id = 0
    for company_id in range(1, COMPANIES + 1):
        department = rng.choices(departments, department_weights)[0]
        division = rng.choices(divisions, division_weights)[0]
        size = rng.choices(sizes, size_weights)[0]
        headcount, category = SIZE_FIGURES[size]
        companies.append(
            (
                company_id, f"{company_id:09d}", f"Entreprise {company_id}", f"{division}.11Z",
                division, "C", department.pk, department.region_id, headcount, category, "",
                "diagnosed", now, now, now,
            )
        )  # fmt: skip
        skill = rng.uniform(10, 80)
        phases = [("t0", 400)] + ([("t1", 30)] if company_id <= WITH_T1 else [])
        for phase, days in phases:
            diagnostic_id += 1
            when = now - dt.timedelta(days=days, minutes=rng.randint(0, 10_000))
            level = skill + (12 if phase == "t1" else 0)
            pillar_scores = []
            current = phase == "t1" or company_id > WITH_T1  # the firm's latest
            keys = (current, version.pk, division, "C", size, department.region.code)
            for pillar_id, dims in pillar_dims:
                values = [min(100.0, max(0.0, rng.gauss(level, 15))) for _ in dims]
                for dim_id, value in zip(dims, values, strict=True):
                    score_id += 1
                    scores.append((score_id, diagnostic_id, dim_id, False, value, *keys))
                pillar = sum(values) / len(values)
                pillar_scores.append(pillar)
                score_id += 1
                scores.append((score_id, diagnostic_id, pillar_id, True, pillar, *keys))
            overall = sum(pillar_scores) / len(pillar_scores)
            diagnostics.append(
                (
                    diagnostic_id, "expert", phase, "validated", company_id, version.pk,
                    "{}", "{}", "[]", department.region_id, division, "C", size,
                    department.region.code, overall, when, when, when, when, when,
                    current,
                )
            )  # fmt: skip

    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor, for COPY
        with raw.copy(
            "COPY companies_company (id, siren, name, naf_code, naf_division, naf_section, "
            "department_id, region_id, headcount, size_class, group_name, state, "
            "state_changed_at, created_at, updated_at) FROM STDIN"
        ) as copy:
            for row in companies:
                copy.write_row(row)
        with raw.copy(
            "COPY diagnostics_diagnostic (id, kind, phase, status, company_id, referentiel_id, "
            "answers, results, important_kpis, region_id, naf_division, naf_section, "
            "size_class, region_code, overall_score, created_at, updated_at, submitted_at, "
            "validated_at, completed_at, is_current) FROM STDIN"
        ) as copy:
            for row in diagnostics:
                copy.write_row(row)
        with raw.copy(
            "COPY diagnostics_dimensionscore (id, diagnostic_id, dimension_id, is_pillar, score, "
            "is_current, referentiel_id, naf_division, naf_section, size_class, region_code) "
            "FROM STDIN"
        ) as copy:
            for row in scores:
                copy.write_row(row)
    renew_stamps(
        key
        for row in {(version.pk, d[10], d[11], d[12], d[13]) for d in diagnostics if d[-1]}
        for key in stamp_keys(*row)
    )
    with connection.cursor() as cursor:
        for table in ("companies_company", "diagnostics_diagnostic", "diagnostics_dimensionscore"):
            # the three table names above, no outside input
            reset = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            cursor.execute(reset)
            cursor.execute(f"VACUUM ANALYZE {table}")  # as autovacuum would, soon after


def the_firm(rng: random.Random, *, name: str, naf: str, department: str) -> Any:
    """One more company with a validated T0 diagnostic whose answers are real."""
    from django.utils import timezone

    from essor.diagnostics.enums import headcount_class
    from essor.diagnostics.models import Diagnostic, DimensionScore
    from essor.diagnostics.peers import keys_of, peers_refresh
    from essor.diagnostics.scoring import raw_scores
    from essor.referentiel.models import ReferentielVersion
    from tests.diagnostics.test_report import random_answers
    from tests.factories import make_company

    existing = Diagnostic.objects.filter(company__name=name).first()
    if existing is not None:
        return existing
    version = ReferentielVersion.objects.get(ref_id="industrie-du-futur", version="2026.1")
    n = 999_000 + sum(map(ord, name))
    company = make_company(n=n, department=department, naf_code=naf, name=name)
    answers = random_answers(version.parsed, rng, {})
    raw = raw_scores(version.parsed, answers)
    now = timezone.now()
    diagnostic = Diagnostic.objects.create(
        kind="expert", phase="t0", status="validated", company=company, referentiel=version,
        answers=answers, region=company.region, naf_division=company.naf_division,
        naf_section=company.naf_section, size_class=headcount_class(company.headcount),
        region_code=company.region.code, overall_score=raw.overall, validated_at=now,
        completed_at=now, submitted_at=now,
    )  # fmt: skip
    DimensionScore.objects.bulk_create(
        DimensionScore(diagnostic=diagnostic, dimension_id=k, is_pillar=p, score=v)
        for p, values in ((True, raw.pillars), (False, raw.dimensions))
        for k, v in values.items()
        if v is not None
    )
    peers_refresh(company.pk, version.pk, touched=keys_of(diagnostic))
    return diagnostic


def measure(
    diagnostic: Any, runs: int, cold_runs: int
) -> tuple[Any, int, list[float], list[float]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from essor.diagnostics.benchmark import Benchmark, peer_benchmark, snapshots_clear

    cold: list[float] = []
    for _ in range(cold_runs):  # the first request after a change to the group
        snapshots_clear()
        start = time.perf_counter()
        peer_benchmark(diagnostic)
        cold.append(time.perf_counter() - start)
    result = peer_benchmark(diagnostic)  # warm-up: plans, kept copies
    assert isinstance(result, Benchmark)
    with CaptureQueriesContext(connection) as queries:
        peer_benchmark(diagnostic)
    walls: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        peer_benchmark(diagnostic)
        walls.append(time.perf_counter() - start)
    return result, len(queries), walls, cold


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cold", type=int, default=5, help="calls without kept copies")
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the database")
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        print("needs PostgreSQL: set DATABASE_URL=postgres://...", file=sys.stderr)
        return 2
    ensure_database(url, fresh=args.fresh)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from essor.diagnostics.models import Diagnostic, DimensionScore

    migrate = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate = time.perf_counter() - migrate
    rng = random.Random(20261129)
    setup = time.perf_counter()
    if not Diagnostic.objects.exists():
        populate(rng)
    firms = {
        "typical": the_firm(rng, name="Firme benchmarkée", naf="25.62A", department="69"),
        "widest": the_firm(rng, name="Raffinerie benchmarkée", naf="19.20Z", department="13"),
    }
    setup = time.perf_counter() - setup
    stored = Diagnostic.objects.count()
    rows = DimensionScore.objects.count()
    measured = {label: measure(d, args.runs, args.cold) for label, d in firms.items()}

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    server = connection.cursor().connection.info.server_version
    print(f"date:        {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}")
    print(
        f"machine:     {os.cpu_count()} CPUs; {platform.platform()}; Python {platform.python_version()}"
    )
    print(
        f"             PostgreSQL {server // 10000}.{server % 10000}; load average {load:.2f} at the end"
    )
    print(f"command:     {shlex.join([Path(sys.executable).name, *sys.argv])}")
    print(
        f"data:        {stored:,} diagnostics, {rows:,} dimension-score rows "
        f"(setup {setup:.1f} s, migrate {migrate:.1f} s)"
    )
    for label, (result, queries, walls, cold) in measured.items():
        group = result.group
        overall = result.overall
        median = statistics.median(walls)
        print(
            f"{label + ':':13}step {group.step} ({group.activity} {group.activity_code}, "
            f"{group.size_class}, {group.region_code or 'national'}), {group.count:,} peers, "
            f"{queries} queries; overall percentile "
            f"{overall.percentile_display if overall else '-'}"
        )
        print(
            f"             {args.runs} calls: median {median * 1000:.1f} ms "
            f"(best {min(walls) * 1000:.1f}, worst {max(walls) * 1000:.1f}); "
            f"goal < 100 ms {'met' if median < 0.1 else 'NOT met'}"
        )
        if cold:
            print(
                f"             {len(cold)} cold calls (no kept copy): median "
                f"{statistics.median(cold) * 1000:.1f} ms (best {min(cold) * 1000:.1f}, "
                f"worst {max(cold) * 1000:.1f})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
