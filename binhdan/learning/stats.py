"""Officer statistics for a user's scope: learners, attempts, pass rates, self-assessment change."""

from __future__ import annotations

from django.db.models import Avg, Count, Exists, OuterRef, Q

from binhdan.core.querysets import roles_of
from binhdan.core.roles import STAFF_ROLES
from binhdan.learning.models import Attempt, AttemptItem, LearnerAccount, PracticeAnswer, SelfAssessment

HARDEST = 20
MIN_ANSWERS = 1


def _rate(right, total):
    return round(100 * right / total) if total else None


def for_user(user) -> dict | None:
    if not user.is_superuser and not (roles_of(user) & STAFF_ROLES):
        return None
    learners = LearnerAccount.objects.for_user(user, "view").count()
    attempts = Attempt.objects.for_user(user, "view").exclude(status=Attempt.Status.OPEN)
    per_level = list(attempts.values("level__code", "level__title", "level__position").annotate(
        n=Count("id"), passed=Count("id", filter=Q(passed=True)),
        learners=Count("learner", distinct=True)).order_by("level__position"))
    for row in per_level:
        row["rate"] = _rate(row["passed"], row["n"])
    answered = AttemptItem.objects.for_user(user, "view").filter(answered_at__isnull=False)
    practice = PracticeAnswer.objects.for_user(user, "view")
    lesson_key = "question_version__question__lesson"
    lessons: dict[str, dict] = {}
    for source, qs in (("test", answered), ("practice", practice)):
        for row in qs.values(lesson_key + "__code", lesson_key + "__title", lesson_key + "__level__code").annotate(
                n=Count("id"), right=Count("id", filter=Q(is_correct=True))):
            entry = lessons.setdefault(row[lesson_key + "__code"], {
                "code": row[lesson_key + "__code"], "title": row[lesson_key + "__title"],
                "level": row[lesson_key + "__level__code"], "test_n": 0, "test_rate": None, "practice_n": 0,
                "practice_rate": None})
            entry[source + "_n"] = row["n"]
            entry[source + "_rate"] = _rate(row["right"], row["n"])
    lesson_rows = sorted(lessons.values(), key=lambda r: (r["level"], r["code"]))
    q_key = "question_version__question"
    hardest = list(answered.values(q_key + "__code", q_key + "__lesson__code", "question_version__text").annotate(
        n=Count("id"), right=Count("id", filter=Q(is_correct=True))).filter(n__gte=MIN_ANSWERS))
    for row in hardest:
        row["rate"] = _rate(row["right"], row["n"])
    hardest.sort(key=lambda r: (r["rate"], -r["n"], r[q_key + "__code"]))
    both = SelfAssessment.objects.filter(learner=OuterRef("learner"), level=OuterRef("level"),
                                         phase=SelfAssessment.Phase.AFTER)
    change = list(SelfAssessment.objects.for_user(user, "view").filter(phase=SelfAssessment.Phase.BEFORE)
                  .annotate(has_after=Exists(both)).filter(has_after=True)
                  .values("level__code", "level__title", "level__position").annotate(
                      n=Count("id"), before=Avg("score")).order_by("level__position"))
    after = dict(SelfAssessment.objects.for_user(user, "view").filter(phase=SelfAssessment.Phase.AFTER).annotate(
        has_before=Exists(SelfAssessment.objects.filter(learner=OuterRef("learner"), level=OuterRef("level"),
                                                        phase=SelfAssessment.Phase.BEFORE))).filter(
        has_before=True).values("level__code").annotate(after=Avg("score")).values_list("level__code", "after"))
    for row in change:
        row["before"] = round(row["before"] or 0)
        row["after"] = round(after.get(row["level__code"]) or 0)
        row["delta"] = row["after"] - row["before"]
    return {"learners": learners, "per_level": per_level, "lessons": lesson_rows,
            "hardest": [dict(r, code=r[q_key + "__code"], lesson=r[q_key + "__lesson__code"],
                             text=r["question_version__text"]) for r in hardest[:HARDEST]],
            "change": change}
