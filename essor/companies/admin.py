from django.contrib import admin

from .models import Company, Contact, Establishment


class EstablishmentInline(admin.TabularInline):
    model = Establishment
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    """Read-mostly: figures and the journey change through the services (audited)."""

    list_display = ["name", "siren", "naf_code", "size_class", "region", "state"]
    list_filter = ["state", "size_class", "region"]
    search_fields = ["name", "siren"]
    readonly_fields = [
        "size_class",
        "state",
        "state_changed_at",
        "region",
        "naf_division",
        "naf_section",
    ]
    inlines = [EstablishmentInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "company", "job_title", "email", "consent_at", "erased_at"]
    search_fields = ["last_name", "email", "company__name"]
