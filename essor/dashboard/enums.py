from django.db import models
from django.utils.translation import gettext_lazy as _


class ObjectiveUnit(models.TextChoices):
    COUNT = "count", _("number")
    CENTS = "cents", _("euros (stored in cents)")
