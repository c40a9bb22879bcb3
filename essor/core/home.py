"""What each role can do today: the cards of the home page.

Only pages that exist are offered; a later capability adds its card here when it lands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from essor.accounts.enums import Role
from essor.accounts.perms import scope_of
from essor.territories.models import Region


@dataclass(frozen=True)
class Action:
    title: str | Promise
    text: str | Promise
    url: str


def actions_for(user: Any) -> list[Action]:
    scope = scope_of(user)
    actions: list[Action] = []
    if scope.sees_national:
        actions.append(
            Action(
                _("Programme objectives"),
                _("The national targets and what has been reached so far."),
                reverse("dashboard:programme"),
            )
        )
    if scope.is_regional_manager:
        for region in Region.objects.filter(pk__in=scope.region_ids).order_by("name"):
            actions.append(
                Action(
                    region.display_name,
                    _("Your region: its departments, partner organisations and team."),
                    region.get_absolute_url(),
                )
            )
    if scope.is_national_admin or scope.is_regional_manager:
        actions.append(
            Action(
                _("Companies"),
                _("Find, add and follow the firms of your region(s) along their journey."),
                reverse("companies:company_list"),
            )
        )
        actions.append(
            Action(
                _("Pipeline"),
                _("How many firms stand at each step, and which are stuck."),
                reverse("companies:pipeline"),
            )
        )
    if scope.sees_national or scope.is_regional_manager:
        actions.append(
            Action(
                _("Financing"),
                _(
                    "Regional envelopes (allocated, committed, paid, available), requests, committee advice."
                ),
                reverse("funding:overview"),
            )
        )
    if scope.company_ids or scope.has_role(Role.EXPERT):
        actions.append(
            Action(
                _("Funding requests"),
                _("File a request for a validated action plan; follow its decision and payments."),
                reverse("funding:request_list"),
            )
        )
    if scope.sees_national or scope.is_regional_manager:
        actions.append(
            Action(
                _("Declared impact"),
                _("Jobs, sales, investment and savings declared 12 months after support."),
                reverse("followup:impact"),
            )
        )
    if scope.company_ids:
        from essor.companies.models import Company

        for company in Company.objects.filter(pk__in=scope.company_ids).order_by("name"):
            actions.append(
                Action(
                    company.name,
                    _("Your company: its record and where it stands in the programme."),
                    company.get_absolute_url(),
                )
            )
    from essor.experts.home import expert_actions

    actions += expert_actions(user)
    from essor.diagnostics.home import diagnostic_actions

    actions += diagnostic_actions(user)
    from essor.actionplans.home import action_plan_actions

    actions += action_plan_actions(user)
    if scope.sees_national or scope.is_regional_manager or scope.organisation_ids:
        actions.append(
            Action(
                _("Organisations"),
                _("Regional platforms, federations, clusters and financing bodies you work with."),
                reverse("territories:organisation_list"),
            )
        )
    actions.append(
        Action(
            _("Regions and departments"),
            _("The 18 regions and 101 departments of the programme."),
            reverse("territories:region_list"),
        )
    )
    if scope.is_national_admin:
        actions.append(
            Action(
                _("Back office"),
                _("Manage users, memberships, organisations and reference data."),
                reverse("admin:index"),
            )
        )
    actions.append(
        Action(
            _("My account"),
            _("Your name, language, password and roles."),
            reverse("accounts:profile"),
        )
    )
    actions.append(
        Action(
            _("API access"),
            _("Create tokens to use the JSON API with the same rights as your account."),
            reverse("accounts:tokens"),
        )
    )
    return actions


def role_labels(user: Any) -> list[str]:
    scope = scope_of(user)
    return [str(label) for value, label in Role.choices if value in scope.roles]
