from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the services (with their checks and audit): shown, never
    added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "subject_type", "subject_id", "action", "source", "target", "user")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = _("Retention Desk administration")
