from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of design.md §2. A user holds one or more through memberships."""

    NATIONAL_ADMIN = "national_admin", _("National administrator")
    STEERING_VIEWER = "steering_viewer", _("Steering committee viewer")
    REGIONAL_MANAGER = "regional_manager", _("Regional manager")
    EXPERT = "expert", _("Expert")
    COMPANY_USER = "company_user", _("Company user")
    SUPPLIER = "supplier", _("Supplier")
    WG_MEMBER = "wg_member", _("Working-group member")


# Roles whose membership must name the region(s) they act in.
REGION_SCOPED_ROLES = frozenset({Role.REGIONAL_MANAGER})
