"""`essor score` and `essor referentiel ...`: the pure, database-free commands.

`essor score REFERENTIEL ANSWERS` prints the §4 scoring output as JSON and exits 0, or
exits 2 on any bad input (unreadable or malformed file, invalid référentiel, bad answers)
with every problem on stderr and nothing on stdout (`referentiel-format.md` §5).

`essor referentiel validate FILE` prints `OK: <id> <version> (N pillars, M dimensions,
K questions)` and exits 0, or prints each error on its own line (`path: message`) and
exits 1.

Adding sub-commands to the `referentiel` group (`load`, `export`...): create the module
`essor.referentiel.db_commands` (any name in `REFERENTIEL_EXTENSIONS`) defining
`register_referentiel_subcommands(group)`, where `group` is the `referentiel` group's
sub-parsers object; it is called after `validate` is added. A handler needing Django calls
`essor.cli.setup_django()` itself, so that the pure commands never import Django.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any

from essor.referentiel.loader import LoadError, load_file
from essor.referentiel.scoring import check_answers, score_validated
from essor.referentiel.validator import parse, validate

__all__ = ["REFERENTIEL_EXTENSIONS", "register", "register_referentiel_subcommands"]

REFERENTIEL_EXTENSIONS: tuple[str, ...] = ("essor.referentiel.db_commands",)
"""Modules that may add sub-commands to `essor referentiel`, imported when present."""

EXIT_OK = 0
EXIT_INVALID = 1  # `referentiel validate`: the file has errors
EXIT_BAD_INPUT = 2  # `score`: any bad input (§5)


def _error(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_score(args: argparse.Namespace) -> int:
    """Score ANSWERS against REFERENTIEL; JSON on stdout, or exit 2 with reasons on stderr."""
    try:
        doc = load_file(args.referentiel)
    except LoadError as exc:
        _error(f"error: référentiel {exc}")
        return EXIT_BAD_INPUT
    errors = validate(doc)
    if errors:
        _error(f"error: invalid référentiel {args.referentiel}:")
        for error in errors:
            _error(f"  {error}")
        return EXIT_BAD_INPUT
    ref = parse(doc)
    try:
        answers_doc: Any = load_file(args.answers)
    except LoadError as exc:
        _error(f"error: answers {exc}")
        return EXIT_BAD_INPUT
    problems = check_answers(ref, answers_doc)
    if problems:
        _error(f"error: bad answers in {args.answers}:")
        for problem in problems:
            _error(f"  {problem}")
        return EXIT_BAD_INPUT
    result = score_validated(ref, answers_doc["answers"])
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate a référentiel file: `OK: ...` and exit 0, or one error per line and exit 1."""
    try:
        doc = load_file(args.file)
    except LoadError as exc:
        print(exc)
        return EXIT_INVALID
    errors = validate(doc)
    if errors:
        for error in errors:
            print(error)
        return EXIT_INVALID
    ref = parse(doc)
    print(
        f"OK: {ref.id} {ref.version} ({len(ref.pillars)} pillars, "
        f"{len(ref.dimensions)} dimensions, {len(ref.questions)} questions)"
    )
    return EXIT_OK


def register_referentiel_subcommands(group: Any) -> None:
    """Add the sub-commands of `essor referentiel` to `group` (its sub-parsers object).

    Adds `validate`, then lets each module of `REFERENTIEL_EXTENSIONS` that exists add its
    own through its `register_referentiel_subcommands(group)`.
    """
    validate_parser = group.add_parser(
        "validate", help="check a référentiel file (YAML or JSON); exit 1 when it has errors"
    )
    validate_parser.add_argument("file", metavar="FILE")
    validate_parser.set_defaults(handler=cmd_validate)
    for name in REFERENTIEL_EXTENSIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register_referentiel_subcommands(group)


def register(subparsers: Any) -> None:
    """Add `score` and the `referentiel` group to the `essor` command line."""
    score_parser = subparsers.add_parser(
        "score", help="score answers against a référentiel, JSON out (exit 2 on bad input)"
    )
    score_parser.add_argument("referentiel", metavar="REFERENTIEL", help="YAML or JSON file")
    score_parser.add_argument("answers", metavar="ANSWERS", help="JSON answers file")
    score_parser.set_defaults(handler=cmd_score)

    referentiel_parser = subparsers.add_parser(
        "referentiel", help="référentiel files: validate (and more, see sub-commands)"
    )
    group = referentiel_parser.add_subparsers(
        dest="referentiel_command", required=True, metavar="SUBCOMMAND"
    )
    register_referentiel_subcommands(group)
