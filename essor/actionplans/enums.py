from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanStatus(models.TextChoices):
    """The plan workflow (`essor.actionplans.workflow`)."""

    DRAFT = "draft", _("Being prepared")
    SUBMITTED = "submitted", _("Submitted to the firm")
    COMPANY_VALIDATED = "company_validated", _("Validated by the firm")
    VALIDATED = "validated", pgettext_lazy("action plan status", "Validated")
    RETURNED = "returned", _("Returned for changes")


# While a plan is in one of these statuses its actions may be added, changed and removed.
EDITABLE_STATUSES = (PlanStatus.DRAFT, PlanStatus.RETURNED)


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", pgettext_lazy("action status", "Done")
    ABANDONED = "abandoned", _("Abandoned")


# Actions that are over: neither counted as late nor expected to progress.
CLOSED_ACTION_STATUSES = (ActionStatus.DONE, ActionStatus.ABANDONED)
