"""Derived facts of people (level, national confirmation) from their counted achievements."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from binhdan.kpi.levels import NUMBERED_LEVELS, _share, skills_per_level


def skills_needed(fresh: bool = False) -> dict[str, int]:
    """{level code: active skills} (one small query; the curriculum is a few hundred rows)."""
    return skills_per_level()


def level_from(covered: dict[str, int], needed: dict[str, int], share: float) -> int:
    level = 0
    for code in NUMBERED_LEVELS:
        total = needed.get(code, 0)
        if total == 0 or covered.get(code, 0) < share * total:
            break
        level = int(code)
    return level


def compute(person_ids, *, fresh: bool = False) -> dict[int, tuple[int, bool]]:
    """{person id: (level, national)} for the given people, from their counted achievements."""
    from binhdan.learning.models import Achievement

    ids = list(person_ids)
    if not ids:
        return {}
    needed = skills_needed(fresh)
    share = _share()
    covered: dict[int, dict[str, int]] = defaultdict(dict)
    national: set[int] = set()
    rows = (
        Achievement.objects.filter(person_id__in=ids, method__in=Achievement.COUNTED)
        .values_list("person_id", "skill__level__code", "skill__active")
        .annotate(n=Count("skill", distinct=True),
                  nat=Count("pk", filter=Q(method=Achievement.Method.NATIONAL)))
        .order_by()
    )
    for pid, code, active, n, nat in rows:
        if active:
            covered[pid][code] = n
        if nat:
            national.add(pid)
    return {pid: (level_from(covered.get(pid, {}), needed, share), pid in national) for pid in ids}


def iter_all(person_filter: Q | None = None, chunk: int = 20000):
    """Yields (person id, level, national) for every person with a counted achievement
    (optionally only people matching `person_filter`), streaming, for reconciliation."""
    from django.db import connection

    from binhdan.learning.models import Achievement, Skill

    needed = skills_needed(fresh=True)
    share = _share()
    counted = [str(m) for m in Achievement.COUNTED]
    level_codes = {pk: code for pk, code in Skill.objects.values_list("pk", "level__code")}
    active = set(Skill.objects.filter(active=True).values_list("pk", flat=True))
    qs = Achievement.objects.filter(person__isnull=False)
    if person_filter is not None:
        qs = qs.filter(person_filter)
    qs = qs.values_list("person_id", "skill_id", "method").distinct().order_by("person_id")
    sql, params = qs.query.sql_with_params()
    current = None
    skills: dict[str, set] = defaultdict(set)
    nat = False
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor = connection.connection.cursor(name="kpi_facts_stream")  # server-side cursor
            cursor.itersize = chunk
        cursor.execute(sql, params)
        while True:
            batch = cursor.fetchmany(chunk)
            if not batch:
                break
            for pid, skill_id, method in batch:
                if pid != current:
                    if current is not None:
                        yield current, level_from({k: len(v) for k, v in skills.items()}, needed, share), nat
                    current, skills, nat = pid, defaultdict(set), False
                if method in counted:
                    if method == "national":
                        nat = True
                    if skill_id in active:
                        skills[level_codes[skill_id]].add(skill_id)
        if current is not None:
            yield current, level_from({k: len(v) for k, v in skills.items()}, needed, share), nat
        if connection.vendor == "postgresql":
            cursor.close()
