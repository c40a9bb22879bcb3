"""`essor match INSTANCE`: solve an expert-matching instance, JSON on stdout.

Follows `matching-format.md` §2 and §3: the instance is read from a file (or `-` for standard
input); the §3 result is printed on stdout and the status is 0. Bad input prints
`essor match: <problem>` on stderr, nothing on stdout, and exits with status 2; missing
reference data or a solver failure exits with status 1. No Django set-up is needed.
"""

from __future__ import annotations

import argparse
import json
import sys

from essor.experts.matching import match_text
from essor.experts.matching_input import InstanceError, MatchingError

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `match INSTANCE` to the `essor` command line."""
    parser = subparsers.add_parser(
        "match",
        help="solve an expert-matching instance, JSON out (matching-format.md)",
        description=(
            "Assign companies to experts exactly: serve as many companies as possible, "
            "then minimise the total cost. Prints the result as JSON on stdout."
        ),
    )
    parser.add_argument(
        "instance", metavar="INSTANCE", help="instance JSON file, or - for standard input"
    )
    parser.set_defaults(handler=handle_match)


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as handle:
        return handle.read()


def _error(message: str) -> None:
    print(f"essor match: {message}", file=sys.stderr)


def handle_match(args: argparse.Namespace) -> int:
    """Read, solve and print one instance; return the exit status (0, 1 or 2)."""
    try:
        text = _read(args.instance)
    except OSError as exc:
        _error(f"cannot read instance {args.instance!r}: {exc.strerror or exc}")
        return EXIT_BAD_INPUT
    try:
        output = match_text(text)
    except InstanceError as exc:
        _error(str(exc))
        return EXIT_BAD_INPUT
    except MatchingError as exc:
        _error(str(exc))
        return EXIT_FAILURE
    sys.stdout.write(json.dumps(output, indent=2) + "\n")
    return 0
