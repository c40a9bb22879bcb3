from typing import Any

from django.core.management.base import BaseCommand, CommandError

from essor.funding.reconcile import ledger_check, report_lines


class Command(BaseCommand):
    help = "Prove that the financing ledger reconciles (exit status 1 when it does not)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = ledger_check()
        for line in report_lines(report):
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("the ledger does not reconcile", returncode=1)
