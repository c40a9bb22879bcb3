from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    CompanyNeed,
    ConflictDeclaration,
    ExpertProfile,
    ExpertSkill,
    MatchingRun,
    Mission,
    MissionRating,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Missions, ratings, needs and runs change only through the services (checked, audited)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ExpertSkillInline(admin.TabularInline):
    model = ExpertSkill
    extra = 0


class ConflictInline(admin.TabularInline):
    model = ConflictDeclaration
    extra = 0


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    """Read-mostly: the status changes through the referencing workflow (audited), and the
    home department (which fixes the region, the tenancy key) through the expert's page."""

    list_display = ["full_name", "firm", "home_department", "region", "status", "capacity"]
    list_filter = ["status", "region"]
    search_fields = ["full_name", "user__email", "firm__name"]
    readonly_fields = ["status", "status_changed_at", "region", "home_department", "user"]
    autocomplete_fields = ["departments", "firm"]
    inlines = [ExpertSkillInline, ConflictInline]


@admin.register(Mission)
class MissionAdmin(ReadOnlyAdmin):
    """Missions are proposed and move through their workflow on the pages (audited)."""

    list_display = ["company", "expert", "kind", "status", "region", "created_at"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["company__name", "company__siren", "expert__full_name"]
    readonly_fields = ["status", "status_changed_at", "region", "matching_run"]
    raw_id_fields = ["company", "expert"]


@admin.register(MissionRating)
class MissionRatingAdmin(ReadOnlyAdmin):
    list_display = ["mission", "score", "created_at"]
    raw_id_fields = ["mission"]


@admin.register(MatchingRun)
class MatchingRunAdmin(ReadOnlyAdmin):
    list_display = ["region", "created_by", "status", "created_at", "sent_at"]
    list_filter = ["status", "region"]
    readonly_fields = ["parameters", "result"]


@admin.register(CompanyNeed)
class CompanyNeedAdmin(ReadOnlyAdmin):
    list_display = ["company", "skill"]
    search_fields = ["company__name", "skill"]
    raw_id_fields = ["company"]
