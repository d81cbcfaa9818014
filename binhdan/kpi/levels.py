"""A person's digital level, derived from counted achievements.

Level L (1–4) is reached when, for every level 1..L, the person's counted achievements
(online assessment, observed in person, national record — never self-report) cover at
least `KPI_LEVEL_SKILL_SHARE` of that level's skills (default: all of them). Passing a
level's online assessment records every skill of the level, so it always reaches it.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Count

NUMBERED_LEVELS = ("1", "2", "3", "4")


def _share() -> float:
    return float(getattr(settings, "KPI_LEVEL_SKILL_SHARE", 1.0))


def skills_per_level() -> dict[str, int]:
    from binhdan.learning.models import Skill

    rows = Skill.objects.filter(active=True).values("level__code").annotate(n=Count("pk"))
    return {row["level__code"]: row["n"] for row in rows}


def person_levels(person_ids) -> dict[int, int]:
    """{person id: level 0–4} for the given people (0 when no level is reached)."""
    from binhdan.learning.models import Achievement

    ids = list(person_ids)
    if not ids:
        return {}
    needed = skills_per_level()
    covered: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Achievement.objects.filter(person_id__in=ids, method__in=Achievement.COUNTED)
        .values("person_id", "skill__level__code")
        .annotate(n=Count("skill", distinct=True))
    )
    for row in rows:
        covered[row["person_id"]][row["skill__level__code"]] = row["n"]
    share = _share()
    result = {}
    for pid in ids:
        level = 0
        for code in NUMBERED_LEVELS:
            total = needed.get(code, 0)
            if total == 0 or covered[pid].get(code, 0) < share * total:
                break
            level = int(code)
        result[pid] = level
    return result


def digital_households(household_ids, min_level: int = 2) -> set[int]:
    """Households ("Gia đình số") with at least one current member at `min_level` or above."""
    from binhdan.people.models import Person

    members = list(
        Person.objects.filter(household_id__in=list(household_ids), valid_to__isnull=True).values_list(
            "pk", "household_id"
        )
    )
    levels = person_levels([pk for pk, _ in members])
    return {hid for pk, hid in members if levels.get(pk, 0) >= min_level}
