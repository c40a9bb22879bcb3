"""Benchmark of the company import on PostgreSQL (design.md §7: 300,000 companies).

It creates its own database (`essor_bench_import` on the server of `DATABASE_URL`), migrates
it and loads the reference data, generates a CSV file of valid companies (SIRENs with their
Luhn check digit, manufacturing NAF codes, real departments, French number formats), then
times `essor.companies.importing.import_companies`:

1. a dry run on the empty database (what the upload page does before anything is written);
2. the first import: every row creates a company (and its audit event);
3. a second import of the same companies with new figures: every row is an update.

For each it reports seconds, rows per second and the peak resident memory of the process
during that phase (VmHWM, reset before each phase on Linux). The database is dropped at the
end unless --keep. The goal is 300,000 rows in under 60 seconds for each import.

Usage (from the repository root, PostgreSQL running):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/essor .venv/bin/python bench/bench_import.py
    ... bench/bench_import.py --rows 30000        # a smaller run
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BENCH_DB = "essor_bench_import"
GOAL_SECONDS = 60.0


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS counter of this process (Linux: clear_refs 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(path: Path, rows: int, seed: int, turnover_factor: float = 1.0) -> None:
    """A `;`-separated UTF-8 file with French headers and number formats."""
    from stdnum import luhn

    from essor.core import naf
    from essor.territories import reference

    rng = random.Random(seed)
    codes = [c.code for c in naf.naf_codes().values() if c.is_manufacturing]
    departments = [d.code for d in reference.departments()]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            "SIREN;Raison sociale;Code NAF;Département;Effectif;Chiffre d'affaires;Total bilan;Groupe\n"
        )
        for i in range(rows):
            body = f"{40_000_000 + i:08d}"
            siren = body + luhn.calc_check_digit(body)
            headcount = rng.choice((3, 12, 45, 120, 260, 800, 6000))
            turnover = int(headcount * rng.uniform(80_000, 250_000) * turnover_factor)
            balance = "" if i % 3 else f"{turnover * 0.7:,.2f}".replace(",", " ").replace(".", ",")
            group = f"Groupe {i % 500}" if i % 7 == 0 else ""
            handle.write(
                f"{siren};Entreprise industrielle {i};{rng.choice(codes)};"
                f"{rng.choice(departments)};{headcount};{turnover};{balance};{group}\n"
            )


def _backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (a local server on
    Linux: /proc/PID/stat), None when it cannot be read."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def timed(label: str, rows: int, run: Callable[[], Any]) -> dict[str, Any]:
    _reset_peak()
    server_start = _backend_cpu()
    start, cpu_start = time.perf_counter(), time.process_time()
    result = run()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    server_end = _backend_cpu()
    server = None if server_start is None or server_end is None else server_end - server_start
    line = {
        "phase": label,
        "rows": rows,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "server_cpu_seconds": server,
        "rows_per_s": rows / seconds,
        "peak_mb": _peak_mb(),
        "result": result,
    }
    # CPU times beside the wall time: on a shared machine the wall time also counts the time
    # other processes held the CPUs (the load average is printed before and after), while
    # the CPU time of the import and of its PostgreSQL backend is what the work costs.
    server_text = "n/a" if server is None else f"{server:5.1f} s"
    print(
        f"{label:<26} {rows:>9,} rows {seconds:>7.1f} s {rows / seconds:>8,.0f} rows/s | "
        f"CPU: Python {cpu:>5.1f} s, PostgreSQL {server_text} | peak RSS {line['peak_mb']:>4.0f} MB",
        flush=True,
    )
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/essor")
    if not base_url.startswith(("postgres://", "postgresql://")):
        print("bench_import: DATABASE_URL must point to PostgreSQL", file=sys.stderr)
        return 2
    _admin(base_url, f"DROP DATABASE IF EXISTS {BENCH_DB}")
    _admin(base_url, f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = _with_database(base_url, BENCH_DB)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    try:
        return _run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin(base_url, f"DROP DATABASE IF EXISTS {BENCH_DB}")


def _run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from essor.companies.importing import import_companies
    from essor.companies.models import Company
    from essor.core.models import AuditEvent
    from essor.core.reference import reference_data_load

    call_command("migrate", verbosity=0)
    reference_data_load()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(",")[0]
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"database: {server}; {time.strftime('%Y-%m-%d %H:%M')}")
    print("load average before (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))

    with tempfile.TemporaryDirectory() as tmp:
        first_file, second_file = Path(tmp) / "first.csv", Path(tmp) / "second.csv"
        start = time.perf_counter()
        generate(first_file, args.rows, args.seed)
        generate(second_file, args.rows, args.seed, turnover_factor=1.1)
        print(
            f"generated 2 x {args.rows:,} rows ({first_file.stat().st_size / 1e6:.1f} MB each) "
            f"in {time.perf_counter() - start:.1f} s"
        )
        first, second = first_file.read_bytes(), second_file.read_bytes()

    lines = [
        timed("dry run (empty database)", args.rows, lambda: import_companies(first, dry_run=True)),
        timed("first import (creates)", args.rows, lambda: import_companies(first)),
        timed("second import (updates)", args.rows, lambda: import_companies(second)),
    ]
    dry, created, updated = (line["result"] for line in lines)
    assert dry.errors == [] and dry.created == args.rows, dry.errors[:5]
    assert created.written and created.created == args.rows
    assert updated.written and updated.updated == args.rows, (updated.updated, updated.unchanged)
    assert Company.objects.count() == args.rows
    assert AuditEvent.objects.filter(verb="company.import").count() == 2 * args.rows
    print("load average after (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    ok = all(line["seconds"] < GOAL_SECONDS * args.rows / 300_000 for line in lines[1:])
    print(
        f"goal: each import under {GOAL_SECONDS:.0f} s for 300,000 rows: {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
