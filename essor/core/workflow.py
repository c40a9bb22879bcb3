"""What every status workflow of the platform does once a step is allowed: write the new
status (with the other fields the step sets) and the audit event that says who moved the
record, from where to where, and why.

Each domain keeps its own table of steps and its own checks (which statuses a step leaves
from, who may take it, what else must hold), because those are the domain's rules; the
recording is the same everywhere and lives here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from .services import audit_record


def status_record(
    obj: models.Model,
    *,
    target: str,
    verb: str,
    actor: Any,
    region_code: str,
    reason: str = "",
    fields: Iterable[str] = (),
    after: Mapping[str, Any] | None = None,
) -> str:
    """Set `obj.status` to `target`, save it with `fields` (other columns the step set on
    `obj`, and `updated_at` when the model has one), audit the change; returns the status
    it had before; `after` adds what else the event should keep. The caller holds the row lock
    and runs inside a transaction."""
    before: str = obj.status  # type: ignore[attr-defined]
    obj.status = target  # type: ignore[attr-defined]
    update = ["status", *fields]
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        update.append("updated_at")
    obj.save(update_fields=list(dict.fromkeys(update)))
    audit_record(
        actor=actor,
        verb=verb,
        obj=obj,
        before={"status": before},
        after={**(after or {}), "status": target},
        reason=reason,
        region_code=region_code,
    )
    return before
