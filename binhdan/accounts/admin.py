from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from binhdan.accounts.models import RoleAssignment, User
from binhdan.core.admin import AuditedAdmin


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    fields = ["unit", "role", "organisation", "active"]
    raw_id_fields = ["unit", "organisation"]
    extra = 0


@admin.register(User)
class BinhdanUserAdmin(AuditedAdmin, UserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "full_name", "is_active", "is_superuser", "last_login"]
    fieldsets = UserAdmin.fieldsets + ((None, {"fields": ["full_name"]}),)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin):
    list_display = ["user", "role", "unit", "active"]
    list_filter = ["role", "active"]
    raw_id_fields = ["user", "unit", "organisation"]
    exclude = ["province", "commune", "village"]
