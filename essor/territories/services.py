"""Writes for territories and organisations."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from essor.core.services import audit_record

from . import reference
from .enums import OrganisationKind
from .models import Department, Organisation, Region


@transaction.atomic
def reference_territories_load() -> tuple[int, int]:
    """Create or update the 18 regions and 101 departments from the shipped COG files.

    Idempotent: running it again changes nothing unless the shipped files changed.
    Returns (regions, departments) counts.
    """
    regions: dict[str, Region] = {}
    for ref in reference.regions():
        region, _ = Region.objects.update_or_create(
            code=ref.code, defaults={"name": ref.name, "name_en": ref.name_en}
        )
        regions[ref.code] = region
    for dep in reference.departments():
        Department.objects.update_or_create(
            code=dep.code,
            defaults={
                "name": dep.name,
                "region": regions[dep.region_code],
                "latitude": dep.latitude,
                "longitude": dep.longitude,
            },
        )
    return len(regions), Department.objects.count()


@transaction.atomic
def organisation_create(
    *,
    actor: Any,
    name: str,
    kind: OrganisationKind | str,
    region: Region | None = None,
    city: str = "",
    website: str = "",
    email: str = "",
    phone: str = "",
    description: str = "",
) -> Organisation:
    organisation = Organisation(
        name=name,
        kind=kind,
        region=region,
        city=city,
        website=website,
        email=email,
        phone=phone,
        description=description,
    )
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        verb="organisation.create",
        obj=organisation,
        after={"name": name, "kind": str(kind), "region": region.code if region else None},
        region_code=region.code if region else "",
    )
    return organisation
