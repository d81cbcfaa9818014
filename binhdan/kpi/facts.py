"""Derived facts of people (level, national confirmation) from their counted achievements."""

from __future__ import annotations

import time
from collections import defaultdict

from django.db.models import Count, Q

from binhdan.kpi.levels import NUMBERED_LEVELS, _share, skills_per_level

_cache: dict = {}


def skills_needed(fresh: bool = False) -> dict[str, int]:
    """{level code: active skills}: kept for a minute in the process, and dropped whenever a
    skill is saved or deleted (see apps.py)."""
    hit = _cache.get("needed")
    if not fresh and hit is not None and time.monotonic() - hit[0] < 60:
        return hit[1]
    value = skills_per_level()
    _cache["needed"] = (time.monotonic(), value)
    return value


def level_ids() -> list:
    """Database ids of levels "1"–"4" (None for a level not loaded), cached like skills_needed."""
    hit = _cache.get("level_ids")
    if hit is not None and time.monotonic() - hit[0] < 60:
        return hit[1]
    from binhdan.learning.models import Level

    ids = dict(Level.objects.filter(code__in=NUMBERED_LEVELS).values_list("code", "pk"))
    value = [ids.get(code) for code in NUMBERED_LEVELS]
    _cache["level_ids"] = (time.monotonic(), value)
    return value


def forget_skills(**kwargs) -> None:
    _cache.clear()


def level_from(covered: dict[str, int], needed: dict[str, int], share: float) -> int:
    level = 0
    for code in NUMBERED_LEVELS:
        total = needed.get(code, 0)
        if total == 0 or (covered.get(code) or 0) < share * total:
            break
        level = int(code)
    return level


def compute(person_ids, *, fresh: bool = False) -> dict[int, tuple[int, bool]]:
    """{person id: (level, national)} for the given people, from their counted achievements."""
    from django.db import connection

    from binhdan.learning.models import Achievement, Skill
    from binhdan.learning.models import Level as SkillLevel

    ids = list(person_ids)
    if not ids:
        return {}
    needed = skills_needed(fresh)
    share = _share()
    qn = connection.ops.quote_name
    counted = [str(m) for m in Achievement.COUNTED]
    sql = (f"SELECT a.person_id, l.code, s.active, COUNT(DISTINCT a.skill_id), "
           f"SUM(CASE WHEN a.method = %s THEN 1 ELSE 0 END) "
           f"FROM {qn(Achievement._meta.db_table)} a JOIN {qn(Skill._meta.db_table)} s ON s.id = a.skill_id "
           f"JOIN {qn(SkillLevel._meta.db_table)} l ON l.id = s.level_id "
           f"WHERE a.person_id IN ({', '.join(['%s'] * len(ids))}) AND a.method IN ({', '.join(['%s'] * len(counted))}) "
           f"GROUP BY a.person_id, l.code, s.active")
    covered: dict[int, dict[str, int]] = defaultdict(dict)
    national: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(Achievement.Method.NATIONAL), *ids, *counted])
        for pid, code, active, n, nat in cursor.fetchall():
            if active:
                covered[pid][code] = n
            if nat:
                national.add(pid)
    return {pid: (level_from(covered.get(pid, {}), needed, share), pid in national) for pid in ids}


def iter_all(person_filter: Q | None = None, chunk: int = 20000):
    """Yields (person id, level, national) for every person with a counted achievement
    (optionally only people matching `person_filter`, a filter on Achievement), streaming:
    one row per person, the distinct skills of each level counted by the database."""
    from binhdan.learning.models import Achievement

    needed = skills_needed()
    share = _share()
    counted = list(Achievement.COUNTED)
    qs = Achievement.objects.filter(person__isnull=False, method__in=counted)
    if person_filter is not None:
        qs = qs.filter(person_filter)
    aggregates = {f"c{code}": Count("skill", distinct=True, filter=Q(skill__level__code=code, skill__active=True))
                  for code in NUMBERED_LEVELS}
    aggregates["nat"] = Count("pk", filter=Q(method=Achievement.Method.NATIONAL))
    rows = qs.values("person_id").annotate(**aggregates).order_by().values_list(
        "person_id", *aggregates.keys())
    for pid, *counts in rows.iterator(chunk_size=chunk):
        nat = counts.pop()
        covered = dict(zip(NUMBERED_LEVELS, counts, strict=True))
        yield pid, level_from(covered, needed, share), bool(nat)
