from django.contrib import admin

from cancellations.models import CancellationRequest, OfferPresentation
from core.admin import ReadOnlyAdmin


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
