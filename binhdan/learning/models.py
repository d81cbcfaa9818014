"""Curriculum, learner accounts, practice, assessments, achievements and certificates.

Lessons and questions are loaded from content/vi by `load_curriculum` and upserted by their
stable id. Every change to a lesson or a question adds a version; attempts point at the
question *version* they showed, so an edit never rewrites an old attempt or certificate.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from binhdan.core.models import PlacedModel, TimeStampedModel
from binhdan.core.querysets import ScopedQuerySet
from binhdan.core.roles import OFFICER_ROLES, STAFF_ROLES

# Who may do what with learners' records. Team members create learner accounts and print
# sign-in cards; only officers revoke certificates.
LEARNER_POLICY = {"view": STAFF_ROLES, "change": STAFF_ROLES}
OFFICER_WRITE_POLICY = {"view": STAFF_ROLES, "change": OFFICER_ROLES}


class Level(models.Model):
    code = models.CharField(_("code"), max_length=8, unique=True)  # "1" … "4", "ai"
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")

    def __str__(self) -> str:
        return self.title

    @property
    def slug(self) -> str:
        return f"cap-{self.code}"

    @property
    def short_title(self) -> str:
        """"Cấp 1" from "Cấp 1 — Xóa mù công nghệ"."""
        return self.title.split(" — ")[0]


class Skill(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)  # l1.power
    level = models.ForeignKey(Level, models.PROTECT, related_name="skills", verbose_name=_("level"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=255)
    competences = models.JSONField(_("competence codes (Circular 02/2025/TT-BGDĐT)"), default=list)
    groups = models.JSONField(_("skill groups (Decision 757/QĐ-BKHCN)"), default=list)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["level__position", "position"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    code = models.CharField(_("id"), max_length=100, unique=True)
    level = models.ForeignKey(Level, models.PROTECT, related_name="lessons", verbose_name=_("level"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=5)
    skills = models.ManyToManyField(Skill, related_name="lessons", verbose_name=_("skills"))
    competences = models.JSONField(_("competence codes"), default=list)
    groups = models.JSONField(_("skill groups"), default=list)
    source_title = models.CharField(_("source"), max_length=500)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    key_steps = models.JSONField(_("key steps"), default=list)
    # Rendered once at load time: pages do no Markdown parsing per request.
    body_html = models.TextField(_("body"), blank=True)
    # Plain text of each section, for the printed handout: {"goal": "...", "steps": [...], ...}
    sections = models.JSONField(_("sections"), default=dict)
    version = models.PositiveIntegerField(_("version"), default=1)
    content_hash = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["level__position", "position"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.title


class LessonVersion(models.Model):
    lesson = models.ForeignKey(Lesson, models.CASCADE, related_name="versions", verbose_name=_("lesson"))
    number = models.PositiveIntegerField(_("version"))
    content_hash = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=255)
    body_html = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["lesson", "number"]
        verbose_name = _("lesson version")
        verbose_name_plural = _("lesson versions")
        constraints = [models.UniqueConstraint(fields=["lesson", "number"], name="unique_lesson_version")]

    def __str__(self) -> str:
        return f"{self.lesson.code} v{self.number}"


class Question(models.Model):
    code = models.CharField(_("id"), max_length=100, unique=True)
    lesson = models.ForeignKey(Lesson, models.PROTECT, related_name="questions", verbose_name=_("lesson"))
    skill = models.ForeignKey(Skill, models.PROTECT, related_name="questions", verbose_name=_("skill"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    current = models.ForeignKey(
        "QuestionVersion", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("current version")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["lesson", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.code


class QuestionVersion(models.Model):
    """What a learner saw. Options are [{"text": ..., "correct": bool}, ...] in content order."""

    question = models.ForeignKey(Question, models.CASCADE, related_name="versions", verbose_name=_("question"))
    number = models.PositiveIntegerField(_("version"))
    content_hash = models.CharField(max_length=64)
    text = models.TextField(_("question"))
    options = models.JSONField(_("options"))
    explanation = models.TextField(_("explanation"))
    multi = models.BooleanField(_("several right answers"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["question", "number"]
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="unique_question_version")]

    def __str__(self) -> str:
        return f"{self.question.code} v{self.number}"

    def correct_set(self) -> set[int]:
        return {i for i, o in enumerate(self.options) if o.get("correct")}


class LearnerAccount(PlacedModel, TimeStampedModel):
    """A learner: a phone number (optional) and a 6-digit PIN, linked to a Person when known.

    The phone is kept as a keyed hash (to find the account) and encrypted (to show it masked);
    the PIN only as a password hash. The sign-in card carries `card_token`, never the PIN.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="learner",
                                verbose_name=_("user"))
    full_name = models.CharField(_("full name"), max_length=150)
    person = models.ForeignKey("people.Person", models.SET_NULL, null=True, blank=True, related_name="learners",
                               verbose_name=_("person in the register"))
    phone_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    phone_encrypted = models.TextField(blank=True, editable=False)
    pin_hash = models.CharField(max_length=255, editable=False)
    card_token = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    objects = ScopedQuerySet.as_manager()
    scope_policy = LEARNER_POLICY
    audit_exclude = ("phone_hash", "phone_encrypted", "pin_hash", "card_token")

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("learner")
        verbose_name_plural = _("learners")

    def __str__(self) -> str:
        return self.full_name


class Attempt(PlacedModel):
    """A level assessment: questions drawn once, timed on the server."""

    class Status(models.TextChoices):
        OPEN = "open", _("in progress")
        FINISHED = "finished", _("finished")
        EXPIRED = "expired", _("time ran out")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    learner = models.ForeignKey(LearnerAccount, models.CASCADE, related_name="attempts", verbose_name=_("learner"))
    level = models.ForeignKey(Level, models.PROTECT, related_name="attempts", verbose_name=_("level"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    total = models.PositiveSmallIntegerField(_("questions"), default=0)
    correct = models.PositiveSmallIntegerField(_("right answers"), default=0)
    passed = models.BooleanField(_("passed"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_policy = LEARNER_POLICY

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("assessment attempt")
        verbose_name_plural = _("assessment attempts")
        indexes = [models.Index(fields=["learner", "level", "started_at"])]

    def __str__(self) -> str:
        return f"{self.learner} — {self.level.short_title}"

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


class AttemptItem(models.Model):
    """One question of an attempt. `order` lists the content indexes of the options in the order shown."""

    attempt = models.ForeignKey(Attempt, models.CASCADE, related_name="items", verbose_name=_("attempt"))
    position = models.PositiveSmallIntegerField(_("position"))
    question_version = models.ForeignKey(QuestionVersion, models.PROTECT, related_name="attempt_items",
                                         verbose_name=_("question"))
    order = models.JSONField(_("option order"))
    chosen = models.JSONField(_("chosen options"), null=True, blank=True)
    is_correct = models.BooleanField(_("right"), null=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_prefix = "attempt__"
    scope_policy = LEARNER_POLICY

    class Meta:
        ordering = ["attempt_id", "position"]
        verbose_name = _("attempt question")
        verbose_name_plural = _("attempt questions")
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="unique_attempt_position")]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"


class PracticeAnswer(PlacedModel):
    """One practice answer (anyone may practise; the learner is known only when signed in)."""

    question_version = models.ForeignKey(QuestionVersion, models.PROTECT, related_name="practice_answers",
                                         verbose_name=_("question"))
    learner = models.ForeignKey(LearnerAccount, models.SET_NULL, null=True, blank=True,
                                related_name="practice_answers", verbose_name=_("learner"))
    is_correct = models.BooleanField(_("right"))
    at = models.DateTimeField(_("time"), auto_now_add=True)

    scope_policy = LEARNER_POLICY

    class Meta:
        verbose_name = _("practice answer")
        verbose_name_plural = _("practice answers")

    def __str__(self) -> str:
        return f"{self.question_version} {self.is_correct}"


class Achievement(PlacedModel):
    """A person (or a learner not yet linked to one) can do a skill."""

    class Method(models.TextChoices):
        ONLINE = "online", _("online assessment")
        OBSERVED = "observed", _("observed in person")
        NATIONAL = "national", _("national record")
        SELF_REPORT = "self_report", _("self-report (shown, never counted)")

    COUNTED = (Method.ONLINE, Method.OBSERVED, Method.NATIONAL)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", models.CASCADE, null=True, blank=True, related_name="achievements",
                               verbose_name=_("person"))
    learner = models.ForeignKey(LearnerAccount, models.SET_NULL, null=True, blank=True, related_name="achievements",
                                verbose_name=_("learner"))
    skill = models.ForeignKey(Skill, models.PROTECT, related_name="achievements", verbose_name=_("skill"))
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    evidence = models.CharField(_("evidence"), max_length=255, blank=True)
    attempt = models.ForeignKey(Attempt, models.SET_NULL, null=True, blank=True, related_name="achievements",
                                verbose_name=_("attempt"))
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("verified by"))
    at = models.DateTimeField(_("time"))

    scope_policy = OFFICER_WRITE_POLICY

    class Meta:
        ordering = ["-at"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        indexes = [models.Index(fields=["person", "skill"]), models.Index(fields=["learner", "skill"])]

    def __str__(self) -> str:
        return f"{self.skill.code} — {self.get_method_display()}"

    @property
    def counted(self) -> bool:
        return self.method in self.COUNTED


class SelfAssessment(PlacedModel):
    """"I can already do this / with help / not yet" for each skill of a level, before and after."""

    class Phase(models.TextChoices):
        BEFORE = "before", _("before the level")
        AFTER = "after", _("after the level")

    class Answer(models.TextChoices):
        CAN = "can", _("I can already do this")
        HELP = "help", _("I can with help")
        NOT_YET = "not", _("Not yet")

    POINTS = {"can": 2, "help": 1, "not": 0}

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    learner = models.ForeignKey(LearnerAccount, models.CASCADE, related_name="self_assessments",
                                verbose_name=_("learner"))
    level = models.ForeignKey(Level, models.PROTECT, related_name="+", verbose_name=_("level"))
    phase = models.CharField(_("phase"), max_length=8, choices=Phase.choices)
    answers = models.JSONField(_("answers"), default=dict)
    score = models.PositiveSmallIntegerField(_("score (percent)"), default=0)
    at = models.DateTimeField(_("time"))

    scope_policy = LEARNER_POLICY

    class Meta:
        ordering = ["-at"]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [models.UniqueConstraint(fields=["learner", "level", "phase"], name="unique_self_assessment")]

    def __str__(self) -> str:
        return f"{self.learner} — {self.level.short_title} — {self.get_phase_display()}"


class Certificate(PlacedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=32, unique=True)
    learner = models.ForeignKey(LearnerAccount, models.PROTECT, related_name="certificates",
                                verbose_name=_("learner"))
    person = models.ForeignKey("people.Person", models.SET_NULL, null=True, blank=True, related_name="certificates",
                               verbose_name=_("person"))
    level = models.ForeignKey(Level, models.PROTECT, related_name="certificates", verbose_name=_("level"))
    attempt = models.OneToOneField(Attempt, models.PROTECT, related_name="certificate", verbose_name=_("attempt"))
    full_name = models.CharField(_("full name"), max_length=150)
    commune_name = models.CharField(_("commune"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("revoked by"))
    revoke_reason = models.CharField(_("reason for revoking"), max_length=255, blank=True)

    scope_policy = OFFICER_WRITE_POLICY

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.code

    @property
    def valid(self) -> bool:
        return self.revoked_at is None
