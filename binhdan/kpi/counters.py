"""The counters engine behind `track()` and `bump()`.

`capture()` reads what the named records contribute to every indicator (from the stored
derived facts); after the block, `finish()` recomputes the derived facts of the people
touched, reads their contributions again, and adds the difference to the village counters
with one upsert, in the caller's transaction.

A contribution is keyed (village id, indicator code, slice) → [numerator, denominator];
slice "" is the total, the others are the breakdown of person indicators.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from binhdan.kpi import registry as reg

PERSON_VALUES = ["id", "village_id", "commune_id", "province_id", "valid_to", "birth_year", "sex", "ethnicity",
                 "household_id", "vneid_level", *reg.SEGMENT_FIELDS, "has_bank_account", "has_smartphone"]


def current_year() -> int:
    return timezone.localdate().year


@dataclass
class State:
    persons: dict = field(default_factory=dict)      # id → row (with level, national) or None
    households: dict = field(default_factory=dict)   # id → (row, digital) or None
    villages: dict = field(default_factory=dict)     # id → (row, has_team) or None
    learners: dict = field(default_factory=dict)     # id → list of (village, commune, province, delta)


# --- reading state ---------------------------------------------------------------------------

def person_rows(ids) -> dict[int, dict]:
    from binhdan.people.models import Person

    if not ids:
        return {}
    rows = Person.objects.filter(pk__in=list(ids)).values(*PERSON_VALUES, "kpi_facts__level", "kpi_facts__national")
    out = {}
    for row in rows:
        row["level"] = row.pop("kpi_facts__level") or 0
        row["national"] = bool(row.pop("kpi_facts__national"))
        out[row["id"]] = row
    return out


def household_state(ids, *, override: dict[int, dict] | None = None) -> dict[int, tuple[dict, bool]]:
    """{household id: (row, digital)}. With `override` ({person id: row as it was}), those
    people are counted in the household they were in, at the level they had."""
    from binhdan.people.models import Household, Person

    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    rows = {r["id"]: r for r in Household.objects.filter(pk__in=ids).values(
        "id", "village_id", "commune_id", "province_id", "valid_to")}
    need = reg.household_level()
    digital: set[int] = set()
    members = Person.objects.filter(household_id__in=ids, valid_to__isnull=True,
                                    kpi_facts__level__gte=need).values_list("pk", "household_id")
    override = override or {}
    for pk, hid in members:
        if pk not in override:
            digital.add(hid)
    for row in override.values():
        if row and row.get("valid_to") is None and row.get("household_id") in rows and row["level"] >= need:
            digital.add(row["household_id"])
    return {hid: (row, hid in digital) for hid, row in rows.items()}


def village_state(ids) -> dict[int, tuple[dict, bool]]:
    from binhdan.geo.models import AdminUnit, Level
    from binhdan.kpi import sources

    if not ids:
        return {}
    rows = {r["id"]: r for r in AdminUnit.objects.filter(pk__in=list(ids), level=Level.VILLAGE).values(
        "id", "commune_id", "province_id", "valid_to")}
    teams = sources.active_team_villages(rows) if rows else set()
    return {vid: (row, vid in teams) for vid, row in rows.items()}


def learner_state(ids) -> dict[int, list]:
    from binhdan.learning.models import SelfAssessment

    if not ids:
        return {}
    found: dict[int, dict] = defaultdict(dict)
    for row in SelfAssessment.objects.filter(learner_id__in=list(ids)).values(
            "learner_id", "level_id", "phase", "score", "village_id", "commune_id", "province_id"):
        found[row["learner_id"]][(row["level_id"], row["phase"])] = row
    out: dict[int, list] = {i: [] for i in ids}
    for lid, answers in found.items():
        for (level_id, phase), after in answers.items():
            if phase != "after":
                continue
            before = answers.get((level_id, "before"))
            if before is None or after["village_id"] is None:
                continue
            out[lid].append((after["village_id"], after["commune_id"], after["province_id"],
                             after["score"] - before["score"]))
    return out


# --- contributions ---------------------------------------------------------------------------

def contribute_person(row: dict | None, year: int, out: dict, places: dict) -> None:
    if not row or row.get("valid_to") is not None or not row.get("village_id"):
        return
    v = row["village_id"]
    places[v] = (row["commune_id"], row["province_id"])
    slices = None
    for ind in reg.PERSON_INDICATORS:
        if not ind.in_den(row, year):
            continue
        hit = ind.in_num(row, year)
        if slices is None:
            slices = [reg.TOTAL, *reg.slices_of(row, year)]
        for s in slices:
            cell = out[(v, ind.code, s)]
            cell[1] += 1
            if hit:
                cell[0] += 1


def contribute_household(entry, out: dict, places: dict) -> None:
    if not entry:
        return
    row, digital = entry
    if row.get("valid_to") is not None or not row.get("village_id"):
        return
    v = row["village_id"]
    places[v] = (row["commune_id"], row["province_id"])
    cell = out[(v, "digital_households", reg.TOTAL)]
    cell[1] += 1
    if digital:
        cell[0] += 1


def contribute_village(entry, out: dict, places: dict) -> None:
    if not entry:
        return
    row, has_team = entry
    if row.get("valid_to") is not None:
        return
    v = row["id"]
    places[v] = (row["commune_id"], row["province_id"])
    cell = out[(v, "villages_with_team", reg.TOTAL)]
    cell[1] += 1
    if has_team:
        cell[0] += 1


def contribute_learner(pairs, out: dict, places: dict) -> None:
    for v, commune, province, delta in pairs or ():
        places[v] = (commune, province)
        cell = out[(v, "self_assessment_change", reg.TOTAL)]
        cell[0] += delta
        cell[1] += 1


def contributions_of(state: State, year: int) -> tuple[dict, dict]:
    out: dict = defaultdict(lambda: [0, 0])
    places: dict = {}
    for row in state.persons.values():
        contribute_person(row, year, out, places)
    for entry in state.households.values():
        contribute_household(entry, out, places)
    for entry in state.villages.values():
        contribute_village(entry, out, places)
    for pairs in state.learners.values():
        contribute_learner(pairs, out, places)
    return out, places


# --- the two halves of track() --------------------------------------------------------------

def capture(persons, households, villages, learners) -> State:
    state = State()
    state.persons = person_rows(persons)
    hids = set(households) | {r["household_id"] for r in state.persons.values() if r["household_id"]}
    state.households = household_state(hids)
    state.villages = village_state(villages)
    state.learners = learner_state(learners)
    return state


def refresh_facts(rows: dict[int, dict]) -> None:
    """Recompute the level and national confirmation of these people; store the changes."""
    from binhdan.kpi import facts
    from binhdan.kpi.models import PersonFacts

    fresh = facts.compute(rows)
    for pid, (level, national) in fresh.items():
        row = rows[pid]
        if (row["level"], row["national"]) == (level, national):
            continue
        if level == 0 and not national:
            PersonFacts.objects.filter(pk=pid).delete()
        else:
            updated = PersonFacts.objects.filter(pk=pid).update(level=level, national=national)
            if not updated:
                PersonFacts.objects.create(person_id=pid, level=level, national=national)
        row["level"], row["national"] = level, national


def finish(before: State, persons, households, villages, learners, added: dict) -> None:
    year = current_year()
    new_persons = set(added.get("persons", ())) - set(before.persons)
    new_households = set(added.get("households", ())) - set(before.households)
    new_villages = set(added.get("villages", ())) - set(before.villages)
    new_learners = set(added.get("learners", ())) - set(before.learners)
    after = State()
    after.persons = person_rows(set(before.persons) | new_persons | set(persons))
    refresh_facts(after.persons)
    # Households: those named or added, and every household a tracked person was or is in.
    hids = (set(before.households) | set(households) | new_households
            | {r["household_id"] for r in after.persons.values() if r["household_id"]})
    after.households = household_state(hids)
    # Households first met now existed before (unless added): rebuild their earlier state from
    # the tracked people's earlier rows.
    unseen = hids - set(before.households) - new_households
    if unseen:
        old_rows = {pid: before.persons.get(pid) for pid in after.persons}
        before.households.update(household_state(unseen, override=old_rows))
    after.villages = village_state(set(before.villages) | set(villages) | new_villages)
    after.learners = learner_state(set(before.learners) | set(learners) | new_learners)
    b, places_b = contributions_of(before, year)
    a, places_a = contributions_of(after, year)
    diff = {}
    for key in set(a) | set(b):
        na, da = a.get(key, (0, 0))
        nb, db = b.get(key, (0, 0))
        if na != nb or da != db:
            diff[key] = (na - nb, da - db)
    if diff:
        places_b.update(places_a)
        upsert(diff, places_b)


def upsert(diff: dict, places: dict) -> None:
    """Add each (numerator, denominator) delta to its counter, creating it when missing."""
    from binhdan.kpi.models import Counter

    table = connection.ops.quote_name(Counter._meta.db_table)
    sql = (f"INSERT INTO {table} (village_id, commune_id, province_id, indicator, slice, numerator, denominator) "
           f"VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (village_id, indicator, slice) DO UPDATE SET "
           f"numerator = {table}.numerator + excluded.numerator, "
           f"denominator = {table}.denominator + excluded.denominator")
    params = []
    for (village, code, slice_code), (dn, dd) in sorted(diff.items()):
        commune, province = places.get(village, (None, None))
        params.append((village, commune, province, code, slice_code, dn, dd))
    with connection.cursor() as cursor:
        if len(params) == 1:
            cursor.execute(sql, params[0])
        else:
            cursor.executemany(sql, params)


def add(indicator: str, village_id: int, delta: int) -> None:
    """`bump()`: add to a count indicator of a village."""
    from binhdan.geo.models import AdminUnit

    if indicator not in reg.BY_CODE or not reg.BY_CODE[indicator].is_count:
        raise ValueError(f"unknown count indicator: {indicator}")
    if not village_id or not delta:
        return
    place = AdminUnit.objects.filter(pk=village_id).values_list("commune_id", "province_id").first()
    if place is None:
        raise ValueError(f"unknown village: {village_id}")
    upsert({(village_id, indicator, reg.TOTAL): (int(delta), 0)}, {village_id: place})
