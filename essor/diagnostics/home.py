"""The home-page cards of diagnostics and référentiels (see `essor.core.home`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from essor.accounts.perms import can_view_people, scope_of

from .perms import has_diagnostic_scope


def diagnostic_actions(user: Any) -> list[Any]:
    from essor.core.home import Action

    actions = []
    if has_diagnostic_scope(user):
        actions.append(
            Action(
                _("Diagnostics"),
                _("Expert diagnostics and self-assessments within your scope, and their results."),
                reverse("diagnostics:diagnostic_list"),
            )
        )
    if can_view_people(user):  # contact requests are people: managers and national admins
        from .enums import ContactRequestStatus
        from .selectors import contact_request_list

        waiting = (
            contact_request_list(user=user).filter(status=ContactRequestStatus.PENDING).count()
        )
        actions.append(
            Action(
                _("Contact requests"),
                _(
                    "Visitors who asked to be contacted after a self-assessment, naming a firm "
                    "you already follow: %(count)s to confirm."
                )
                % {"count": waiting},
                reverse("diagnostics:contact_request_list"),
            )
        )
    if scope_of(user).is_national_admin:
        actions.append(
            Action(
                _("Référentiels"),
                _("The maturity frameworks diagnostics are scored against; publish a new version."),
                reverse("referentiel:version_list"),
            )
        )
    return actions
