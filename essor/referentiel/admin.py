from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ReferentielVersion


@admin.register(ReferentielVersion)
class ReferentielVersionAdmin(admin.ModelAdmin):
    """Read-only: versions are published through `referentiel_publish` (the "Publish a new
    version" page or `essor referentiel load`) and never edited afterwards."""

    list_display = ["ref_id", "version", "kind", "title_fr", "published_at", "published_by"]
    list_filter = ["kind", "ref_id"]
    search_fields = ["ref_id", "version", "title_fr", "title_en"]
    readonly_fields = [
        "ref_id", "version", "kind", "title_fr", "title_en", "digest", "published_at",
        "published_by", "document",
    ]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
