from django.contrib import admin

from calls.models import CallTask


@admin.register(CallTask)
class CallTaskAdmin(admin.ModelAdmin):
    list_display = ("kind", "customer", "due_at", "queue", "assignee", "status")
    list_filter = ("kind", "status", "queue")
    raw_id_fields = ("customer", "contract", "cancellation_request", "assignee")
