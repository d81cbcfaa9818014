"""Field sync budgets: a phone's queue of 500 records syncs in < 5 s (PostgreSQL); sending the
same batch again stores nothing new; the coaching log page and the visit list are at most
60 KB transferred (gzip) including their script and style sheets.

    .venv/bin/python benchmarks/field_sync.py [--database-url URL] [--records 500]

Builds its own data in its own database: a fresh SQLite file under var/bench/ by default; for
PostgreSQL give a URL to a database it may create and drop (e.g.
postgres://postgres@127.0.0.1:5432/bench_outreach). The sync goes through the real API
(`POST /api/outreach/field/sync/`) with Django's test client. Prints one JSON object last.
"""

import argparse
import datetime
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _psql(url, sql: str) -> None:
    u = urlparse(url)
    cmd = ["psql", "-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres",
           "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql]
    env = dict(os.environ, PGPASSWORD=u.password or "")
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="Keep the PostgreSQL database afterwards.")
    parser.add_argument("--profile", action="store_true", help="Print where the sync spends its time (stderr).")
    args = parser.parse_args()

    postgres = args.database_url.startswith(("postgres://", "postgresql://"))
    if postgres:
        name = urlparse(args.database_url).path.lstrip("/")
        _psql(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')
        _psql(args.database_url, f'CREATE DATABASE "{name}"')
    elif not args.database_url:
        bench_dir = ROOT / "var" / "bench"
        shutil.rmtree(bench_dir / "field_sync.sqlite3", ignore_errors=True)
        bench_dir.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(bench_dir / "field_sync.sqlite3") + suffix).unlink(missing_ok=True)
        args.database_url = f"sqlite:///{bench_dir / 'field_sync.sqlite3'}"
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhdan.settings")
    try:
        result = run(args)
    finally:
        if postgres and not args.keep:
            from django.db import connections

            connections.close_all()
            _psql(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')
    print(json.dumps(result))


def run(args) -> dict:
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from django.contrib.staticfiles import finders
    from django.test import Client
    from django.utils import timezone

    from binhdan.accounts.models import RoleAssignment, User
    from binhdan.core.roles import Role
    from binhdan.geo.models import AdminUnit, Kind, Level, Organisation
    from binhdan.learning import services as learning
    from binhdan.learning.models import Achievement, Skill
    from binhdan.outreach import services
    from binhdan.outreach.models import CoachingSession, HouseholdVisit, SessionSkill
    from binhdan.people.demo import seed_people
    from binhdan.people.models import Household, Person

    started = time.perf_counter()
    learning.load_curriculum(ROOT / "content" / "vi")
    nation = AdminUnit.objects.filter(level=Level.NATION).first()
    if nation is None:
        nation = AdminUnit(code="VN", name="Việt Nam", level=Level.NATION, kind=Kind.NATION)
        nation.save()
    province = AdminUnit(code="BP", name="Tỉnh Đo", level=Level.PROVINCE, kind=Kind.PROVINCE, parent=nation)
    province.save()
    commune = AdminUnit(code="BC", name="Xã Đo", level=Level.COMMUNE, kind=Kind.COMMUNE, parent=province)
    commune.save()
    villages = []
    for i in range(4):
        v = AdminUnit(code=f"BV{i}", name=f"Thôn Đo {i}", level=Level.VILLAGE, kind=Kind.THON, parent=commune)
        v.save()
        villages.append(v)
    youth = Organisation.objects.create(unit=commune, kind="youth_union", name="Đoàn Thanh niên xã Đo")
    seed_people(commune, villages, args.people, 3)
    officer = User.objects.create_user("bench_officer", password="x" * 12)
    RoleAssignment.objects.create(user=officer, unit=commune, role=Role.COMMUNE_OFFICER)
    member_user = User.objects.create_user("bench_member", password="x" * 12)
    RoleAssignment.objects.create(user=member_user, unit=villages[0], role=Role.TEAM_MEMBER)
    team = services.create_team(officer, commune, name="Tổ đo", villages=villages[:2],
                                founded_on=timezone.localdate() - datetime.timedelta(days=60), organisation=youth)
    services.add_member(officer, team, full_name="Thành viên đo", account=member_user)
    setup_s = time.perf_counter() - started

    rng = random.Random(5)
    people = list(Person.objects.filter(village__in=villages[:2]).values_list("uuid", flat=True))
    households = list(Household.objects.filter(village__in=villages[:2]).values_list("uuid", flat=True))
    skill_codes = list(Skill.objects.filter(active=True).values_list("code", flat=True))
    today = timezone.localdate()
    records = []
    n_visits = args.records * 3 // 10
    for hh in rng.sample(households, min(n_visits, len(households))):
        records.append({"kind": "visit", "id": str(uuid.uuid4()), "household": str(hh), "base_version": 0,
                        "status": rng.choice(["visited", "visited", "nobody_home", "declined"]),
                        "date": today.isoformat()})
    while len(records) < args.records:
        chosen = rng.sample(skill_codes, rng.randint(1, 3))
        records.append({
            "kind": "session", "id": str(uuid.uuid4()), "person": str(rng.choice(people)), "mode": "home",
            "date": (today - datetime.timedelta(days=rng.randint(0, 6))).isoformat(),
            "start_time": f"{rng.randint(7, 19):02d}:{rng.choice(['00', '15', '30', '45'])}",
            "minutes": rng.randint(10, 45), "skills": [{"code": c, "observed": rng.random() < 0.5} for c in chosen],
        })
    rng.shuffle(records)

    client = Client()
    client.force_login(member_user)
    # A running server is warm: load the URLconf and the views once, as the phone's bundle request would.
    assert client.get("/api/outreach/field/bundle/").status_code == 200

    def count():
        return (CoachingSession.objects.count() + HouseholdVisit.objects.count() + Achievement.objects.count()
                + SessionSkill.objects.count() + Person.objects.count())

    body = json.dumps({"records": records})
    before = count()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    response = client.post("/api/outreach/field/sync/", data=body, content_type="application/json")
    sync_s = time.perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    assert response.status_code == 200, response.content[:500]
    summary = response.json()["summary"]
    stored = count() - before

    before = count()
    started = time.perf_counter()
    again = client.post("/api/outreach/field/sync/", data=body, content_type="application/json")
    resend_s = time.perf_counter() - started
    assert again.status_code == 200
    resend_new_rows = count() - before

    def gz(data: bytes) -> int:
        return len(gzip.compress(data, 6))

    assets = 0
    for name in ("outreach/field.js", "outreach/field.css", "core/site.css"):
        assets += gz(Path(finders.find(name)).read_bytes())
    pages = {}
    for key, url in (("log", "/doi/ghi-nhan/"), ("visits", f"/doi/tham-ho/?thon={villages[0].code}")):
        page = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert page.status_code == 200, (url, page.status_code)
        raw = page.content
        transferred = len(raw) if page.get("Content-Encoding") == "gzip" else gz(raw)
        pages[key] = transferred + assets
    households_in_list = Household.objects.filter(village=villages[0]).count()
    return {
        "records": len(records), "sync_s": round(sync_s, 3), "resend_s": round(resend_s, 3),
        "resend_new_rows": resend_new_rows, "rows_stored": stored, "summary": summary,
        "page_bytes": max(pages.values()), "page_bytes_log": pages["log"], "page_bytes_visits": pages["visits"],
        "visit_list_households": households_in_list, "skills": len(skill_codes),
        "setup_s": round(setup_s, 1), "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }


if __name__ == "__main__":
    main()
