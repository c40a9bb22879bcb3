"""The experts capability's cards on the home page (`essor.core.home`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from essor.accounts.perms import scope_of
from essor.core.home import Action

from .models import ExpertProfile


def expert_actions(user: Any) -> list[Action]:
    scope = scope_of(user)
    actions: list[Action] = []
    if scope.is_national_admin or scope.is_regional_manager:
        actions.append(
            Action(
                _("Experts"),
                _("The referenced experts of your region(s): referencing, skills, missions."),
                reverse("experts:expert_list"),
            )
        )
        actions.append(
            Action(
                _("Matching"),
                _("Give each eligible firm its diagnostic expert, optimally, then send."),
                reverse("experts:matching_index"),
            )
        )
    if ExpertProfile.objects.filter(user=user).exists():
        actions.append(
            Action(
                _("My missions"),
                _("Missions proposed to you: accept or decline them, follow those under way."),
                reverse("experts:my_missions"),
            )
        )
        actions.append(
            Action(
                _("My expert profile"),
                _(
                    "Your skills, the departments you cover, your capacity and conflicts of interest."
                ),
                reverse("experts:my_profile"),
            )
        )
    if scope.company_ids:
        actions.append(
            Action(
                _("Expert missions"),
                _("The experts working with your firm; rate their missions once done."),
                reverse("experts:company_missions"),
            )
        )
    return actions
