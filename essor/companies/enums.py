from django.db import models
from django.utils.translation import gettext_lazy as _


class SizeClass(models.TextChoices):
    """Enterprise categories of décret n° 2008-1354 (art. 51 of loi LME)."""

    MICRO = "micro", _("Micro-enterprise")
    PME = "pme", _("SME (PME)")
    ETI = "eti", _("Mid-size firm (ETI)")
    GE = "ge", _("Large enterprise")


class JourneyState(models.TextChoices):
    """The company journey of design.md §3."""

    IDENTIFIED = "identified", _("Identified")
    ELIGIBLE = "eligible", _("Eligible")
    DIAGNOSTIC_SCHEDULED = "diagnostic_scheduled", _("Diagnostic scheduled")
    DIAGNOSED = "diagnosed", _("Diagnosed")
    PLAN_VALIDATED = "plan_validated", _("Action plan validated")
    FINANCING_REQUESTED = "financing_requested", _("Financing requested")
    FINANCING_GRANTED = "financing_granted", _("Financing granted")
    SUPPORT_UNDERWAY = "support_underway", _("Support under way")
    FOLLOW_UP = "follow_up", _("Follow-up (T1 and impact)")
    CLOSED = "closed", _("Closed")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    WITHDRAWN = "withdrawn", _("Withdrawn")
