from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .enums import DiagnosticStatus
from .models import Diagnostic, DimensionNote


class DimensionNoteInline(admin.TabularInline):
    model = DimensionNote
    extra = 0
    fields = ["dimension_id", "target_level", "evidence"]
    readonly_fields = ["dimension_id", "target_level", "evidence"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Diagnostic)
class DiagnosticAdmin(admin.ModelAdmin):
    """Read-only: answers, scores and statuses change through the services (audited).

    A draft may be deleted (a diagnostic opened by mistake); nothing submitted ever is.
    """

    list_display = [
        "pk",
        "kind",
        "phase",
        "status",
        "company",
        "referentiel",
        "expert",
        "updated_at",
    ]
    list_filter = ["kind", "phase", "status", "region"]
    search_fields = ["company__name", "company__siren", "expert__email"]
    list_select_related = ["company", "referentiel", "expert"]
    inlines = [DimensionNoteInline]
    readonly_fields = [
        "kind", "phase", "status", "company", "referentiel", "expert", "created_by",
        "validated_by", "answers", "results", "important_kpis", "region", "naf_division",
        "naf_section", "size_class", "region_code", "overall_score", "submitted_at",
        "validated_at", "completed_at",
    ]  # fmt: skip
    exclude = ["token"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            obj is not None
            and obj.status == DiagnosticStatus.DRAFT
            and super().has_delete_permission(request, obj)
        )
