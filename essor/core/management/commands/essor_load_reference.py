from typing import Any

from django.core.management.base import BaseCommand

from essor.core.reference import reference_data_load


class Command(BaseCommand):
    help = "Load or update the reference data shipped in the package (regions, departments, programme)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = reference_data_load()
        self.stdout.write(
            f"{result.regions} regions, {result.departments} departments, programme {result.programme}"
        )
