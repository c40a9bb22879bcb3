from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    REGIONAL_PLATFORM = "regional_platform", _("Regional platform")
    MEMBER_FEDERATION = "member_federation", _("Member federation")
    ACADEMIC_PARTNER = "academic_partner", _("Academic partner")
    TECHNOLOGY_PARTNER = "technology_partner", _("Technology partner")
    COMPETITIVENESS_CLUSTER = "competitiveness_cluster", _("Competitiveness cluster")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    FINANCING_BODY = "financing_body", _("Financing body")
    NATIONAL_TEAM = "national_team", _("National programme team")
