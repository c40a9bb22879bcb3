"""Who may read and publish référentiels (design.md §2).

Référentiels are reference data: anyone logged in may read them. Only national admins
publish a new version.
"""

from __future__ import annotations

from typing import Any

from essor.accounts.perms import scope_of


def can_publish_referentiel(user: Any) -> bool:
    return scope_of(user).is_national_admin
