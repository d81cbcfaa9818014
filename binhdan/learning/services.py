"""Every change to learning data: atomic, audited."""

from __future__ import annotations

import datetime
import json
import random
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from binhdan.accounts.models import RoleAssignment, User
from binhdan.core import audit
from binhdan.core.roles import Role
from binhdan.kpi.tracking import track
from binhdan.learning import pii
from binhdan.learning.loader import Curriculum, CurriculumError, read_curriculum
from binhdan.learning.models import (
    Achievement,
    Attempt,
    AttemptItem,
    Certificate,
    LearnerAccount,
    Lesson,
    LessonVersion,
    Level,
    PracticeAnswer,
    Question,
    QuestionVersion,
    SelfAssessment,
    Skill,
)

_rng = random.SystemRandom()


def assessment_settings() -> dict:
    defaults = {"questions": 20, "minutes": 30, "pass_percent": 80, "cooldown_minutes": 60 * 24}
    defaults.update(getattr(settings, "LEARNING_ASSESSMENT", {}))
    return defaults


class LearningError(Exception):
    """A refusal with a message for the learner; nothing was changed."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


# --- Curriculum --------------------------------------------------------------------------------

@dataclass
class LoadResult:
    levels: int
    skills: int
    lessons: int
    questions: int
    new_lesson_versions: int
    new_question_versions: int
    retired_lessons: int
    retired_questions: int


def load_curriculum(root, user=None) -> LoadResult:
    """Validate every file; if all is well, upsert by id in one transaction."""
    cur, problems = read_curriculum(root)
    if problems:
        raise CurriculumError(problems)
    return _write_curriculum(cur, user)


@transaction.atomic
def _write_curriculum(cur: Curriculum, user) -> LoadResult:
    levels = {lv.code: lv for lv in Level.objects.all()}
    for data in cur.levels:
        level = levels.get(data.code) or Level(code=data.code)
        if level.pk is None or (level.position, level.title, level.summary) != (data.position, data.title,
                                                                                 data.summary):
            level.position, level.title, level.summary = data.position, data.title, data.summary
            level.save()
        levels[data.code] = level

    skills = {s.code: s for s in Skill.objects.all()}
    for data in cur.skills:
        skill = skills.get(data.code) or Skill(code=data.code)
        fields = (levels[data.level].pk, data.position, data.title, data.competences, data.groups, True)
        if skill.pk is None or (skill.level_id, skill.position, skill.title, skill.competences, skill.groups,
                                skill.active) != fields:
            skill.level = levels[data.level]
            skill.position, skill.title, skill.competences, skill.groups, skill.active = fields[1:]
            skill.save()
        skills[data.code] = skill

    lessons = {lesson.code: lesson for lesson in Lesson.objects.all()}
    questions = {q.code: q for q in Question.objects.select_related("current")}
    new_lv = new_qv = 0
    seen_lessons, seen_questions = set(), set()
    lesson_versions, question_versions = [], []
    for data in cur.lessons:
        seen_lessons.add(data.code)
        lesson = lessons.get(data.code)
        digest = data.content_hash()
        if lesson is None or lesson.content_hash != digest or not lesson.active or lesson.position != data.position \
                or lesson.file_name != data.file_name:
            changed = lesson is None or lesson.content_hash != digest
            lesson = lesson or Lesson(code=data.code, version=0)
            lesson.level = levels[data.level]
            for name in ("position", "file_name", "title", "summary", "minutes", "competences", "groups",
                         "source_title", "source_url", "reviewed", "key_steps", "body_html", "sections"):
                setattr(lesson, name, getattr(data, name))
            lesson.active = True
            if changed:
                lesson.version += 1
                lesson.content_hash = digest
            lesson.save()
            lesson.skills.set([skills[s] for s in data.skills])
            if changed:
                lesson_versions.append(LessonVersion(lesson=lesson, number=lesson.version, content_hash=digest,
                                                     title=lesson.title, body_html=lesson.body_html))
                new_lv += 1
        for qd in data.questions:
            seen_questions.add(qd.code)
            q = questions.get(qd.code)
            digest = qd.content_hash()
            skill = skills[qd.skill]
            if q is None:
                q = Question.objects.create(code=qd.code, lesson=lesson, skill=skill, position=qd.position)
            elif (q.lesson_id, q.skill_id, q.position, q.active) != (lesson.pk, skill.pk, qd.position, True):
                q.lesson, q.skill, q.position, q.active = lesson, skill, qd.position, True
                q.save(update_fields=["lesson", "skill", "position", "active"])
            if q.current is None or q.current.content_hash != digest:
                number = (q.current.number if q.current else 0) + 1
                version = QuestionVersion(question=q, number=number, content_hash=digest, text=qd.text,
                                          options=qd.options, explanation=qd.explanation, multi=qd.multi)
                question_versions.append((q, version))
                new_qv += 1
    LessonVersion.objects.bulk_create(lesson_versions)
    if question_versions:
        QuestionVersion.objects.bulk_create([v for _q, v in question_versions])
        for q, v in question_versions:
            q.current = v
        Question.objects.bulk_update([q for q, _v in question_versions], ["current"])
    # Lessons and questions that left the content are retired, never deleted: attempts keep them.
    present_levels = [levels[c].pk for c in cur.present_levels]
    retired_lessons = Lesson.objects.filter(level_id__in=present_levels, active=True).exclude(
        code__in=seen_lessons).update(active=False)
    retired_questions = Question.objects.filter(lesson__level_id__in=present_levels, active=True).exclude(
        code__in=seen_questions).update(active=False)
    result = LoadResult(levels=len(cur.levels), skills=len(cur.skills), lessons=len(cur.lessons),
                        questions=cur.question_count, new_lesson_versions=new_lv, new_question_versions=new_qv,
                        retired_lessons=retired_lessons, retired_questions=retired_questions)
    for code in cur.present_levels:
        audit.record(user, "import", levels[code], after={"levels": cur.present_levels, **result.__dict__},
                     note="load_curriculum")
    return result


# --- Learner accounts --------------------------------------------------------------------------

def valid_pin(pin: str) -> bool:
    return isinstance(pin, str) and len(pin) == 6 and pin.isdigit()


def find_by_phone(phone: str) -> LearnerAccount | None:
    normal = pii.normalise_phone(phone)
    if not normal:
        return None
    return LearnerAccount.objects.select_related("user").filter(phone_hash=pii.phone_hash(normal)).first()


@transaction.atomic
def create_learner(*, full_name: str, pin: str, phone: str = "", unit=None, person=None,
                   created_by=None, user=None) -> LearnerAccount:
    """A learner account; `unit` (village or commune) places it, `person` links it to the register.

    `user` attaches the learner to an existing user (the demo `hocvien`); otherwise a user without
    a password is made, since learners sign in with their PIN.
    """
    from binhdan.core.text import clean_name

    full_name = clean_name(full_name)
    if not full_name:
        raise LearningError(_("Please enter your full name."), "name")
    if not valid_pin(pin):
        raise LearningError(_("The PIN must be exactly 6 digits."), "pin")
    normal = ""
    if phone:
        normal = pii.normalise_phone(phone)
        if not normal:
            raise LearningError(_("This is not a Vietnamese phone number."), "phone")
        if LearnerAccount.objects.filter(phone_hash=pii.phone_hash(normal)).exists():
            raise LearningError(_("An account with this phone number already exists. Please sign in."), "phone")
    if user is None:
        user = User(username="hv-" + secrets.token_hex(8), full_name=full_name)
        user.set_unusable_password()
        user.save()
    learner = LearnerAccount(user=user, full_name=full_name, pin_hash=make_password(pin),
                             card_token=secrets.token_urlsafe(24), created_by=created_by, person=person)
    if normal:
        learner.phone_hash = pii.phone_hash(normal)
        learner.phone_encrypted = pii.encrypt(normal)
    place = person if person is not None else unit
    if place is not None:
        if person is not None:
            learner.province_id, learner.commune_id, learner.village_id = (
                person.province_id, person.commune_id, person.village_id)
        else:
            learner.set_place(unit)
    learner.save()
    if learner.village_id or learner.commune_id:
        RoleAssignment.objects.get_or_create(user=user, unit_id=learner.village_id or learner.commune_id,
                                             role=Role.LEARNER)
    audit.record(created_by, "create", learner, after=audit.snapshot(learner))
    return learner


def check_pin(learner: LearnerAccount, pin: str) -> bool:
    return valid_pin(pin) and check_password(pin, learner.pin_hash)


@transaction.atomic
def set_pin(learner: LearnerAccount, pin: str, by=None) -> None:
    if not valid_pin(pin):
        raise LearningError(_("The PIN must be exactly 6 digits."), "pin")
    learner.pin_hash = make_password(pin)
    learner.save(update_fields=["pin_hash", "updated_at"])
    audit.record(by, "update", learner, note="PIN changed")


@transaction.atomic
def new_card_token(learner: LearnerAccount, by=None) -> str:
    """A new sign-in card; the old card stops working."""
    learner.card_token = secrets.token_urlsafe(24)
    learner.save(update_fields=["card_token", "updated_at"])
    audit.record(by, "update", learner, note="new sign-in card")
    return learner.card_token


@transaction.atomic
def set_place(learner: LearnerAccount, unit, by=None) -> None:
    before = audit.snapshot(learner)
    with track(learners=[learner.pk]):  # self-assessments count in the learner's village
        learner.set_place(unit)
        learner.save()
    RoleAssignment.objects.filter(user=learner.user, role=Role.LEARNER).delete()
    RoleAssignment.objects.create(user=learner.user, unit=unit, role=Role.LEARNER)
    audit.record(by or learner.user, "update", learner, before=before, after=audit.snapshot(learner))


@transaction.atomic
def link_person(learner: LearnerAccount, person, by=None) -> None:
    """Link a learner to the register; their achievements and certificates follow."""
    before = audit.snapshot(learner)
    with track(persons=[person.pk], learners=[learner.pk]):  # their achievements now count for the person
        learner.person = person
        learner.province_id, learner.commune_id, learner.village_id = (
            person.province_id, person.commune_id, person.village_id)
        learner.save()
        Achievement.objects.filter(learner=learner, person__isnull=True).update(
            person=person, province_id=person.province_id, commune_id=person.commune_id,
            village_id=person.village_id)
    Certificate.objects.filter(learner=learner, person__isnull=True).update(person=person)
    audit.record(by, "update", learner, before=before, after=audit.snapshot(learner), note="linked to person")


# --- Practice ----------------------------------------------------------------------------------

def check_answer(version: QuestionVersion, chosen: list[int]) -> bool:
    return set(chosen) == version.correct_set()


def record_practice(version: QuestionVersion, chosen: list[int], learner: LearnerAccount | None) -> bool:
    correct = check_answer(version, chosen)
    answer = PracticeAnswer(question_version=version, learner=learner, is_correct=correct)
    if learner is not None:
        answer.province_id, answer.commune_id, answer.village_id = (
            learner.province_id, learner.commune_id, learner.village_id)
    answer.save()
    return correct


# --- Assessments -------------------------------------------------------------------------------

def next_allowed_start(learner: LearnerAccount, level: Level) -> datetime.datetime | None:
    """When the learner may start (again); None = now."""
    last = Attempt.objects.filter(learner=learner, level=level).exclude(status=Attempt.Status.OPEN).order_by(
        "-started_at").first()
    if last is None or last.passed:
        return None
    ready = (last.finished_at or last.deadline) + datetime.timedelta(minutes=assessment_settings()["cooldown_minutes"])
    return ready if ready > timezone.now() else None


def draw_questions(level: Level, count: int) -> list[QuestionVersion]:
    """`count` questions spread across the level's skills: round-robin over shuffled skills."""
    by_skill: dict[int, list[QuestionVersion]] = {}
    rows = QuestionVersion.objects.filter(question__current_id=F("id"), question__active=True,
                                          question__lesson__active=True, question__lesson__level=level).select_related(
        "question")
    for v in rows:
        by_skill.setdefault(v.question.skill_id, []).append(v)
    for pool in by_skill.values():
        _rng.shuffle(pool)
    skills = list(by_skill)
    _rng.shuffle(skills)
    drawn: list[QuestionVersion] = []
    while len(drawn) < count and any(by_skill.values()):
        for s in skills:
            if by_skill[s] and len(drawn) < count:
                drawn.append(by_skill[s].pop())
    _rng.shuffle(drawn)
    return drawn


@transaction.atomic
def start_attempt(learner: LearnerAccount, level: Level) -> Attempt:
    learner = LearnerAccount.objects.select_for_update().get(pk=learner.pk)
    cfg = assessment_settings()
    expire_open_attempts(learner)
    open_attempt = Attempt.objects.filter(learner=learner, level=level, status=Attempt.Status.OPEN).first()
    if open_attempt:
        return open_attempt
    if Attempt.objects.filter(learner=learner, level=level, passed=True).exists():
        raise LearningError(_("You have already passed this level."), "passed")
    ready = next_allowed_start(learner, level)
    if ready:
        raise LearningError(_("You can take the test again after %(time)s.")
                            % {"time": timezone.localtime(ready).strftime("%H:%M %d/%m/%Y")}, "cooldown")
    versions = draw_questions(level, cfg["questions"])
    if not versions:
        raise LearningError(_("This level has no questions yet."), "empty")
    now = timezone.now()
    attempt = Attempt(learner=learner, level=level, started_at=now, total=len(versions),
                      deadline=now + datetime.timedelta(minutes=cfg["minutes"]),
                      province_id=learner.province_id, commune_id=learner.commune_id, village_id=learner.village_id)
    attempt.save()
    items = []
    for position, v in enumerate(versions, start=1):
        order = list(range(len(v.options)))
        _rng.shuffle(order)
        items.append(AttemptItem(attempt=attempt, position=position, question_version=v, order=order))
    AttemptItem.objects.bulk_create(items)
    audit.record(learner.user, "create", attempt, after={"level": level.code, "questions": len(versions)})
    return attempt


def expire_open_attempts(learner: LearnerAccount) -> None:
    for attempt in Attempt.objects.filter(learner=learner, status=Attempt.Status.OPEN, deadline__lt=timezone.now()):
        finish_attempt(attempt, expired=True)


def answer(attempt: Attempt, position, shown: list) -> AttemptItem:
    """Record the answer to question `position` of the attempt; `shown` are indexes in the order shown.

    Refuses (LearningError, nothing changed) a question not in the attempt, a tampered choice,
    a second answer to the same question and an answer after the deadline.
    """
    try:
        position = int(position)
    except (TypeError, ValueError):
        position = None
    item = None
    if position is not None:
        item = AttemptItem.objects.select_related("question_version").filter(attempt=attempt,
                                                                             position=position).first()
    if item is not None:
        item.attempt = attempt
    return answer_item(item, shown, attempt)


def answer_item(item: AttemptItem | None, shown: list, attempt: Attempt) -> AttemptItem:
    """The answer path in one read and one write: `item` comes with its attempt and question version."""
    now = timezone.now()
    if attempt.status != Attempt.Status.OPEN:
        raise LearningError(_("This test is already finished."), "finished")
    if now > attempt.deadline:
        finish_attempt(attempt, expired=True)
        raise LearningError(_("Time is up: answers after the deadline are not counted."), "late")
    if item is None:
        raise LearningError(_("This question is not part of your test."), "unknown")
    try:
        picks = sorted({int(i) for i in shown})
    except (TypeError, ValueError):
        raise LearningError(_("Your answer could not be read. Please choose again."), "tampered") from None
    version = item.question_version
    if not picks or any(not 0 <= i < len(item.order) for i in picks) or (not version.multi and len(picks) != 1):
        raise LearningError(_("Your answer could not be read. Please choose again."), "tampered")
    chosen = sorted(item.order[i] for i in picks)
    correct = set(chosen) == version.correct_set()
    # One UPDATE guarded by answered_at IS NULL: a second submission changes nothing.
    with transaction.atomic():
        updated = AttemptItem.objects.filter(pk=item.pk, answered_at__isnull=True).update(
            chosen=chosen, is_correct=correct, answered_at=now)
    if not updated:
        raise LearningError(_("You have already answered this question."), "repeat")
    item.chosen, item.is_correct, item.answered_at = chosen, correct, now
    return item


_FAST_SELECT = (
    'SELECT i.id, i."order", v.options, v.multi, a.status, a.deadline < %s '
    "FROM learning_attemptitem i "
    "JOIN learning_attempt a ON a.id = i.attempt_id "
    "JOIN learning_learneraccount l ON l.id = a.learner_id "
    "JOIN learning_questionversion v ON v.id = i.question_version_id "
    "WHERE a.uuid = %s AND l.user_id = %s AND i.position = %s AND i.answered_at IS NULL"
)
_FAST_UPDATE = ("UPDATE learning_attemptitem SET chosen = %s, is_correct = %s, answered_at = %s "
                "WHERE id = %s AND answered_at IS NULL")


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def answer_fast(user_id: int, attempt_uuid, position, shown: list) -> bool:
    """The common case of an answer in one SELECT and one guarded UPDATE, without building models.

    Returns True when the answer was recorded. Returns False for anything unusual (unknown
    attempt or question, finished or late attempt, already answered, tampered choice), and the
    caller then takes the full path (`answer_item`), which explains the refusal and changes nothing.
    """
    try:
        position = int(position)
        picks = sorted({int(i) for i in shown})
    except (TypeError, ValueError):
        return False
    now = timezone.now()
    dt = AttemptItem._meta.get_field("answered_at")
    with connection.cursor() as cursor:
        cursor.execute(_FAST_SELECT, [dt.get_db_prep_value(now, connection),
                                      Attempt._meta.get_field("uuid").get_db_prep_value(attempt_uuid, connection),
                                      user_id, position])
        row = cursor.fetchone()
    if row is None:
        return False
    item_id, order, options, multi, status, late = row
    order, options = _json(order), _json(options)
    if status != Attempt.Status.OPEN or late or not picks or any(not 0 <= i < len(order) for i in picks) or (
            not multi and len(picks) != 1):
        return False
    chosen = sorted(order[i] for i in picks)
    correct = set(chosen) == {i for i, o in enumerate(options) if o.get("correct")}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_FAST_UPDATE, [AttemptItem._meta.get_field("chosen").get_db_prep_value(chosen, connection),
                                          correct, dt.get_db_prep_value(now, connection), item_id])
            return cursor.rowcount == 1


@transaction.atomic
def finish_attempt(attempt: Attempt, *, expired: bool = False) -> Attempt:
    attempt = Attempt.objects.select_for_update().select_related("learner", "level").get(pk=attempt.pk)
    if attempt.status != Attempt.Status.OPEN:
        return attempt
    cfg = assessment_settings()
    now = timezone.now()
    attempt.correct = AttemptItem.objects.filter(attempt=attempt, is_correct=True, answered_at__lte=attempt.deadline
                                                 ).count()
    attempt.finished_at = min(now, attempt.deadline)
    attempt.status = Attempt.Status.EXPIRED if expired else Attempt.Status.FINISHED
    attempt.passed = attempt.total > 0 and attempt.correct * 100 >= cfg["pass_percent"] * attempt.total
    attempt.save(update_fields=["correct", "finished_at", "status", "passed"])
    audit.record(attempt.learner.user, "update", attempt,
                 after={"status": attempt.status, "correct": attempt.correct, "total": attempt.total,
                        "passed": attempt.passed})
    if attempt.passed:
        with track(persons=[attempt.learner.person_id]):  # one counter change for the whole level
            for skill in Skill.objects.filter(level=attempt.level, active=True):
                record_achievement(attempt.learner, skill, Achievement.Method.ONLINE, attempt=attempt,
                                   evidence=f"attempt {attempt.uuid}", at=attempt.finished_at)
        issue_certificate(attempt)
    return attempt


@transaction.atomic
def record_achievement(learner: LearnerAccount, skill: Skill, method: str, *, attempt=None, evidence="",
                       verified_by=None, at=None) -> Achievement:
    achievement = Achievement(person=learner.person, learner=learner, skill=skill, method=method, attempt=attempt,
                              evidence=evidence[:255], verified_by=verified_by, at=at or timezone.now(),
                              province_id=learner.province_id, commune_id=learner.commune_id,
                              village_id=learner.village_id)
    # The person's level (and with it the indicators of their village) may move.
    with track(persons=[learner.person_id]):
        achievement.save()
    audit.record(verified_by or learner.user, "create", achievement, after=audit.snapshot(achievement))
    return achievement


# --- Certificates ------------------------------------------------------------------------------

_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def new_certificate_code() -> str:
    """15 random characters (75 bits) in three groups: cannot be guessed."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(15))
    return f"{raw[:5]}-{raw[5:10]}-{raw[10:]}"


def normalise_code(code: str) -> str:
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    raw = raw.replace("O", "0").replace("I", "1").replace("L", "1")
    return f"{raw[:5]}-{raw[5:10]}-{raw[10:]}" if len(raw) == 15 else raw


@transaction.atomic
def issue_certificate(attempt: Attempt) -> Certificate:
    existing = Certificate.objects.filter(attempt=attempt).first()
    if existing:
        return existing
    learner = attempt.learner
    commune_name = ""
    if learner.commune_id:
        from binhdan.geo.models import AdminUnit

        commune_name = AdminUnit.objects.filter(pk=learner.commune_id).values_list("name", flat=True).first() or ""
    cert = Certificate(code=new_certificate_code(), learner=learner, person=learner.person, level=attempt.level,
                       attempt=attempt, full_name=(learner.person.full_name if learner.person else learner.full_name),
                       commune_name=commune_name, issued_on=timezone.localdate(attempt.finished_at),
                       province_id=learner.province_id, commune_id=learner.commune_id, village_id=learner.village_id)
    cert.save()
    audit.record(learner.user, "create", cert, after=audit.snapshot(cert))
    return cert


@transaction.atomic
def revoke_certificate(cert: Certificate, by, reason: str) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise LearningError(_("Please give the reason for revoking."), "reason")
    if cert.revoked_at:
        raise LearningError(_("This certificate is already revoked."), "revoked")
    before = audit.snapshot(cert)
    cert.revoked_at, cert.revoked_by, cert.revoke_reason = timezone.now(), by, reason[:255]
    cert.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit.record(by, "update", cert, before=before, after=audit.snapshot(cert), note="revoked")
    return cert


# --- Self-assessment ---------------------------------------------------------------------------

@transaction.atomic
def save_self_assessment(learner: LearnerAccount, level: Level, phase: str, answers: dict) -> SelfAssessment:
    skills = list(Skill.objects.filter(level=level, active=True).values_list("code", flat=True))
    if phase not in SelfAssessment.Phase.values:
        raise LearningError(_("Unknown self-assessment."), "phase")
    if set(answers) != set(skills) or any(a not in SelfAssessment.POINTS for a in answers.values()):
        raise LearningError(_("Please answer every line."), "incomplete")
    score = round(100 * sum(SelfAssessment.POINTS[a] for a in answers.values()) / (2 * len(skills))) if skills else 0
    with track(learners=[learner.pk]):
        row, created = SelfAssessment.objects.update_or_create(
            learner=learner, level=level, phase=phase,
            defaults={"answers": answers, "score": score, "at": timezone.now(), "province_id": learner.province_id,
                      "commune_id": learner.commune_id, "village_id": learner.village_id})
    audit.record(learner.user, "create" if created else "update", row, after={"phase": phase, "score": score})
    return row
