from django.contrib import admin

from binhdan.core import audit
from binhdan.core.models import AuditLog


class AuditedAdmin(admin.ModelAdmin):
    """Admin changes go through the audit trail like every other change."""

    def save_model(self, request, obj, form, change):
        audit.audited_save(request.user, obj, note="admin")

    def delete_model(self, request, obj):
        audit.audited_delete(request.user, obj, note="admin")

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.audited_delete(request.user, obj, note="admin")


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "model", "object_repr"]
    list_filter = ["action", "model"]
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
