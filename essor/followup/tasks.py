from django.tasks import task

from .services import surveys_send_due


@task()
def send_impact_surveys() -> dict[str, int]:
    """Daily: send the impact surveys that fall due and remind the unanswered ones."""
    run = surveys_send_due()
    return {"surveys": run.surveys_sent, "reminders": run.reminders_sent, "emails": run.emails}
