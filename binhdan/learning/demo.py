"""Demo learning data: the curriculum, the demo learner `hocvien` with a PIN, and some learners' progress."""

from __future__ import annotations

import random
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from binhdan.accounts.models import RoleAssignment, User
from binhdan.core.roles import Role
from binhdan.learning import services
from binhdan.learning.loader import CurriculumError
from binhdan.learning.models import Attempt, LearnerAccount, Level, SelfAssessment

DEMO_PIN = "246810"
DEMO_PHONE = "0900000001"


def seed_learning(stdout, *, learners: int = 30, seed: int = 1) -> None:
    """Load content/vi, give `hocvien` a learner account, and let some people of its village learn."""
    root = Path(settings.BASE_DIR) / "content" / "vi"
    if root.is_dir():
        try:
            result = services.load_curriculum(root)
        except CurriculumError as exc:
            stdout.write(_("The curriculum has problems and was not loaded:"))
            for problem in exc.problems[:20]:
                stdout.write(f"  {problem}")
            return
        stdout.write(_("Curriculum: %(lessons)d lessons, %(questions)d questions.")
                     % {"lessons": result.lessons, "questions": result.questions})
    user = User.objects.filter(username="hocvien").first()
    if user is None:
        return
    learner = LearnerAccount.objects.filter(user=user).first()
    if learner is None:
        assignment = RoleAssignment.objects.filter(user=user, role=Role.LEARNER).select_related("unit").first()
        village = assignment.unit if assignment else None
        person = _people_of(village).first() if village else None
        learner = services.create_learner(full_name=person.full_name if person else user.full_name, pin=DEMO_PIN,
                                          phone=DEMO_PHONE, unit=village, person=person, user=user)
        if village is not None:
            _demo_progress(village, learner, learners, seed)
    stdout.write(_("Demo learner: phone %(phone)s, PIN %(pin)s (or user hocvien); sign-in card: /the/%(token)s/")
                 % {"phone": DEMO_PHONE, "pin": DEMO_PIN, "token": learner.card_token})


def _people_of(village):
    from binhdan.people.models import Person

    return Person.objects.filter(village=village, valid_to__isnull=True, birth_year__lte=2005).order_by("id")


def _demo_progress(village, demo_learner, count: int, seed: int) -> None:
    """Some neighbours of the demo learner take Level 1: self-assessments, tests, certificates."""
    level = Level.objects.filter(code="1").first()
    if level is None or not level.lessons.exists():
        return
    rng = random.Random(seed)
    linked = set(LearnerAccount.objects.filter(person__isnull=False).values_list("person_id", flat=True))
    people = [p for p in _people_of(village)[: count + 1] if p.pk not in linked][:count]
    answers = ["not", "help", "can"]
    for person in people:
        learner = services.create_learner(full_name=person.full_name, pin=DEMO_PIN, person=person)
        skills = list(level.skills.filter(active=True).values_list("code", flat=True))
        before = rng.choice([0, 0, 1])
        services.save_self_assessment(learner, level, SelfAssessment.Phase.BEFORE,
                                      {s: answers[min(2, before + rng.choice([0, 0, 1]))] for s in skills})
        attempt = services.start_attempt(learner, level)
        skill_of_person = rng.random()
        for item in attempt.items.select_related("question_version"):
            right = item.question_version.correct_set()
            knows = rng.random() < 0.55 + 0.45 * skill_of_person
            shown = [i for i, o in enumerate(item.order) if (o in right) == knows][:1] or [0]
            services.answer(attempt, item.position, shown)
        attempt = services.finish_attempt(attempt)
        if attempt.status == Attempt.Status.FINISHED and attempt.passed:
            services.save_self_assessment(learner, level, SelfAssessment.Phase.AFTER,
                                          {s: answers[min(2, before + 1 + rng.choice([0, 1]))] for s in skills})


def seed_population_skills(commune, *, seed: int = 1, max_rows: int = 120_000) -> int:
    """A plausible history of counted achievements for the demo population (bulk insert).

    Young adults and officials reach higher levels more often than the elderly; about half of
    those at level 3 or above also carry a confirmation from the national platform. Levels
    are reached whole (every skill of the level), as an online test or a team member's check
    records them. About `max_rows` achievements at most: in a large commune a uniform sample
    of the people gets a history, so a large demo stays quick. Returns the
    number of achievements written; the caller recounts the indicators afterwards.
    """
    import datetime

    from django.utils import timezone

    from binhdan.learning.models import Achievement, Skill
    from binhdan.people.models import Person

    rng = random.Random(seed)
    skills: dict[str, list[int]] = {}
    for skill_id, code in Skill.objects.filter(active=True).values_list("pk", "level__code"):
        skills.setdefault(code, []).append(skill_id)
    levels = [code for code in ("1", "2", "3", "4") if skills.get(code)]
    if not levels:
        return 0
    now = timezone.now()
    year = timezone.localdate().year
    methods = [Achievement.Method.OBSERVED] * 6 + [Achievement.Method.ONLINE] * 3
    people = Person.objects.filter(commune=commune, valid_to__isnull=True).values_list(
        "pk", "birth_year", "province_id", "commune_id", "village_id", "is_official", "is_student")
    per_person = 21  # achievements per person over 12 in the default mix, measured on the demo
    sample = min(1.0, max_rows / max(1, people.count() * per_person))
    batch: list[Achievement] = []
    written = 0
    for pk, birth_year, province_id, commune_id, village_id, official, student in people.iterator():
        age = year - (birth_year or year)
        if age < 12 or rng.random() >= sample:
            continue
        first = 0.85 if official else 0.75 if age < 36 else 0.55 if age < 60 else 0.3
        reached = 0
        for step, chance in zip(levels, [first, 0.8, 0.7, 0.45], strict=False):
            if rng.random() >= chance:
                break
            reached = int(step)
        if not reached:
            continue
        national = reached >= 3 and not student and rng.random() < 0.5
        for code in levels[:reached]:
            method = Achievement.Method.NATIONAL if national else rng.choice(methods)
            at = now - datetime.timedelta(days=rng.randrange(1, 240), minutes=rng.randrange(600))
            for skill_id in skills[code]:
                batch.append(Achievement(person_id=pk, skill_id=skill_id, method=method, at=at,
                                         evidence="demo", province_id=province_id, commune_id=commune_id,
                                         village_id=village_id))
        if len(batch) >= 5000:
            Achievement.objects.bulk_create(batch, batch_size=5000)
            written += len(batch)
            batch = []
    Achievement.objects.bulk_create(batch, batch_size=5000)
    return written + len(batch)
