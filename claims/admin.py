from django.contrib import admin

from claims.models import Claim, Compensation


class CompensationInline(admin.TabularInline):
    model = Compensation
    extra = 0
    can_delete = False
    fields = ("form", "amount", "status", "proposed_by", "decided_by", "decided_at")
    readonly_fields = fields


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    """Read-only: claims move only through the services (the state field is protected)."""

    list_display = ("pk", "subject", "customer", "agent", "state", "promised_deadline")
    list_filter = ("state", "root_cause", "flag_reason")
    raw_id_fields = ("customer", "contract", "agent", "instructed_by")
    inlines = [CompensationInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
