from django.contrib import admin

from binhdan.core.admin import AuditedAdmin
from binhdan.people.models import Household, ImportJob, Person


@admin.register(Household)
class HouseholdAdmin(AuditedAdmin):
    list_display = ["code", "village", "head", "address", "valid_to"]
    list_filter = ["valid_to"]
    search_fields = ["code", "address"]
    raw_id_fields = ["village", "head"]
    exclude = ["province", "commune"]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    """Personal data stays protected here too: the hash and ciphertext are not shown; the
    masked values are read-only (change ID numbers and phones through the register's pages)."""

    list_display = ["full_name", "birth_year", "sex", "village", "id_last4", "phone_masked", "valid_to"]
    list_filter = ["sex", "vneid_level", "has_smartphone", "end_reason"]
    search_fields = ["name_folded"]
    raw_id_fields = ["village", "household"]
    exclude = ["province", "commune", "id_hash", "phone_encrypted"]
    readonly_fields = ["id_last4", "phone_masked"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "commune", "user", "status", "created_at"]
    list_filter = ["status"]
    exclude = ["data", "problems"]
    readonly_fields = ["filename", "user", "status", "mapping", "counts", "error", "province", "commune", "village",
                       "header_row", "columns", "only_valid", "progress_done", "progress_total", "finished_at"]

    def has_add_permission(self, request):
        return False
