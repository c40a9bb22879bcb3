from typing import Any

from django.http import HttpRequest

from .perms import scope_of


def roles(request: HttpRequest) -> dict[str, Any]:
    """The acting user's scope, for navigation in every template."""
    return {"scope": scope_of(getattr(request, "user", None))}
