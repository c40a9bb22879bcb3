from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExpertStatus(models.TextChoices):
    """Where an expert stands in the referencing workflow (`essor.experts.workflow`)."""

    APPLICATION = "application", _("Application received")
    UNDER_REVIEW = "under_review", _("Under review")
    REFERENCED = "referenced", _("Referenced")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REFUSED = "refused", _("Refused")


class SkillLevel(models.IntegerChoices):
    WORKING = 1, _("Working knowledge")
    CONFIRMED = 2, _("Confirmed")
    EXPERT = 3, _("Expert")


class Language(models.TextChoices):
    """Languages an expert can work in with a firm (ISO 639-1)."""

    FR = "fr", _("French")
    EN = "en", _("English")
    DE = "de", _("German")
    ES = "es", _("Spanish")
    IT = "it", _("Italian")
    AR = "ar", _("Arabic")


class MissionKind(models.TextChoices):
    DIAGNOSTIC = "diagnostic", _("Diagnostic")
    SUPPORT = "support", _("Support")


class MissionStatus(models.TextChoices):
    """A mission's life (`essor.experts.workflow`): proposed, then accepted or declined, then done."""

    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    DONE = "done", pgettext_lazy("mission status", "Done")


# Missions that take one of the expert's places (capacity) and keep the firm busy.
OPEN_MISSION_STATUSES = (MissionStatus.PROPOSED, MissionStatus.ACCEPTED)
# Missions that make the expert "assigned" to the firm (design.md §2: experts see "companies
# assigned to them"): the firm's pages, diagnostics, plans and funding requests. A mission only
# proposed shows the expert the mission page, the minimum needed to accept or decline it.
ASSIGNED_MISSION_STATUSES = (MissionStatus.ACCEPTED, MissionStatus.DONE)
# Missions that link an expert to a firm in the managers' lists and filters, and in the firm's
# own list of its missions.
INVOLVED_MISSION_STATUSES = (MissionStatus.PROPOSED, MissionStatus.ACCEPTED, MissionStatus.DONE)


class MatchingRunStatus(models.TextChoices):
    DRAFT = "draft", _("To review")
    SENT = "sent", _("Sent")
    DISCARDED = "discarded", _("Discarded")
