"""The home-page cards of action plans (see `essor.core.home`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .perms import can_list_awaiting


def action_plan_actions(user: Any) -> list[Any]:
    from essor.core.home import Action

    if not can_list_awaiting(user):
        return []
    return [
        Action(
            _("Action plans to validate"),
            _("Plans the firms of your region(s) validated, waiting for yours."),
            reverse("actionplans:plan_queue"),
        )
    ]
