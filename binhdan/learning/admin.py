from django.contrib import admin

from binhdan.learning.models import (
    Achievement,
    Attempt,
    Certificate,
    LearnerAccount,
    Lesson,
    Level,
    Question,
    SelfAssessment,
    Skill,
)


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "position"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "level", "active"]
    list_filter = ["level", "active"]
    search_fields = ["code", "title"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    """Lessons come from content/vi through load_curriculum: read-only here."""

    list_display = ["code", "title", "level", "version", "active"]
    list_filter = ["level", "active"]
    search_fields = ["code", "title"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["code", "lesson", "skill", "active"]
    list_filter = ["lesson__level", "active"]
    search_fields = ["code"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(LearnerAccount)
class LearnerAccountAdmin(admin.ModelAdmin):
    list_display = ["full_name", "commune", "village", "person", "created_at"]
    search_fields = ["full_name"]
    raw_id_fields = ["user", "person", "created_by", "province", "commune", "village"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["uuid", "learner", "level", "status", "correct", "total", "passed", "started_at"]
    list_filter = ["level", "status", "passed"]
    raw_id_fields = ["learner", "province", "commune", "village"]


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    list_display = ["skill", "learner", "person", "method", "at"]
    list_filter = ["method"]
    raw_id_fields = ["learner", "person", "attempt", "verified_by", "province", "commune", "village"]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(admin.ModelAdmin):
    list_display = ["learner", "level", "phase", "score", "at"]
    raw_id_fields = ["learner", "province", "commune", "village"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "full_name", "level", "issued_on", "revoked_at"]
    search_fields = ["code", "full_name"]
    raw_id_fields = ["learner", "person", "attempt", "revoked_by", "province", "commune", "village"]
    readonly_fields = ["revoked_at", "revoked_by", "revoke_reason"]
