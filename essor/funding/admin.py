from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import services
from .models import (
    Budget,
    Decision,
    DeclaredAid,
    Envelope,
    FundingCostLine,
    FundingRequest,
    Instrument,
    LedgerEntry,
    Payment,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money and decisions change only through the services (locked, checked, audited)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """The instruments' rules are data the national admin edits (new decisions use them)."""

    list_display = [
        "display_name",
        "code",
        "kind",
        "ceiling_per_firm_cents",
        "gge_percent",
        "is_active",
    ]
    readonly_fields = ["code", "kind", "source"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Instrument, form: Any, change: bool) -> None:
        """Rule changes apply to new decisions only; each one is audited."""
        services.instrument_save(instrument=obj, actor=request.user)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    """Read-only: the ledger is append-only; corrections are reversal entries."""

    list_display = [
        "pk",
        "created_at",
        "region",
        "kind",
        "account",
        "amount_cents",
        "request",
        "actor_label",
    ]
    list_filter = ["kind", "account", "region"]
    search_fields = ["note", "actor_label"]
    date_hierarchy = "created_at"


@admin.register(Budget)
class BudgetAdmin(ReadOnlyAdmin):
    list_display = ["programme", "amount_cents", "updated_at"]


@admin.register(Envelope)
class EnvelopeAdmin(ReadOnlyAdmin):
    list_display = ["region", "budget", "created_at"]


class CostLineInline(admin.TabularInline):
    model = FundingCostLine
    extra = 0
    can_delete = False
    readonly_fields = ("cost_type", "description", "amount_cents", "quote_name")
    fields = ("cost_type", "description", "amount_cents", "quote_name")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FundingRequest)
class FundingRequestAdmin(ReadOnlyAdmin):
    list_display = ["reference", "company", "region", "status", "amount_cents", "created_at"]
    list_filter = ["status", "region"]
    search_fields = ["title", "company__name", "company__siren"]
    inlines = [CostLineInline]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["request", "outcome", "instrument", "amount_cents", "decided_at"]
    list_filter = ["outcome", "instrument"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["request", "basis", "reference", "amount_cents", "paid_on"]


@admin.register(DeclaredAid)
class DeclaredAidAdmin(ReadOnlyAdmin):
    list_display = ["company", "granting_body", "regime", "granted_on", "amount_cents", "gge_cents"]
