"""A person's digital level, derived from counted achievements.

Level L (1–4) is reached when, for every level 1..L, the person's counted achievements
(online assessment, observed in person, national record — never self-report) cover at
least `KPI_LEVEL_SKILL_SHARE` of that level's skills (default: all of them). Passing a
level's online assessment records every skill of the level, so it always reaches it.
"""

from __future__ import annotations

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
    """{person id: level 0–4}, as the indicators hold it (`kpi.PersonFacts`, kept in the
    transaction of every achievement by `track()`; the rule itself is in `kpi.facts`)."""
    from binhdan.kpi.models import PersonFacts

    ids = list(person_ids)
    stored = dict(PersonFacts.objects.filter(person_id__in=ids).values_list("person_id", "level"))
    return {pid: stored.get(pid, 0) for pid in ids}


def digital_households(household_ids, min_level: int | None = None) -> set[int]:
    """Households ("Gia đình số") with at least one current member at `min_level` or above
    (default: the KPI_HOUSEHOLD_LEVEL setting)."""
    from binhdan.kpi.models import PersonFacts

    if min_level is None:
        min_level = int(getattr(settings, "KPI_HOUSEHOLD_LEVEL", 2))
    return set(
        PersonFacts.objects.filter(
            person__household_id__in=list(household_ids), person__valid_to__isnull=True, level__gte=min_level
        ).values_list("person__household_id", flat=True)
    )
