"""Administration of community digital teams (system administrators). Field work is recorded
through the services (pages and API); here records are looked up and corrected, audited."""

from django.contrib import admin

from binhdan.core.admin import AuditedAdmin
from binhdan.outreach.models import (
    Champion,
    ClassMeeting,
    CoachingSession,
    CommunityClass,
    DeviceGift,
    HouseholdStatus,
    HouseholdVisit,
    SessionSkill,
    SyncConflict,
    Team,
    TeamMember,
)

PLACE = ["province", "commune", "village"]


class MemberInline(admin.TabularInline):
    model = TeamMember
    fields = ["full_name", "role", "person", "user", "joined_on", "left_on", "active"]
    raw_id_fields = ["person", "user"]
    extra = 0


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "commune", "kind", "status", "founded_on"]
    list_filter = ["status", "kind"]
    search_fields = ["name"]
    raw_id_fields = ["villages", "organisation", "reports_to"]
    exclude = PLACE
    inlines = [MemberInline]


@admin.register(TeamMember)
class TeamMemberAdmin(AuditedAdmin):
    list_display = ["full_name", "team", "role", "active"]
    list_filter = ["role", "active"]
    search_fields = ["full_name"]
    raw_id_fields = ["team", "person", "user", "villages", "households"]
    exclude = [*PLACE, "confirm_code"]


@admin.register(Champion)
class ChampionAdmin(AuditedAdmin):
    list_display = ["member", "recognised_on", "recognised_by_name"]
    raw_id_fields = ["member", "recognised_by"]
    exclude = PLACE


class SessionSkillInline(admin.TabularInline):
    model = SessionSkill
    fields = ["skill", "observed", "achievement"]
    raw_id_fields = ["skill", "achievement"]
    extra = 0


@admin.register(CoachingSession)
class CoachingSessionAdmin(AuditedAdmin):
    list_display = ["date", "person", "member", "mode", "minutes", "confirmed_at"]
    list_filter = ["mode", "date"]
    raw_id_fields = ["person", "household", "member", "team", "coach", "community_class"]
    exclude = PLACE
    readonly_fields = ["confirm_code", "version"]
    inlines = [SessionSkillInline]


@admin.register(HouseholdStatus)
class HouseholdStatusAdmin(AuditedAdmin):
    list_display = ["household", "status", "follow_up_on", "last_visit_on", "version"]
    list_filter = ["status"]
    raw_id_fields = ["household", "updated_by"]
    exclude = PLACE


@admin.register(HouseholdVisit)
class HouseholdVisitAdmin(AuditedAdmin):
    list_display = ["date", "household", "status", "member", "conflict"]
    list_filter = ["status", "conflict"]
    raw_id_fields = ["household", "member", "by"]
    exclude = PLACE


@admin.register(CommunityClass)
class CommunityClassAdmin(AuditedAdmin):
    list_display = ["name", "kind", "venue", "village", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    raw_id_fields = ["team", "organiser", "tutors", "skills", "learners"]
    exclude = PLACE


@admin.register(ClassMeeting)
class ClassMeetingAdmin(AuditedAdmin):
    list_display = ["community_class", "date", "minutes"]
    raw_id_fields = ["community_class", "recorded_by"]
    exclude = PLACE


@admin.register(DeviceGift)
class DeviceGiftAdmin(AuditedAdmin):
    list_display = ["given_on", "household", "device", "condition", "donor"]
    list_filter = ["condition"]
    raw_id_fields = ["household", "recipient", "recorded_by"]
    exclude = PLACE


@admin.register(SyncConflict)
class SyncConflictAdmin(AuditedAdmin):
    list_display = ["created_at", "user", "kind", "record", "resolved_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]
    exclude = PLACE
