from django.contrib import admin

from binhdan.core.admin import AuditedAdmin
from binhdan.geo.models import AdminUnit, Organisation


@admin.register(AdminUnit)
class AdminUnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "valid_to"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "name_folded"]
    raw_id_fields = ["parent", "successor"]
    exclude = ["province", "commune"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "unit", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    raw_id_fields = ["unit"]
    exclude = ["province", "commune", "village"]
