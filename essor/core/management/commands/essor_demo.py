import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from essor.actionplans.demo import demo_action_plans_create
from essor.companies.demo import demo_companies_create
from essor.core.demo import DEMO_PASSWORD, demo_accounts_create, demo_organisations_create
from essor.core.reference import reference_data_load
from essor.diagnostics.demo import demo_diagnostics_create
from essor.experts.demo import demo_experts_create
from essor.followup.demo import demo_followups_update
from essor.funding.demo import demo_funding_create


class Command(BaseCommand):
    help = "Migrate, load reference data and the demo programme, then serve (safe to run twice)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--noserve", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        result = reference_data_load()
        self.stdout.write(
            f"Reference data: {result.regions} regions, {result.departments} departments, "
            f"programme {result.programme}"
        )
        created = demo_organisations_create()
        firms = demo_companies_create()
        demo_followups_update()
        accounts = demo_accounts_create()
        experts = demo_experts_create()  # after the accounts: the demo expert is one of them
        diagnostics = demo_diagnostics_create()  # after the experts: their missions assign firms
        plans = demo_action_plans_create()  # after the diagnostics: plans are built from them
        funding = demo_funding_create()  # after the accounts: the regional managers decide
        self.stdout.write(f"Demo funding requests created this run: {funding}")
        self.stdout.write(
            f"Demo organisations created this run: {created}; firms: {firms}; experts: {experts}; "
            f"diagnostics: {diagnostics}; action plans: {plans}"
        )
        addrport = options["addrport"]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"essor demo: http://{addrport}/"))
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for account in accounts:
            scope = f" [{account.region_code}]" if account.region_code else ""
            self.stdout.write(f"  {account.role.label:<32} {account.email}{scope}")
        if not options["noserve"]:
            worker = subprocess.Popen(
                [sys.executable, "-m", "essor.cli", "manage", "db_worker"],
                env={**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]},
            )
            try:
                call_command("runserver", addrport, use_reloader=False)
            finally:
                worker.terminate()
                worker.wait(timeout=10)
