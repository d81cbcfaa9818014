"""Records created directly for the indicator tests (the services of other apps are wired later)."""

from __future__ import annotations

import datetime
import itertools

from django.db import transaction
from django.utils import timezone

from binhdan.kpi.tracking import track

_seq = itertools.count(1)


def curriculum(skills_per_level: int = 2):
    """Levels 1–4 with `skills_per_level` active skills each: {level code: [skills]}."""
    from binhdan.learning.models import Level, Skill

    out = {}
    for n in range(1, 5):
        level, _ = Level.objects.get_or_create(code=str(n), defaults={"position": n, "title": f"Cấp {n}"})
        out[str(n)] = [Skill.objects.get_or_create(code=f"l{n}.s{i}", defaults={"level": level, "position": i,
                                                                                 "title": f"Kỹ năng {n}.{i}"})[0]
                       for i in range(skills_per_level)]
    return out


def this_year() -> int:
    return timezone.localdate().year


def new_household(village, *, tracked=True):
    from binhdan.people.models import Household

    with transaction.atomic(), track() as t:
        h = Household(code=f"H{next(_seq)}")
        h.set_place(village)
        h.save()
        t.add(households=[h])
    return h


def new_person(village, *, age=30, household=None, tracked=True, **fields):
    from binhdan.people.models import Person

    p = Person(full_name=fields.pop("full_name", f"Người Thử {next(_seq)}"),
               birth_year=None if age is None else this_year() - age, household=household, **fields)
    p.set_place(village)
    if not tracked:
        p.save()
        return p
    with transaction.atomic(), track() as t:
        p.save()
        t.add(persons=[p])
    return p


def achieve(person, skills, method="online", tracked=True):
    from binhdan.learning.models import Achievement

    def create():
        for skill in skills:
            a = Achievement(person=person, skill=skill, method=method, at=timezone.now())
            a.province_id, a.commune_id, a.village_id = person.province_id, person.commune_id, person.village_id
            a.save()

    if not tracked:
        create()
        return
    with transaction.atomic(), track(persons=[person]):
        create()


def reach(person, levels, level: int, method="online"):
    """Achievements of every skill of levels 1..level."""
    skills = [s for n in range(1, level + 1) for s in levels[str(n)]]
    achieve(person, skills, method)


def change(person, **fields):
    with transaction.atomic(), track(persons=[person]):
        for k, v in fields.items():
            setattr(person, k, v)
        person.save()


def move(person, village, household=None):
    with transaction.atomic(), track(persons=[person]):
        person.set_place(village)
        person.household = household
        person.save()


def end(person, reason="deceased"):
    with transaction.atomic(), track(persons=[person]):
        person.valid_to, person.end_reason = datetime.date.today(), reason
        person.save()


def counter(unit, code, slice_code=""):
    from binhdan.kpi import query

    for row in query.indicator_rows(unit):
        if row["code"] == code and not slice_code:
            return row["numerator"], row["denominator"]
    if slice_code:
        return query.breakdown(unit, code).get(slice_code, (0, 0))
    raise KeyError(code)
