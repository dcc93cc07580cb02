from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from retention.models import (
    AuditEntry,
    Battlecard,
    CallTask,
    CancellationRequest,
    CatalogVersion,
    Contract,
    ContractAmendment,
    Customer,
    CustomerType,
    Offer,
    OfferPresentation,
    Product,
    Reason,
    ScheduledChange,
    StepScript,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the services (with their checks and audit): shown, never
    added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("customer_no", "name", "phone_masked", "region", "value_tier")
    list_filter = ("value_tier", "region")
    search_fields = ("=customer_no", "^name", "=phone")
    show_full_result_count = False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ko", "name_en", "category", "monthly_fee", "is_active")
    list_filter = ("category", "is_active")
    filter_horizontal = ("alternatives",)


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "product", "monthly_fee", "status", "start_date")
    list_filter = ("status",)
    search_fields = ("=number",)
    raw_id_fields = ("customer", "product")
    show_full_result_count = False


@admin.register(ContractAmendment)
class ContractAmendmentAdmin(admin.ModelAdmin):
    list_display = ("contract", "kind", "effective_date", "created_by", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("contract", "presentation", "old_product", "new_product")


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


class PresentationInline(admin.TabularInline):
    model = OfferPresentation
    extra = 0
    can_delete = False
    fields = ("position", "code", "cost", "net_value", "needs_approval", "answer", "answered_at")
    readonly_fields = fields


@admin.register(CancellationRequest)
class CancellationRequestAdmin(ReadOnlyAdmin):
    """Read-only: requests move only through the services (the state field is protected)."""

    list_display = ("pk", "contract", "agent", "state", "reason", "opened_at")
    list_filter = ("state",)
    raw_id_fields = ("contract", "customer", "agent")
    inlines = [PresentationInline]


@admin.register(CallTask)
class CallTaskAdmin(admin.ModelAdmin):
    list_display = ("kind", "customer", "due_at", "queue", "assignee", "status")
    list_filter = ("kind", "status", "queue")
    raw_id_fields = ("customer", "contract", "cancellation_request", "assignee")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "subject_type", "subject_id", "action", "source", "target", "user")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = _("Retention Desk administration")


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
