from typing import Any

from django.core.management.base import BaseCommand

from essor.followup.tasks import send_impact_surveys


class Command(BaseCommand):
    help = "Queue the daily sending of due impact surveys and reminders (run it from cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_impact_surveys.enqueue()
        self.stdout.write(f"queued task {result.id} ({result.status})")
