from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Membership, User
from .services import membership_grant, membership_revoke


class MembershipInline(admin.TabularInline):
    """Shown read-only on the user: memberships are granted on their own page (audited)."""

    model = Membership
    extra = 0
    fields = ("role", "region", "organisation", "company")
    readonly_fields = ("role", "region", "organisation", "company")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "language")}),
        (
            _("Access"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Memberships are granted and revoked through the services, so every change is audited."""

    list_display = ["user", "role", "region", "organisation", "company"]
    list_filter = ["role", "region"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user", "region", "organisation", "company"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # revoke and grant instead: a changed scope is a new membership

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        granted = membership_grant(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            region=obj.region,
            organisation=obj.organisation,
            company=obj.company,
        )
        obj.pk = granted.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_revoke(actor=request.user, membership=obj, reason="back office")

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for membership in queryset:
            membership_revoke(actor=request.user, membership=membership, reason="back office")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]
    search_fields = ["user__email", "name", "prefix"]
