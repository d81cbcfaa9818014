from django.contrib import admin

from binhdan.campaigns.models import (
    Activity,
    Commendation,
    Evidence,
    Phase,
    Plan,
    Report,
    ReportEvent,
    ReportingRule,
    Task,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["position", "title", "lead_text", "time_text", "due_on", "status", "progress"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "unit", "issued_on"]
    search_fields = ["number", "title"]
    raw_id_fields = ["unit", "province", "commune", "village", "created_by"]
    inlines = [PhaseInline, TaskInline]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    raw_id_fields = ["added_by"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "status", "progress", "due_on"]
    list_filter = ["status"]
    raw_id_fields = ["plan", "province", "commune", "village"]
    filter_horizontal = ["lead_organisations", "partner_organisations"]
    inlines = [EvidenceInline]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["on", "kind", "title", "unit", "quantity", "people_reached"]
    list_filter = ["kind"]
    raw_id_fields = ["unit", "organiser", "plan", "province", "commune", "village", "created_by"]


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    raw_id_fields = ["by"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["unit", "period_kind", "year", "number", "status", "due_on", "first_submitted_at"]
    list_filter = ["status", "period_kind", "year"]
    raw_id_fields = ["unit", "province", "commune", "village", "submitted_by", "created_by"]
    inlines = [ReportEventInline]


@admin.register(ReportingRule)
class ReportingRuleAdmin(admin.ModelAdmin):
    list_display = ["unit", "due_day", "note"]
    raw_id_fields = ["unit"]


@admin.register(Commendation)
class CommendationAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "unit", "year", "status", "level"]
    list_filter = ["status", "category", "level"]
    raw_id_fields = ["unit", "person", "organisation", "province", "commune", "village", "nominated_by",
                     "decided_by"]
