from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Action, ActionPlan


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = (
        "order", "title", "dimension_id", "technology_family", "estimated_cost_cents",
        "start_date", "end_date", "owner", "status", "progress",
    )  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    """Read-only: plans and actions change through the services (audited)."""

    list_display = ["pk", "company", "status", "region", "validated_at", "updated_at"]
    list_filter = ["status", "region"]
    search_fields = ["company__name", "company__siren"]
    list_select_related = ["company", "region"]
    inlines = [ActionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
