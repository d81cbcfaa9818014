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

def _in(values) -> str:
    return ", ".join(["%s"] * len(values))


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


_SQL: dict = {}


def _person_sql(with_counts: bool) -> str:
    from binhdan.kpi.levels import NUMBERED_LEVELS
    from binhdan.kpi.models import PersonFacts
    from binhdan.learning.models import Achievement, Skill
    from binhdan.people.models import Person

    key = ("person", with_counts)
    if key in _SQL:
        return _SQL[key]
    qn = connection.ops.quote_name
    cols = ", ".join(f"p.{qn(Person._meta.get_field(n).column)}" if n != "id" else "p.id" for n in PERSON_VALUES)
    if not with_counts:
        sql = (f"SELECT {cols}, f.level, f.national FROM {_table(Person)} p "
               f"LEFT JOIN {_table(PersonFacts)} f ON f.person_id = p.id WHERE p.id IN ({{ids}})")
    else:
        counted = ", ".join(f"'{m}'" for m in Achievement.COUNTED)
        per_level = ", ".join(f"COUNT(DISTINCT CASE WHEN s.level_id = %s AND s.active THEN a.skill_id END) AS c{c}"
                              for c in NUMBERED_LEVELS)
        sql = (f"SELECT {cols}, f.level, f.national, c.c1, c.c2, c.c3, c.c4, c.nat FROM {_table(Person)} p "
               f"LEFT JOIN {_table(PersonFacts)} f ON f.person_id = p.id "
               f"LEFT JOIN (SELECT a.person_id, {per_level}, "
               f"SUM(CASE WHEN a.method = '{Achievement.Method.NATIONAL}' THEN 1 ELSE 0 END) AS nat "
               f"FROM {_table(Achievement)} a JOIN {_table(Skill)} s ON s.id = a.skill_id "
               f"WHERE a.person_id IN ({{ids}}) AND a.method IN ({counted}) GROUP BY a.person_id) c "
               f"ON c.person_id = p.id WHERE p.id IN ({{ids}})")
    _SQL[key] = sql
    return sql


def person_rows(ids, *, with_counts: bool = False) -> dict[int, dict]:
    """{id: row} with the stored level and national confirmation (one query). With
    `with_counts`, also the fresh level and confirmation from achievements, as `fresh`."""
    from binhdan.kpi import facts

    ids = list(ids)
    if not ids:
        return {}
    n = len(PERSON_VALUES)
    params = (facts.level_ids() + ids + ids) if with_counts else ids
    with connection.cursor() as cursor:
        cursor.execute(_person_sql(with_counts).replace("{ids}", _in(ids)), params)
        out = {}
        if with_counts:
            needed, share = facts.skills_needed(), facts._share()
        for values in cursor.fetchall():
            row = dict(zip(PERSON_VALUES, values[:n], strict=True))
            row["level"] = values[n] or 0
            row["national"] = bool(values[n + 1])
            for name in reg.SEGMENT_FIELDS + ["has_bank_account", "has_smartphone"]:
                row[name] = bool(row[name])
            if with_counts:
                covered = dict(zip(("1", "2", "3", "4"), values[n + 2:n + 6], strict=True))
                row["fresh"] = (facts.level_from(covered, needed, share), bool(values[n + 6]))
            out[row["id"]] = row
    return out


def household_states(ids, before_rows: dict[int, dict] | None = None,
                     after_rows: dict[int, dict] | None = None) -> tuple[dict, dict]:
    """({household id: (row, digital)} now, the same as it was before the block) in one query.
    `before_rows` ({person id: row before, or None}) are the tracked people: for the earlier
    state they count in the household they were in, at the level they had; for the present
    state, at the level in `after_rows` (their facts may not be written yet)."""
    from binhdan.kpi.models import PersonFacts
    from binhdan.people.models import Household, Person

    ids = [i for i in ids if i is not None]
    if not ids:
        return {}, {}
    need = reg.household_level()
    sql = (f"SELECT h.id, h.village_id, h.commune_id, h.province_id, h.valid_to, m.id, f.level "
           f"FROM {_table(Household)} h LEFT JOIN {_table(Person)} m ON m.household_id = h.id "
           f"AND m.valid_to IS NULL LEFT JOIN {_table(PersonFacts)} f ON f.person_id = m.id AND f.level >= %s "
           f"WHERE h.id IN ({_in(ids)})")
    rows: dict[int, dict] = {}
    now_digital: set[int] = set()
    before_digital: set[int] = set()
    tracked = before_rows or {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [need, *ids])
        for hid, village, commune, province, valid_to, member, level in cursor.fetchall():
            rows[hid] = {"id": hid, "village_id": village, "commune_id": commune, "province_id": province,
                         "valid_to": valid_to}
            if member is not None and level is not None and member not in tracked:
                now_digital.add(hid)
                before_digital.add(hid)
    for row in tracked.values():
        if row and row.get("valid_to") is None and row.get("household_id") in rows and row["level"] >= need:
            before_digital.add(row["household_id"])
    for row in (after_rows or {}).values():
        if row and row.get("valid_to") is None and row.get("household_id") in rows and row["level"] >= need:
            now_digital.add(row["household_id"])
    return ({hid: (row, hid in now_digital) for hid, row in rows.items()},
            {hid: (row, hid in before_digital) for hid, row in rows.items()})


def household_state(ids) -> dict[int, tuple[dict, bool]]:
    return household_states(ids)[0]


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
    """The state before the block of the records named. Households of the tracked people are
    not read now: if they can have changed, `finish` rebuilds their earlier state."""
    state = State()
    state.persons = person_rows(persons)
    state.households = household_state(households)
    state.villages = village_state(villages)
    state.learners = learner_state(learners)
    return state


def refresh_facts(rows: dict[int, dict]) -> list[tuple[str, list]]:
    """Take the fresh level and confirmation of these people into their rows; return the
    statements that store the changes (run with the counter upsert, in one round trip)."""
    from binhdan.kpi.models import PersonFacts

    table = _table(PersonFacts)
    statements = []
    for pid, row in rows.items():
        level, national = row.pop("fresh")
        if (row["level"], row["national"]) == (level, national):
            continue
        if level == 0 and not national:
            statements.append((f"DELETE FROM {table} WHERE person_id = %s", [pid]))
        else:
            statements.append((f"INSERT INTO {table} (person_id, level, national) VALUES (%s, %s, %s) "
                               f"ON CONFLICT (person_id) DO UPDATE SET level = excluded.level, "
                               f"national = excluded.national", [pid, level, national]))
        row["level"], row["national"] = level, national
    return statements


def run(statements: list[tuple[str, list]]) -> None:
    """Run the statements; on PostgreSQL in one round trip (client-side binding)."""
    if not statements:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            cursor.execute("; ".join(sql for sql, _p in statements), [p for _s, ps in statements for p in ps])
        else:
            for sql, params in statements:
                cursor.execute(sql, params)


def _household_may_change(before: dict | None, after: dict | None) -> bool:
    if (before is None) != (after is None):
        return True
    if before is None or after is None:
        return False
    need = reg.household_level()
    return (before["household_id"] != after["household_id"]
            or (before["valid_to"] is None) != (after["valid_to"] is None)
            or (before["level"] >= need) != (after["level"] >= need))


def finish(before: State, persons, households, villages, learners, added: dict) -> None:
    year = current_year()
    new_persons = set(added.get("persons", ())) - set(before.persons)
    new_households = set(added.get("households", ())) - set(before.households)
    new_villages = set(added.get("villages", ())) - set(before.villages)
    new_learners = set(added.get("learners", ())) - set(before.learners)
    after = State()
    after.persons = person_rows(set(before.persons) | new_persons | set(persons), with_counts=True)
    statements = refresh_facts(after.persons)
    old_rows = {pid: before.persons.get(pid) for pid in after.persons}
    # Households: those named or added, and those of tracked people whose membership, presence
    # or level (across the "Gia đình số" threshold) changed.
    moved = {pid for pid in after.persons if _household_may_change(old_rows[pid], after.persons[pid])}
    hids = set(before.households) | set(households) | new_households
    for pid in moved:
        for row in (old_rows[pid], after.persons[pid]):
            if row and row.get("household_id"):
                hids.add(row["household_id"])
    now, earlier = household_states(hids, old_rows, after.persons)
    after.households = now
    for hid in hids - set(before.households):
        if hid not in new_households and hid in earlier:
            before.households[hid] = earlier[hid]
    after.villages = village_state(set(before.villages) | set(villages) | new_villages)
    after.learners = learner_state(set(before.learners) | set(learners) | new_learners)
    if (not statements and not hids and not after.villages and not after.learners
            and all(before.persons.get(pid) == row for pid, row in after.persons.items())):
        return  # nothing that counts changed (e.g. an achievement that completes no level)
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
        statements += upsert_statements(diff, places_b)
    run(statements)


def upsert_statements(diff: dict, places: dict) -> list[tuple[str, list]]:
    """Add each (numerator, denominator) delta to its counter, creating it when missing:
    INSERT … ON CONFLICT (SQLite and PostgreSQL), 120 counters a statement."""
    from binhdan.kpi.models import CommuneCounter, Counter

    table, ctable = _table(Counter), _table(CommuneCounter)
    params = []
    by_commune: dict = defaultdict(lambda: [0, 0])
    provinces = {}
    for (village, code, slice_code), (dn, dd) in sorted(diff.items()):
        commune, province = places.get(village, (None, None))
        params.extend((village, commune, province, code, slice_code, dn, dd))
        if commune is not None:
            cell = by_commune[(commune, code, slice_code)]
            cell[0] += dn
            cell[1] += dd
            provinces[commune] = province
    cparams = []
    for (commune, code, slice_code), (dn, dd) in sorted(by_commune.items()):
        cparams.extend((commune, provinces[commune], code, slice_code, dn, dd))
    one = "(%s, %s, %s, %s, %s, %s, %s)"
    per = 120
    out = []
    for start in range(0, len(params), per * 7):
        chunk = params[start:start + per * 7]
        out.append((
            f"INSERT INTO {table} (village_id, commune_id, province_id, indicator, slice, numerator, denominator) "
            f"VALUES {', '.join([one] * (len(chunk) // 7))} ON CONFLICT (village_id, indicator, slice) DO UPDATE "
            f"SET numerator = {table}.numerator + excluded.numerator, "
            f"denominator = {table}.denominator + excluded.denominator", chunk))
    six = "(%s, %s, %s, %s, %s, %s)"
    for start in range(0, len(cparams), per * 6):
        chunk = cparams[start:start + per * 6]
        out.append((
            f"INSERT INTO {ctable} (commune_id, province_id, indicator, slice, numerator, denominator) "
            f"VALUES {', '.join([six] * (len(chunk) // 6))} ON CONFLICT (commune_id, indicator, slice) DO UPDATE "
            f"SET numerator = {ctable}.numerator + excluded.numerator, "
            f"denominator = {ctable}.denominator + excluded.denominator", chunk))
    return out


def upsert(diff: dict, places: dict) -> None:
    run(upsert_statements(diff, places))


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
