from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferentielKind(models.TextChoices):
    """Which questionnaire a référentiel is: the expert's full one or the short self-assessment."""

    FULL = "full", _("Full diagnostic")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
