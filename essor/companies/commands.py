"""`essor import companies FILE [--dry-run] [--partial]`: import companies from CSV or XLSX.

Runs as the system, with every region allowed. Errors are printed one a line on standard
output (`line 12, column "SIREN": SIREN 123456789 has a wrong checksum.`), then a summary;
progress goes to standard error. Exit status: 0 when the file was imported (or, for a dry
run, would be); 2 when it has errors and nothing was written, or cannot be read. With
`--partial` the valid rows are written, the errors printed, and the status is 0.

Messages are in French when the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`) is French, in
English otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TextIO

EXIT_OK = 0
EXIT_ERRORS = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `import companies FILE` to the `essor` command line."""
    parser = subparsers.add_parser("import", help="import data from a file")
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
    companies = kinds.add_parser(
        "companies",
        help="import companies from a CSV or XLSX file",
        description=(
            "Create or update companies from a CSV or XLSX file (columns: README, "
            "'Importing companies'). A file with errors writes nothing unless --partial."
        ),
    )
    companies.add_argument("file", metavar="FILE", help="CSV or XLSX file")
    companies.add_argument(
        "--dry-run", action="store_true", help="check the file and report, write nothing"
    )
    companies.add_argument(
        "--partial", action="store_true", help="write the valid rows even if others have errors"
    )
    companies.set_defaults(handler=handle_import_companies)


def cli_language() -> str:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


class ProgressBar:
    """`[#####.....] 120000/300000 rows` redrawn in place on a terminal; on a pipe or a log
    file, one line at each tenth of the way."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.next_tenth = 1
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        from django.utils.translation import gettext as _

        label = _("%(done)s/%(total)s rows written") % {"done": done, "total": total}
        if self.tty:
            filled = self.WIDTH * done // total if total else self.WIDTH
            bar = "#" * filled + "." * (self.WIDTH - filled)
            self.stream.write(f"\r[{bar}] {label}")
            self.drawn = True
        elif total and (done * 10 >= self.next_tenth * total or done == total):
            self.stream.write(label + "\n")
            self.next_tenth = done * 10 // total + 1
        self.stream.flush()

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def handle_import_companies(args: argparse.Namespace) -> int:
    from essor.cli import setup_django

    setup_django()
    from django.utils import translation

    with translation.override(cli_language()):
        return _import(args)


def _import(args: argparse.Namespace) -> int:
    from django.utils.translation import gettext as _

    from .importing import ImportFileError, import_companies

    try:
        with open(args.file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        print(
            "essor import: "
            + _("cannot read %(file)s: %(error)s")
            % {"file": args.file, "error": exc.strerror or exc},
            file=sys.stderr,
        )
        return EXIT_ERRORS
    bar = ProgressBar(sys.stderr)
    started = time.monotonic()
    try:
        result = import_companies(
            data,
            filename=os.path.basename(args.file),
            dry_run=args.dry_run,
            partial=args.partial,
            on_progress=bar,
        )
    except ImportFileError as exc:
        print(f"essor import: {args.file}: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    finally:
        bar.finish()
    for error in result.errors:
        print(error)
    counts = {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": result.error_count,
        "seconds": f"{time.monotonic() - started:.1f}",
    }
    if result.written:
        print(
            _(
                "Imported %(rows)s rows in %(seconds)s s: %(created)s created, %(updated)s "
                "updated, %(unchanged)s unchanged, %(errors)s errors."
            )
            % counts
        )
        return EXIT_OK
    if result.dry_run and (not result.errors or (args.partial and not result.header_errors)):
        print(
            _(
                "Dry run, nothing written. %(rows)s rows: %(created)s would be created, "
                "%(updated)s updated, %(unchanged)s unchanged; %(errors)s errors."
            )
            % counts
        )
        return EXIT_OK
    if result.header_errors:
        print(_("Nothing written: the header line has errors."))
        return EXIT_ERRORS
    counts["valid"] = result.valid_rows
    print(
        _(
            "Nothing written: %(errors)s errors in %(rows)s rows (%(valid)s valid). Correct the "
            "file, or import the valid rows only with --partial."
        )
        % counts
    )
    return EXIT_ERRORS
