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
