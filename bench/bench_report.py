"""Benchmark: time to render one diagnostic report as PDF (goal: under 1.5 s).

The report is the richest one the platform produces: a T1 expert diagnostic on the shipped
référentiel (18 dimensions all assessed, 58 questions), with agreed targets, evidence
notes, three important KPIs, a peer benchmark on every line (40 peers) and the T0/T1
comparison; the same data as the report tests (`tests/diagnostics/test_report.py`,
`rich_report_data`). The timed call is `render_report_pdf(data, language)`: template,
pygal charts and WeasyPrint layout and PDF writing, in-process. The data is built once,
outside the timing (building it is pure arithmetic on the answers, a few milliseconds).

The first render of a process also loads fonts and WeasyPrint's user-agent stylesheets;
it is reported apart. Then `--runs` renders (default 10): median and best, wall-clock and
CPU time (CPU time is less disturbed by other processes on a shared machine).

Run: .venv/bin/python bench/bench_report.py [--runs 10] [--language fr]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from essor.diagnostics.report import render_report_pdf  # noqa: E402
from tests.diagnostics.test_report import rich_report_data  # noqa: E402


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def pages(pdf: bytes) -> str:
    """Page count by `pdfinfo` when poppler is installed."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return "?"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        try:
            out = subprocess.run([pdfinfo, f.name], capture_output=True, text=True, check=True)  # noqa: S603
        except (OSError, subprocess.CalledProcessError):
            return "?"
    return next((ln.split()[-1] for ln in out.stdout.splitlines() if ln.startswith("Pages")), "?")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--language", default="fr", choices=["fr", "en"])
    args = parser.parse_args()

    data = rich_report_data()
    wall, cpu = time.perf_counter(), time.process_time()
    pdf = render_report_pdf(data, args.language)
    first_wall, first_cpu = time.perf_counter() - wall, time.process_time() - cpu

    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = render_report_pdf(data, args.language)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"date:        {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}")
    print(f"machine:     {cpu_model()}, {os.cpu_count()} CPUs; {platform.platform()}")
    print(f"             Python {platform.python_version()}; load average {load:.2f} at the end")
    print(f"command:     {shlex.join([Path(sys.executable).name, *sys.argv])}")
    print(
        f"report:      {args.language}, {pages(pdf)} pages, {len(pdf) / 1024:.0f} KiB, "
        f"{len(data.dimensions)} dimensions, {len(data.priorities)} priorities, "
        f"benchmark of {getattr(data.benchmark, 'group', None) and data.benchmark.group.count} "  # type: ignore[union-attr]
        "peers, T0/T1 comparison"
    )
    print(f"first render (fonts loaded): {first_wall:.3f} s wall, {first_cpu:.3f} s CPU")
    print(
        f"{args.runs} renders: median {statistics.median(walls):.3f} s wall "
        f"(best {min(walls):.3f}), median {statistics.median(cpus):.3f} s CPU "
        f"(best {min(cpus):.3f})"
    )
    verdict = "met" if statistics.median(walls) < 1.5 else "NOT met"
    print(f"goal < 1.5 s (median wall-clock): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
