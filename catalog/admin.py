from django.contrib import admin

from catalog.models import (
    Battlecard,
    CatalogVersion,
    CustomerType,
    Offer,
    Reason,
    ScheduledChange,
    StepScript,
)
from core.admin import ReadOnlyAdmin


@admin.register(Reason)
class ReasonAdmin(admin.ModelAdmin):
    list_display = ("code", "category", "label_ko", "label_en", "sort_order", "is_active")
    list_filter = ("category", "is_active")
    list_editable = ("sort_order", "is_active")


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "kind", "value", "fixed_cost", "agent_limit", "is_active")
    list_filter = ("kind", "is_active")
    filter_horizontal = ("reasons",)
    search_fields = ("code", "name_ko", "name_en")


@admin.register(CustomerType)
class CustomerTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ko", "name_en", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")


@admin.register(StepScript)
class StepScriptAdmin(admin.ModelAdmin):
    list_display = ("key", "text_ko", "text_en")


@admin.register(Battlecard)
class BattlecardAdmin(admin.ModelAdmin):
    list_display = ("competitor", "sort_order", "is_active")


@admin.register(CatalogVersion)
class CatalogVersionAdmin(ReadOnlyAdmin):
    """Read-only: versions are written by the catalog workspace, never edited."""

    list_display = ("at", "subject_type", "subject_id", "version", "action", "user")
    list_filter = ("action", "subject_type")


@admin.register(ScheduledChange)
class ScheduledChangeAdmin(ReadOnlyAdmin):
    """Read-only: changes are scheduled and withdrawn in the catalog workspace (who, when)."""

    list_display = (
        "product",
        "effective_from",
        "created_by",
        "applied_at",
        "cancelled_at",
        "cancelled_by",
    )
