"""`essor funding reconcile`: prove that the financing ledger reconciles.

Prints the totals and every problem found (`essor.funding.reconcile`); exit status 0 when
the ledger reconciles, 1 otherwise.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("funding", help="financing: check the ledger")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    reconcile = actions.add_parser(
        "reconcile",
        help="prove that the ledger's balances reconcile (exit 1 when they do not)",
    )
    reconcile.set_defaults(handler=handle_reconcile)


def handle_reconcile(args: argparse.Namespace) -> int:
    from essor.cli import setup_django

    setup_django()
    from essor.funding.reconcile import ledger_check, report_lines

    report = ledger_check()
    for line in report_lines(report):
        print(line)
    return 0 if report.ok else 1
