"""`essor referentiel load FILE` and `essor referentiel export ID VERSION [-o FILE]`.

Picked up by `essor.referentiel.commands` (see `REFERENTIEL_EXTENSIONS`). Django is set up
inside the handlers only, so `essor score` and `essor referentiel validate` stay pure.

- `load` publishes a version: exit 0 when published or already published with the same
  content; exit 1 when the file has errors (each printed as `path: message`, like
  `validate`) or when that (id, version) is already published with other content.
- `export` prints the stored document (YAML, or JSON with `--format json` or an `-o` file
  ending in `.json`); it validates and scores exactly like the published file. Exit 1 when
  the version does not exist.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1


def cmd_load(args: argparse.Namespace) -> int:
    from essor.cli import setup_django

    setup_django()
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from essor.referentiel.loader import LoadError, load_file
    from essor.referentiel.services import referentiel_publish

    try:
        document = load_file(args.file)
    except LoadError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    try:
        with translation.override("en"):  # the command line speaks English, like `validate`
            version, created = referentiel_publish(document=document, actor=None)
    except ValidationError as exc:
        for message in exc.messages:
            print(message, file=sys.stderr)
        return EXIT_FAILED
    state = "published" if created else "already published, same content"
    print(f"{version.ref_id} {version.version}: {state}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from essor.cli import setup_django

    setup_django()
    from essor.referentiel.models import ReferentielVersion
    from essor.referentiel.services import export_text

    version = ReferentielVersion.objects.filter(ref_id=args.id, version=args.version).first()
    if version is None:
        print(f"error: no published version {args.id} {args.version}", file=sys.stderr)
        return EXIT_FAILED
    fmt = args.format or ("json" if args.output and args.output.endswith(".json") else "yaml")
    text = export_text(version, fmt)
    if args.output:
        Path(args.output).write_text(text, "utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def register_referentiel_subcommands(group: Any) -> None:
    load = group.add_parser(
        "load", help="publish a référentiel file as a version in the database (exit 1 on errors)"
    )
    load.add_argument("file", metavar="FILE")
    load.set_defaults(handler=cmd_load)

    export = group.add_parser("export", help="print or write a published référentiel version")
    export.add_argument("id", metavar="ID")
    export.add_argument("version", metavar="VERSION")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    export.add_argument("--format", choices=("yaml", "json"), help="default: yaml")
    export.set_defaults(handler=cmd_export)
