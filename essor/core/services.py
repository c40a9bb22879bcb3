"""Audit trail: every state change and money movement is recorded through `audit_record`."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent

SYSTEM_ACTOR_LABEL = "system"


def audit_record(
    *,
    actor: Any,
    verb: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    region_code: str = "",
) -> AuditEvent:
    """Write one audit event. `actor` is a user, or None for the system (imports, tasks)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    label = SYSTEM_ACTOR_LABEL if actor is None else f"{actor.get_full_name()} <{actor.email}>"
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=label[:200],
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        region_code=region_code,
        before=before,
        after=after,
        reason=reason,
    )


def audit_trail(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """The events of one object, oldest first (for timelines)."""
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("created_at", "pk")
