"""The financing instruments' rules: shipped defaults (data file) and the admin's edits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from essor.core.services import audit_record

from ..models import Instrument

INSTRUMENTS_FILE = Path(__file__).resolve().parent.parent / "data" / "instruments.yaml"


def instruments_load(path: Path = INSTRUMENTS_FILE, *, overwrite: bool = False) -> int:
    """Create the instruments of the data file (update them only with `overwrite`)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    count = 0
    for item in data["instruments"]:
        values = {
            "kind": item["kind"],
            "name": item["name"],
            "name_en": item["name_en"],
            "eligible_cost_types": list(item["eligible_cost_types"]),
            "max_intensity_percent": dict(item["max_intensity_percent"]),
            "ceiling_per_firm_cents": int(item["ceiling_per_firm_cents"]),
            "gge_percent": int(item["gge_percent"]),
            "position": int(item.get("position", 0)),
            "source": f"essor/funding/data/{path.name}",
        }
        if overwrite:
            _obj, created = Instrument.objects.update_or_create(code=item["code"], defaults=values)
        else:
            _obj, created = Instrument.objects.get_or_create(code=item["code"], defaults=values)
        count += created
    return count


def instruments_ensure(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: the shipped instruments exist (never overwrites the admin's edits)."""
    if not Instrument.objects.using(using).exists():
        instruments_load()


RULE_FIELDS = (
    "name", "name_en", "eligible_cost_types", "max_intensity_percent", "ceiling_per_firm_cents",
    "gge_percent", "is_active",
)  # fmt: skip


@transaction.atomic
def instrument_save(*, instrument: Instrument, actor: Any) -> Instrument:
    """Save an instrument's rules as the national admin edited them (back office), with an
    audit event of what changed. Decisions already taken keep the figures they were
    checked with (`Decision.checks`)."""
    before = (
        Instrument.objects.filter(pk=instrument.pk).values(*RULE_FIELDS).first()
        if instrument.pk
        else None
    )
    instrument.save()
    after = {name: getattr(instrument, name) for name in RULE_FIELDS}
    if before != after:
        audit_record(
            actor=actor, verb="funding.instrument.update", obj=instrument, before=before,
            after=after,
        )  # fmt: skip
    return instrument
