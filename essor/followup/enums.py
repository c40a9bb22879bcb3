from django.db import models
from django.utils.translation import gettext_lazy as _


class ImpactKind(models.TextChoices):
    """The figures the 12-month impact survey asks for. Money in cents, jobs in persons."""

    JOBS_CREATED = "jobs_created", _("Jobs created")
    JOBS_KEPT = "jobs_kept", _("Jobs kept")
    ADDITIONAL_SALES = "additional_sales", _("Additional sales (€)")
    INVESTMENT = "investment", _("Investment made (€)")
    COST_SAVINGS = "cost_savings", _("Annual cost savings (€)")


MONEY_KINDS = frozenset(
    {ImpactKind.ADDITIONAL_SALES, ImpactKind.INVESTMENT, ImpactKind.COST_SAVINGS}
)


class SurveyStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent to the company")
    SUBMITTED = "submitted", _("Answered")
