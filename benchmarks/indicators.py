"""Benchmark: indicators of one province of 2,000,000 people (100 communes × 30 villages).

    .venv/bin/python benchmarks/indicators.py --database-url postgres://postgres@127.0.0.1:5432/bench_kpi \
        --people 2000000

PostgreSQL only. The database named in the URL is DROPPED and created again, then dropped at
the end (keep it with --keep). People, households, achievements and the derived facts are
generated inside PostgreSQL (INSERT … SELECT over generate_series); the counters are built by
the reconciliation itself. Then it measures, server time through the Django test client:

  province_dashboard_ms   median of 7 renders of the province dashboard (100 communes)
  commune_dashboard_ms    median of 7 renders of a commune dashboard (30 villages)
  achievement_counter_ms  added cost of `track()` per achievement, recording the skills of level 3
                          one by one for people at level 2 (the last one lifts them to level 3 and
                          changes their counters); achievement_level_up_ms is that last one alone
  reconcile_s             a full reconciliation (facts from achievements + every counter)
  duckdb_aggregate_s      the same per-commune aggregation of every person indicator done by
                          DuckDB over the same rows (exported with COPY to a CSV file first)

Budgets: province < 150 ms, commune < 50 ms, achievement counters < 2 ms, reconcile < 120 s.
Prints progress lines, then one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SKILLS_PER_LEVEL = 4


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_kpi")
    parser.add_argument("--people", type=int, default=2_000_000)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--villages", type=int, default=30, help="villages per commune")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    return parser.parse_args()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def admin_url(url: str) -> tuple[str, str]:
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or not name:
        raise SystemExit("a postgres://… URL with a database name is required")
    return urlunparse(parts._replace(path="/postgres")), name


def recreate_database(url: str) -> None:
    import psycopg

    admin, name = admin_url(url)
    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    admin, name = admin_url(url)
    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhdan.settings")
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        return "'" + json.dumps(value).replace("'", "''") + "'"
    return "'" + str(value).replace("'", "''") + "'"


def insert_select(cursor, model, overrides: dict[str, str], from_sql: str) -> None:
    """INSERT INTO model's table SELECT one expression per column FROM …; columns not in
    `overrides` take NULL, a fresh UUID, now(), or the field's default."""
    from django.db import models

    columns, exprs = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key and f.attname not in overrides:
            continue
        columns.append(f'"{f.column}"')
        if f.attname in overrides:
            exprs.append(overrides[f.attname])
        elif isinstance(f, models.UUIDField):
            exprs.append("gen_random_uuid()")
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            exprs.append("now()")
        elif f.null:
            exprs.append("NULL")
        elif f.has_default():
            exprs.append(_literal(f.default() if callable(f.default) else f.default))
        elif isinstance(f, models.CharField | models.TextField):
            exprs.append("''")
        else:
            raise ValueError(f"no value for {model.__name__}.{f.attname}")
    cursor.execute(f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) SELECT {", ".join(exprs)} '
                   f"{from_sql}")


LEVEL_SQL = ("(CASE WHEN ({g} * 7919) % 100 < 40 THEN 0 WHEN ({g} * 7919) % 100 < 55 THEN 1 "
             "WHEN ({g} * 7919) % 100 < 70 THEN 2 WHEN ({g} * 7919) % 100 < 90 THEN 3 ELSE 4 END)")


def drop_indexes(cur, tables) -> list[str]:
    """Drop the plain indexes of the tables (loading first and indexing after is much faster);
    returns their definitions to create them again."""
    cur.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [list(tables)])
    found = cur.fetchall()
    for name, _definition in found:
        cur.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def build(people: int, communes: int, per_commune: int):
    """The tree, a curriculum, households, people, achievements and derived facts."""
    from django.db import connection

    from binhdan.geo.models import AdminUnit, Kind, Level
    from binhdan.kpi.models import PersonFacts
    from binhdan.learning.models import Achievement, Skill
    from binhdan.learning.models import Level as SkillLevel
    from binhdan.people.models import Household, Person

    nation = AdminUnit(code="VN", name="Việt Nam", level=Level.NATION, kind=Kind.NATION)
    nation.save()
    province = AdminUnit(code="45", name="Tỉnh Quảng Trị (thử)", level=Level.PROVINCE, kind=Kind.PROVINCE,
                         parent=nation)
    province.save()
    AdminUnit.objects.bulk_create([
        AdminUnit(code=f"45{c:03d}", name=f"Xã Thử {c:03d}", name_folded=f"xa thu {c:03d}", level=Level.COMMUNE,
                  kind=Kind.COMMUNE, parent=province, path=f"{province.path}45{c:03d}/", province=province)
        for c in range(communes)])
    commune_rows = list(AdminUnit.objects.filter(level=Level.COMMUNE).order_by("code"))
    AdminUnit.objects.bulk_create([
        AdminUnit(code=f"{c.code}-{v:02d}", name=f"Thôn {v:02d}", name_folded=f"thon {v:02d}", level=Level.VILLAGE,
                  kind=Kind.THON, parent=c, path=f"{c.path}{c.code}-{v:02d}/", province=province, commune=c)
        for c in commune_rows for v in range(per_commune)], batch_size=5000)
    for n in range(1, 5):
        lv = SkillLevel.objects.create(code=str(n), position=n, title=f"Cấp {n}")
        for i in range(SKILLS_PER_LEVEL):
            Skill.objects.create(code=f"l{n}.s{i}", level=lv, position=i, title=f"Kỹ năng {n}.{i}")
    nv = communes * per_commune
    households = max(1, people // 4)
    year = datetime.date.today().year
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET work_mem = '256MB'")
        cur.execute("SET session_replication_role = replica")  # no foreign-key triggers while loading
        indexes = drop_indexes(cur, ["people_person", "people_household", "learning_achievement"])
        cur.execute("CREATE TEMP TABLE vmap AS SELECT row_number() OVER (ORDER BY code) - 1 AS k, id, commune_id, "
                    "province_id FROM geo_adminunit WHERE level = 3")
        cur.execute("CREATE INDEX ON vmap (k)")
        log(f"households: {households:,}")
        insert_select(cur, Household, {
            "code": "'H' || g", "province_id": "v.province_id", "commune_id": "v.commune_id", "village_id": "v.id"},
            f"FROM generate_series(0, {households - 1}) g JOIN vmap v ON v.k = (g::bigint * {nv}) / {households}")
        cur.execute(f'SELECT MIN(id), MAX(id) FROM "{Household._meta.db_table}"')
        hmin, hmax = cur.fetchone()
        assert hmax - hmin == households - 1, "household ids are not contiguous"
        log(f"people: {people:,}")
        insert_select(cur, Person, {
            "full_name": "'Người Thử ' || g", "name_folded": "'nguoi thu ' || g",
            "birth_year": f"CASE WHEN g % 50 = 0 THEN NULL ELSE {year} - ((g * 37) % 90) END",
            "birth_date": "NULL",
            "sex": "CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END",
            "ethnicity": "CASE WHEN g % 7 = 0 THEN '08' ELSE '01' END",
            "household_id": f"{hmin} + LEAST(g / 4, {households - 1})",
            "relation": "CASE WHEN g % 4 = 0 THEN 'head' ELSE 'child' END",
            "is_official": "g % 40 = 0", "is_student": "(g * 37) % 90 BETWEEN 6 AND 17",
            "is_worker": "g % 9 = 0", "is_trader": "g % 13 = 0", "is_farmer": "g % 3 = 0",
            "has_disability": "g % 61 = 0", "has_smartphone": "g % 5 <> 0",
            "vneid_level": "(g % 3)", "has_bank_account": "g % 4 <> 1",
            "province_id": "h.province_id", "commune_id": "h.commune_id", "village_id": "h.village_id",
        }, f"FROM generate_series(0, {people - 1}) g JOIN \"{Household._meta.db_table}\" h "
           f"ON h.id = {hmin} + LEAST(g / 4, {households - 1})")
        cur.execute(f'SELECT MIN(id), MAX(id) FROM "{Person._meta.db_table}"')
        pmin, pmax = cur.fetchone()
        assert pmax - pmin == people - 1, "person ids are not contiguous"
        lvl = LEVEL_SQL.format(g=f"(p.id - {pmin})")
        log("achievements")
        insert_select(cur, Achievement, {
            "person_id": "p.id", "skill_id": "s.id", "method": "CASE WHEN p.id % 5 = 0 THEN 'observed' ELSE 'online' END",
            "at": "now() - ((p.id % 300) || ' days')::interval",
            "province_id": "p.province_id", "commune_id": "p.commune_id", "village_id": "p.village_id",
        }, f'FROM "{Person._meta.db_table}" p JOIN learning_skill s ON TRUE JOIN learning_level l ON l.id = s.level_id '
           f"WHERE l.code::int <= {lvl}")
        nat = f"({lvl} >= 3 AND (p.id - {pmin}) % 3 = 0)"
        insert_select(cur, Achievement, {
            "person_id": "p.id", "skill_id": "(SELECT MIN(id) FROM learning_skill)", "method": "'national'",
            "at": "now()", "province_id": "p.province_id", "commune_id": "p.commune_id",
            "village_id": "p.village_id",
        }, f'FROM "{Person._meta.db_table}" p WHERE {nat}')
        log("derived facts")
        cur.execute(f'INSERT INTO "{PersonFacts._meta.db_table}" (person_id, level, national) '
                    f'SELECT p.id, {lvl}, {nat} FROM "{Person._meta.db_table}" p WHERE {lvl} > 0 OR {nat}')
        log(f"indexes: {len(indexes)}")
        for definition in indexes:
            cur.execute(definition)
        cur.execute("SET session_replication_role = DEFAULT")
        cur.execute("ANALYZE")
        cur.execute(f'SELECT COUNT(*) FROM "{Achievement._meta.db_table}"')
        achievements = cur.fetchone()[0]
    log(f"{achievements:,} achievements")
    return province, commune_rows[0], pmin, achievements


def timed_get(client, url, runs=7) -> float:
    for _ in range(2):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times)


def achievement_cost(pmin: int, people: int, runs: int = 30) -> tuple[float, float]:
    """Extra time of track() per achievement: (mean over recording every skill of level 3 one
    by one for a person at level 2 — the last one lifts them to level 3 and changes counters;
    the level-lifting achievement alone). Medians over `runs` people, against the same
    records made without track()."""
    from django.db import transaction
    from django.utils import timezone

    from binhdan.kpi.tracking import track
    from binhdan.learning.models import Achievement, Skill
    from binhdan.people.models import Person

    skills = list(Skill.objects.filter(level__code="3").order_by("position"))
    candidates = []
    g = 0
    while len(candidates) < 2 * runs and g < people:
        if (g * 7919) % 100 in range(55, 70):  # level 2
            candidates.append(pmin + g)
        g += 1
    persons = {p.pk: p for p in Person.objects.filter(pk__in=candidates)}

    def record(person, tracked):
        times = []
        for skill in skills:
            start = time.perf_counter()
            if tracked:
                with track(persons=[person.pk]):
                    Achievement.objects.create(person=person, skill=skill, method="online", at=timezone.now(),
                                               province_id=person.province_id, commune_id=person.commune_id,
                                               village_id=person.village_id)
            else:
                Achievement.objects.create(person=person, skill=skill, method="online", at=timezone.now(),
                                           province_id=person.province_id, commune_id=person.commune_id,
                                           village_id=person.village_id)
            times.append((time.perf_counter() - start) * 1000)
        return times

    with_track, without = [], []
    for i, pid in enumerate(candidates[:2 * runs]):
        with transaction.atomic():
            (with_track if i % 2 == 0 else without).append(record(persons[pid], i % 2 == 0))
            transaction.set_rollback(True)
    mean_with = statistics.median(sum(t) / len(t) for t in with_track)
    mean_without = statistics.median(sum(t) / len(t) for t in without)
    last_with = statistics.median(t[-1] for t in with_track)
    last_without = statistics.median(t[-1] for t in without)
    return max(0.0, mean_with - mean_without), max(0.0, last_with - last_without)


PERSON_INDICATOR_SQL = {
    "officials_skills": ("is_official", "is_official AND level >= {basic}"),
    "students_skills": ("is_student", "is_student AND level >= {basic}"),
    "adults_basic_skills": ("birth_year <= {y15}", "birth_year <= {y15} AND level >= {basic}"),
    "adults_national": ("birth_year <= {y15}", "birth_year <= {y15} AND national"),
    "workers_skills": ("is_worker", "is_worker AND level >= {basic}"),
    "citizens_vneid2": ("birth_year <= {y16}", "birth_year <= {y16} AND vneid_level >= 2"),
    "citizens_bank": ("birth_year <= {y16}", "birth_year <= {y16} AND has_bank_account"),
}


def duckdb_aggregate(tmpdir: str) -> tuple[float, float, float, dict]:
    """Export the same rows with COPY, load them in DuckDB and aggregate per commune."""
    import duckdb
    from django.db import connection

    from binhdan.kpi import registry

    path = os.path.join(tmpdir, "people.csv")
    start = time.perf_counter()
    raw = connection.connection  # psycopg connection
    with raw.cursor() as cur, open(path, "wb") as out:
        with cur.copy("COPY (SELECT p.village_id, p.commune_id, p.birth_year, p.is_official, p.is_student, "
                      "p.is_worker, p.vneid_level, p.has_bank_account, COALESCE(f.level, 0) AS level, "
                      "COALESCE(f.national, false) AS national FROM people_person p LEFT JOIN kpi_personfacts f "
                      "ON f.person_id = p.id WHERE p.valid_to IS NULL AND p.village_id IS NOT NULL) "
                      "TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
            for chunk in copy:
                out.write(chunk)
    export_s = time.perf_counter() - start
    db = duckdb.connect()
    start = time.perf_counter()
    db.execute(f"CREATE TABLE people AS SELECT * FROM read_csv_auto('{path}', header=true)")
    load_s = time.perf_counter() - start
    year = datetime.date.today().year
    params = {"basic": registry.basic_level(), "y15": year - 15, "y16": year - 16}
    cols = []
    for code, (den, num) in PERSON_INDICATOR_SQL.items():
        cols.append(f"COUNT(*) FILTER (WHERE {den.format(**params)}) AS d_{code}")
        cols.append(f"COUNT(*) FILTER (WHERE {num.format(**params)}) AS n_{code}")
    start = time.perf_counter()
    rows = db.execute(f"SELECT commune_id, {', '.join(cols)} FROM people GROUP BY commune_id").fetchall()
    aggregate_s = time.perf_counter() - start
    totals = {}
    for i, code in enumerate(PERSON_INDICATOR_SQL):
        totals[code] = (sum(r[2 + 2 * i] for r in rows), sum(r[1 + 2 * i] for r in rows))
    db.close()
    os.remove(path)
    return export_s, load_s, aggregate_s, totals


def main() -> None:
    args = parse_args()
    log(f"recreating {admin_url(args.database_url)[1]}")
    recreate_database(args.database_url)
    try:
        setup_django(args.database_url)
        log("migrated")
        results = run(args)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(args.database_url)
            log("database dropped")
    print(json.dumps(results))


def run(args) -> dict:
    from django.test import Client
    from django.test.utils import setup_test_environment

    from binhdan.accounts.models import RoleAssignment, User
    from binhdan.core.roles import Role
    from binhdan.kpi import query, reconcile, services

    started = time.perf_counter()
    province, commune, pmin, achievements = build(args.people, args.communes, args.villages)
    build_s = time.perf_counter() - started
    log(f"built in {build_s:.0f} s; counting")
    start = time.perf_counter()
    first = reconcile.run(fix=True, record=False)
    count_s = time.perf_counter() - start
    log(f"counters built in {count_s:.1f} s ({first.differences:,} counters written, "
        f"{first.facts_differences} person differences)")
    from django.db import connection

    with connection.cursor() as cur:  # what autovacuum does after a bulk load
        cur.execute("VACUUM ANALYZE kpi_counter")
        cur.execute("VACUUM ANALYZE kpi_personfacts")
    start = time.perf_counter()
    check = reconcile.run()
    reconcile_s = time.perf_counter() - start
    log(f"reconciliation: {check.counters:,} counters, {check.differences} differences, "
        f"{check.facts_differences} person differences, {reconcile_s:.1f} s")
    today = datetime.date.today()
    for back in (60, 30, 7, 1, 0):
        services.take_snapshots(today - datetime.timedelta(days=back))
    for year in (today.year, today.year + 1):
        services.set_target(_admin(), indicator="adults_basic_skills", unit=province, year=year,
                            value=80 if year == today.year else 100)
    setup_test_environment()
    officer = User.objects.create_user(username="bench_officer", password="x" * 20)
    RoleAssignment.objects.create(user=officer, unit=province, role=Role.PROVINCE_OFFICER)
    client = Client()
    client.force_login(officer)
    province_ms = timed_get(client, f"/quan-ly/chi-so/{province.code}/")
    commune_ms = timed_get(client, f"/quan-ly/chi-so/{commune.code}/")
    log(f"province dashboard {province_ms:.1f} ms, commune dashboard {commune_ms:.1f} ms")
    counter_ms, level_up_ms = achievement_cost(pmin, args.people)
    log(f"achievement counters {counter_ms:.2f} ms per achievement, {level_up_ms:.2f} ms for one that lifts a level")
    with tempfile.TemporaryDirectory() as tmp:
        export_s, load_s, duck_s, duck_totals = duckdb_aggregate(tmp)
    ours = {r["code"]: (r["numerator"], r["denominator"]) for r in query.indicator_rows(province)}
    agree = all(ours[c] == v for c, v in duck_totals.items())
    log(f"DuckDB: export {export_s:.1f} s, load {load_s:.1f} s, aggregate {duck_s:.2f} s; "
        f"same figures as the counters: {agree}")
    return {
        "people": args.people, "villages": args.communes * args.villages, "achievements": achievements,
        "build_s": round(build_s, 1), "count_s": round(count_s, 1),
        "province_dashboard_ms": round(province_ms, 1), "commune_dashboard_ms": round(commune_ms, 1),
        "achievement_counter_ms": round(counter_ms, 2), "achievement_level_up_ms": round(level_up_ms, 2),
        "reconcile_s": round(reconcile_s, 1),
        "reconcile_differences": check.differences + check.facts_differences,
        "duckdb_export_s": round(export_s, 1), "duckdb_load_s": round(load_s, 1),
        "duckdb_aggregate_s": round(duck_s, 3), "duckdb_agrees": agree,
    }


def _admin():
    from binhdan.accounts.models import User

    return User.objects.filter(username="bench_admin").first() or User.objects.create_superuser(
        username="bench_admin", password="x" * 20)


if __name__ == "__main__":
    main()
