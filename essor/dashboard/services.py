"""Writes for programmes and their objectives."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Any

import yaml
from django.db import transaction

from .models import Objective, Programme

DEFAULT_PROGRAMME_FILE = "programme-industrie-du-futur.yaml"


@transaction.atomic
def programme_load_default() -> Programme:
    """Create the default "Industrie du Futur" programme and its objectives if absent.

    Objectives already present are left as the national admin edited them.
    """
    text = resources.files("essor.dashboard").joinpath("data", DEFAULT_PROGRAMME_FILE).read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    programme, _ = Programme.objects.get_or_create(
        slug=data["slug"],
        defaults={
            "name": data["name"],
            "name_en": data["name_en"],
            "launched_on": data["launched_on"],
            "source": data.get("source", ""),
            "eligible_size_classes": data["eligibility"]["size_classes"],
            "eligible_naf_sections": data["eligibility"]["naf_sections"],
            "eligible_naf_divisions": data["eligibility"]["naf_divisions"],
        },
    )
    for position, item in enumerate(data["objectives"]):
        deadline = item.get("deadline")
        Objective.objects.get_or_create(
            programme=programme,
            key=item["key"],
            defaults={
                "label": item["label"],
                "label_en": item["label_en"],
                "target": int(item["target"]),
                "unit": item["unit"],
                "deadline": deadline if isinstance(deadline, dt.date) else None,
                "position": position,
            },
        )
    return programme
