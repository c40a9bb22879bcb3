"""Reads of stored référentiel versions (reference data: the same for every logged-in user)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from essor.accounts.perms import scope_of

from .enums import ReferentielKind
from .models import ReferentielVersion


def referentiel_version_list(*, user: Any) -> QuerySet[ReferentielVersion]:
    """Every published version; for national admins (who publish versions and need to know
    which ones are in use), with the number of diagnostics answered against it."""
    qs = ReferentielVersion.objects.select_related("published_by")
    if scope_of(user).is_national_admin:
        qs = qs.annotate(diagnostic_count=Count("diagnostics"))
    return qs


def referentiel_version_get(*, user: Any, pk: int) -> ReferentielVersion:
    return get_object_or_404(ReferentielVersion, pk=pk)


def referentiel_version_find(*, user: Any, ref_id: str, version: str) -> ReferentielVersion:
    return get_object_or_404(ReferentielVersion, ref_id=ref_id, version=version)


def referentiel_current(ref_id: str) -> ReferentielVersion | None:
    """The most recently published version of a référentiel id."""
    return ReferentielVersion.objects.filter(ref_id=ref_id).order_by("-published_at", "-pk").first()


def referentiel_versions_of_kind(kind: ReferentielKind) -> QuerySet[ReferentielVersion]:
    return ReferentielVersion.objects.filter(kind=kind).order_by("ref_id", "-published_at", "-pk")
