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
