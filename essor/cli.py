"""The `essor` console entry point.

Pure commands (`score`, `match`, `referentiel validate`) run without Django or a database;
the others set Django up first. Each domain registers its own sub-commands.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

Handler = Callable[[argparse.Namespace], int]


def setup_django(settings_module: str = "config.settings.dev") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


def _cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("essor_demo", addrport=args.addrport, noserve=args.no_serve)
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    setup_django(os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.dev"))
    from django.core.management import call_command

    call_command("runserver", args.addrport, use_reloader=False)
    return 0


def _cmd_manage(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["essor", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="essor", description="essor: Industrie du Futur platform")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="set up the embedded database with demo data and serve it")
    demo.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
    demo.add_argument("--no-serve", action="store_true", help="prepare the demo, do not serve")
    demo.set_defaults(handler=_cmd_demo)

    serve = sub.add_parser("serve", help="serve with the configured database")
    serve.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
    serve.set_defaults(handler=_cmd_serve)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=_cmd_manage)

    for module in _domain_command_modules():
        module.register(sub)
    return parser


def _domain_command_modules() -> list[Any]:
    import importlib

    modules = []
    for name in (
        "essor.referentiel.commands",
        "essor.experts.commands",
        "essor.companies.commands",
        "essor.funding.commands",
    ):
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            # An app that has not landed yet has no commands; any other missing module is a bug.
            if exc.name is None or not name.startswith(exc.name):
                raise
    return modules


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
