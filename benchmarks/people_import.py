"""Benchmark: importing a messy 100,000-row commune list, re-importing it, and searching.

    .venv/bin/python benchmarks/people_import.py --database-url sqlite:////tmp/bench_people.sqlite3
    .venv/bin/python benchmarks/people_import.py --database-url postgres://postgres@127.0.0.1:5432/bench_people

The database is migrated and emptied of people first (use a throw-away database). Prints
progress lines, then one JSON object as its last line:
rows, preview_s, commit_s, reimport_s, peak_mb, search_ms (budgets: preview+commit < 60 s,
peak < 1024 MB, search < 100 ms). preview_s is the upload and check as the officer starts it;
commit_s is the import task (it checks the file again against the register, then writes).
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/bench_people.sqlite3")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--villages", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of the URL when it does not exist yet."""
    from urllib.parse import urlparse

    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        return
    import psycopg

    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhdan.settings")
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_place(villages: int):
    from binhdan.geo.models import AdminUnit, Kind, Level
    from binhdan.people.models import Household, ImportJob, Person

    Person.objects.all().delete()
    Household.objects.all().delete()
    ImportJob.objects.all().delete()
    from binhdan.core.models import AuditLog

    AuditLog.objects.filter(model__startswith="people.").delete()
    nation, _ = AdminUnit.objects.get_or_create(code="BVN", defaults={"name": "Bench nation", "level": Level.NATION,
                                                                      "kind": Kind.NATION})
    province, _ = AdminUnit.objects.get_or_create(code="B44", defaults={
        "name": "Tỉnh Thử Nghiệm", "level": Level.PROVINCE, "kind": Kind.PROVINCE, "parent": nation})
    commune, _ = AdminUnit.objects.get_or_create(code="B19363", defaults={
        "name": "Xã Thử Nghiệm", "level": Level.COMMUNE, "kind": Kind.COMMUNE, "parent": province})
    from binhdan.core.demo import VILLAGE_NAMES

    units = []
    for i in range(villages):
        name = f"Thôn {VILLAGE_NAMES[i % len(VILLAGE_NAMES)]}" + (f" {i // len(VILLAGE_NAMES) + 1}"
                                                                  if i >= len(VILLAGE_NAMES) else "")
        unit, _ = AdminUnit.objects.get_or_create(code=f"B19363-{i + 1:03d}", defaults={
            "name": name, "level": Level.VILLAGE, "kind": Kind.THON, "parent": commune})
        units.append(unit)
    return commune, units


def messy_file(rows: int, villages, seed: int) -> bytes:
    """A commune list the way they look: titles, numbering row, mixed dates, IDs as numbers, phones
    written every way, capitals, blank separator rows, head-of-household rows followed by members."""
    import openpyxl

    from binhdan.people.demo import person_name

    rng = random.Random(seed)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("DS")
    sheet.append(["ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM"])
    sheet.append(["DANH SÁCH HỘ GIA ĐÌNH, NHÂN KHẨU VÀ KỸ NĂNG SỐ"])
    sheet.append([])
    sheet.append(["STT", "HỌ VÀ TÊN", "Ngày, tháng, năm sinh", "Giới tính", "Dân tộc", "Số CCCD", "SĐT",
                  "Thôn/Tổ dân phố", "Quan hệ với chủ hộ", "Nghề nghiệp", "Có ĐTTM", "VNeID", "TK ngân hàng",
                  "Zalo"])
    sheet.append([f"({i})" for i in range(1, 15)])
    made = 0
    serial = 0
    today = datetime.date.today()
    while made < rows:
        village = villages[rng.randrange(len(villages))]
        vname = village.name if rng.random() < 0.7 else village.name.upper() if rng.random() < 0.5 else \
            village.name.replace("Thôn ", "")
        size = min(rows - made, rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 6]))
        for k in range(size):
            serial += 1
            sex = "M" if (k == 0 and rng.random() < 0.7) or (k > 0 and rng.random() < 0.5) else "F"
            name = person_name(rng, sex, "01")
            if rng.random() < 0.2:
                name = name.upper()
            if rng.random() < 0.1:
                name = "  " + name.replace(" ", "  ") + " "
            age = rng.randint(25, 85) if k == 0 else rng.randint(1, 80)
            year = today.year - age
            day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
            style = rng.random()
            if style < 0.4:
                birth = day.strftime("%d/%m/%Y")
            elif style < 0.7:
                birth = datetime.datetime(day.year, day.month, day.day)
            elif style < 0.85:
                birth = (day - datetime.date(1899, 12, 30)).days
            else:
                birth = year
            id_number = f"044{rng.randint(0, 3)}{year % 100:02d}{serial:06d}"
            id_cell = int(id_number) if rng.random() < 0.6 else id_number
            if age < 14 and rng.random() < 0.7:
                id_cell = None
            phone = f"09{rng.randint(0, 99999999):08d}"
            p = rng.random()
            phone_cell = (int(phone) if p < 0.2 else "+84 " + phone[1:4] + " " + phone[4:] if p < 0.4
                          else "84" + phone[1:] if p < 0.5 else f"{phone[:4]}.{phone[4:7]}.{phone[7:]}" if p < 0.8
                          else None)
            relation = "Chủ hộ" if k == 0 else rng.choice(["Vợ", "Chồng", "Con", "con", "Cháu", "Mẹ", "Bố"])
            occupation = rng.choice(["Nông dân", "Học sinh", "Công nhân", "Tiểu thương", "Cán bộ", "Tự do", ""])
            sheet.append([serial, name, birth, "Nam" if sex == "M" else rng.choice(["Nữ", "nữ", "NU"]),
                          rng.choice(["Kinh", "kinh", "Kinh", "Vân Kiều", "Tà Ôi"]), id_cell, phone_cell, vname,
                          relation, occupation, rng.choice(["x", "", "có", "không"]),
                          rng.choice(["Mức 2", "mức 1", "", "Chưa", 2]), rng.choice(["x", ""]),
                          rng.choice(["x", "", "có"])])
            made += 1
        if rng.random() < 0.02:
            sheet.append([])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    from django.db import connection, reset_queries

    from binhdan.people import services
    from binhdan.people.models import Household, ImportJob, Person

    commune, villages = build_place(args.villages)
    started = time.perf_counter()
    data = messy_file(args.rows, villages, args.seed)
    print(f"generated {args.rows} rows, {len(data) / 1e6:.1f} MB XLSX in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)

    # The officer's path: upload (kept, then checked by the background task), then import
    # (the task checks the file again against the register and writes it in one transaction).
    t = time.perf_counter()
    job = services.start_import(None, commune, data, "bench.xlsx")
    preview_s = time.perf_counter() - t
    assert job.status == ImportJob.Status.PREVIEWED, (job.status, job.error)
    print(f"preview {preview_s:.1f} s {job.counts} problems sample {job.problems[:3]}", file=sys.stderr)

    t = time.perf_counter()
    services.request_commit(None, job, only_valid=True)
    commit_s = time.perf_counter() - t
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, (job.status, job.error)
    people = Person.objects.filter(commune=commune).count()
    households = Household.objects.filter(commune=commune).count()
    print(f"commit {commit_s:.1f} s: {people} people, {households} households", file=sys.stderr)

    t = time.perf_counter()
    again = services.start_import(None, commune, data, "bench.xlsx")
    services.request_commit(None, again, only_valid=True)
    reimport_s = time.perf_counter() - t
    again.refresh_from_db()
    after = Person.objects.filter(commune=commune).count()
    print(f"re-import {reimport_s:.1f} s {again.counts}; people before {people}, after {after}", file=sys.stderr)
    assert after == people and again.counts["new"] == 0, "re-import duplicated people"

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE people_person")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from django.core.paginator import Paginator

    terms = ["nguyen thi hoa", "tran van", "le thi thu", "hoang", "pham ngoc anh", "do duc", "bui thi lan",
             "vu van hung", "nguyen van an", "dang thi"]
    timings = []
    for _round in range(3):
        for term in terms:
            reset_queries()
            t = time.perf_counter()
            qs = Person.objects.filter(commune=commune, valid_to__isnull=True).search(term).order_by(
                "name_folded", "pk")
            page = Paginator(qs.only("uuid", "full_name", "birth_date", "birth_year"), 50).get_page(1)
            total = page.paginator.count
            rows = list(page.object_list)
            timings.append((time.perf_counter() - t) * 1000)
            if _round == 0:
                print(f"search {term!r}: {total} found, first {rows[0].full_name if rows else '-'}", file=sys.stderr)
    search_ms = round(statistics.median(timings), 1)
    print(f"search ms: median {search_ms}, max {max(timings):.1f}", file=sys.stderr)
    print(json.dumps({
        "rows": args.rows, "preview_s": round(preview_s, 1), "commit_s": round(commit_s, 1),
        "reimport_s": round(reimport_s, 1), "peak_mb": peak_mb(), "search_ms": search_ms,
        "database": connection.vendor,
    }))


if __name__ == "__main__":
    main()
