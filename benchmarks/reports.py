"""Benchmark: periodic reports of a province of 100 communes (docx + xlsx).

    .venv/bin/python benchmarks/reports.py --database-url postgres://postgres@127.0.0.1:5432/bench_reports

The database named in the URL is DROPPED and created again, then dropped at the end (keep it with
--keep); a sqlite:/// URL also works (a fresh file). It builds one province of `--communes` communes ×
`--villages` villages with indicator counters and targets, daily snapshots at the start of the
quarter, outreach activities, a province plan and a plan per commune with their task tables; every
commune writes, submits and has accepted its report for the current quarter. Then it times (median
of `--runs`):

  province_report_s   compiling the province's quarterly report from the accepted commune reports
                      (live province figures + the frozen figures of every commune) and writing the
                      .docx and the .xlsx annex
  commune_report_s    one commune's quarterly report from live figures, .docx and .xlsx

Budgets: province < 10 s, commune < 2 s. Prints progress lines, then one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_reports")
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--villages", type=int, default=10, help="villages per commune")
    parser.add_argument("--activities", type=int, default=40, help="outreach activities per commune")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    return parser.parse_args()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _admin(url: str) -> tuple[str, str]:
    parts = urlparse(url)
    return urlunparse(parts._replace(path="/postgres")).replace("postgres://", "postgresql://"), parts.path.lstrip("/")


def recreate_database(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(urlparse(url).path)
        path.unlink(missing_ok=True)
        return
    import psycopg

    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        Path(urlparse(url).path).unlink(missing_ok=True)
        return
    import psycopg

    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhdan.settings")
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-reports-"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(communes: int, villages: int, activities: int, rng: random.Random):
    from django.db import transaction
    from django.utils import timezone

    from binhdan.accounts.models import RoleAssignment, User
    from binhdan.campaigns import services
    from binhdan.campaigns.models import Activity
    from binhdan.campaigns.periods import current_quarter
    from binhdan.core.roles import Role
    from binhdan.geo.models import AdminUnit, Kind, Level, Organisation
    from binhdan.kpi import registry
    from binhdan.kpi.models import Counter, Snapshot, Target

    today = timezone.localdate()
    period = current_quarter(today)
    with transaction.atomic():
        nation = AdminUnit.objects.filter(level=Level.NATION).first()
        if nation is None:
            nation = AdminUnit(code="VN", name="Việt Nam", level=Level.NATION, kind=Kind.NATION)
            nation.save()
        province = AdminUnit(code="B01", name="Tỉnh Thử Nghiệm", level=Level.PROVINCE, kind=Kind.PROVINCE,
                             parent=nation)
        province.save()
        commune_units = []
        for c in range(communes):
            unit = AdminUnit(code=f"B{c:04d}", name=f"Xã Thử {c:03d}", level=Level.COMMUNE, kind=Kind.COMMUNE,
                             parent=province)
            unit.save()
            commune_units.append(unit)
        village_units = []
        for commune in commune_units:
            for v in range(villages):
                village_units.append(AdminUnit(
                    code=f"{commune.code}V{v:02d}", name=f"Thôn {v + 1}", level=Level.VILLAGE, kind=Kind.THON,
                    parent=commune, path=f"{commune.path}{commune.code}V{v:02d}/", province_id=commune.province_id,
                    commune_id=commune.pk, name_folded=f"thon {v + 1}"))
        AdminUnit.objects.bulk_create(village_units, batch_size=2000)
        village_units = list(AdminUnit.objects.filter(level=Level.VILLAGE, path__startswith=province.path))
        orgs = []
        for commune in commune_units:
            for kind, name in (("peoples_committee", f"Ủy ban nhân dân {commune.name}"),
                               ("youth_union", f"Đoàn Thanh niên {commune.name}"),
                               ("culture_society_office", f"Phòng Văn hóa – Xã hội {commune.name}")):
                org = Organisation(unit=commune, kind=kind, name=name)
                org.set_place(commune)
                orgs.append(org)
        Organisation.objects.bulk_create(orgs, batch_size=2000)
        counters, snapshots = [], []
        for village in village_units:
            for ind in registry.INDICATORS:
                if ind.kind == "count":
                    num, den = rng.randint(20, 400), 0
                elif ind.kind == "average":
                    num, den = rng.randint(100, 900), rng.randint(20, 60)
                else:
                    den = rng.randint(200, 900)
                    num = rng.randint(0, den)
                counters.append(Counter(village_id=village.pk, commune_id=village.commune_id,
                                        province_id=province.pk, indicator=ind.code, slice="",
                                        numerator=num, denominator=den))
        Counter.objects.bulk_create(counters, batch_size=5000)
        from binhdan.kpi import models as kpi_models

        commune_counter = getattr(kpi_models, "CommuneCounter", None)
        if commune_counter is not None:  # the per-commune sums that province dashboards read
            sums: dict[tuple[int, str], list[int]] = {}
            for row in counters:
                total = sums.setdefault((row.commune_id, row.indicator), [0, 0])
                total[0] += row.numerator
                total[1] += row.denominator
            commune_counter.objects.bulk_create(
                [commune_counter(commune_id=c, province_id=province.pk, indicator=code, slice="", numerator=n,
                                 denominator=d) for (c, code), (n, d) in sums.items()], batch_size=5000)
        start = period.start - datetime.timedelta(days=1)
        for commune in commune_units:
            for ind in registry.INDICATORS:
                snapshots.append(Snapshot(commune_id=commune.pk, province_id=province.pk, date=start,
                                          indicator=ind.code, numerator=rng.randint(0, 2000),
                                          denominator=rng.randint(0, 5000)))
        Snapshot.objects.bulk_create(snapshots, batch_size=5000)
        for code, value in (("adults_basic_skills", 80), ("adults_national", 60), ("digital_households", 70),
                            ("villages_with_team", 100), ("citizens_vneid2", 100)):
            target = Target(indicator=code, unit=province, year=today.year, value=value)
            target.set_place(province)
            target.save()
        kinds = list(Activity.Kind.values)
        acts = []
        for commune in commune_units:
            vs = [v for v in village_units if v.commune_id == commune.pk]
            for _ in range(activities):
                village = rng.choice(vs)
                day = period.start + datetime.timedelta(days=rng.randint(0, max(0, (today - period.start).days)))
                a = Activity(kind=rng.choice(kinds), on=day, unit=village, title="Phát thanh hướng dẫn VNeID",
                             quantity=rng.randint(1, 10), people_reached=rng.randint(50, 800))
                a.set_place(village)
                acts.append(a)
        Activity.objects.bulk_create(acts, batch_size=5000)
        # a system administrator writes every commune's report here (in production, each commune's officers)
        officer = User.objects.create_user(username="bench_province", password="x", full_name="Cán bộ tỉnh",
                                           is_superuser=True)
        RoleAssignment.objects.create(user=officer, unit=province, role=Role.PROVINCE_OFFICER)
    # Plans and their task tables (through the services, as officers make them).
    plan = services.create_plan(officer, province, number="12-KH/BTGDVTU", issuing_body="Ban Tuyên giáo",
                                title="Kế hoạch tuyên truyền phong trào năm")
    for i in range(12):
        services.add_task(officer, plan, title=f"Nhiệm vụ cấp tỉnh {i + 1}", lead_text="Sở Văn hóa",
                          time_text=f"Quý {['I', 'II', 'III', 'IV'][i % 4]}/{today.year}")
    committee = {o.unit_id: o for o in Organisation.objects.filter(kind="peoples_committee",
                                                                   unit__parent=province)}
    for commune in commune_units:
        cplan = services.create_plan(officer, commune, number="45/KH-UBND", issuing_body="UBND xã",
                                     title="Kế hoạch triển khai phong trào")
        for i in range(8):
            task = services.add_task(officer, cplan, title=f"Nhiệm vụ {i + 1} của {commune.name}",
                                     lead_text=committee[commune.pk].name,
                                     lead_organisations=[committee[commune.pk]],
                                     time_text=f"Quý {['I', 'II', 'III', 'IV'][i % 4]}/{today.year}")
            services.update_task(officer, task, status=rng.choice(["in_progress", "done", "not_started"]),
                                 progress=rng.randint(0, 100))
    return province, commune_units, officer, period


def main() -> None:
    args = parse_args()
    rng = random.Random(7)
    recreate_database(args.database_url)
    try:
        setup_django(args.database_url)
        log("migrated")
        result = run(args, rng)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.database_url)
    print(json.dumps(result))


def run(args, rng) -> dict:
    from django.utils import timezone

    from binhdan.campaigns import documents, services

    started = time.perf_counter()
    province, communes, officer, period = build(args.communes, args.villages, args.activities, rng)
    log(f"built {len(communes)} communes × {args.villages} villages in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    now = timezone.now()
    for commune in communes:
        report = services.create_report(officer, commune, period)
        services.submit_report(officer, report, now=now)
        services.accept_report(officer, report)
    log(f"{len(communes)} commune reports written, submitted and accepted in {time.perf_counter() - started:.1f} s")
    province_report = services.create_report(officer, province, period)

    def province_once() -> tuple[float, int, int]:
        t = time.perf_counter()
        figures = services.live_figures(province_report)
        docx = documents.report_docx(province_report, figures)
        xlsx = documents.report_xlsx(province_report, figures)
        return time.perf_counter() - t, len(docx), len(xlsx)

    from binhdan.campaigns.models import Report

    commune_report = Report.objects.select_related("unit").get(unit=communes[0], period_kind=period.kind,
                                                               year=period.year, number=period.number)

    def commune_once() -> tuple[float, int, int]:
        t = time.perf_counter()
        figures = services.live_figures(commune_report)
        docx = documents.report_docx(commune_report, figures)
        xlsx = documents.report_xlsx(commune_report, figures)
        return time.perf_counter() - t, len(docx), len(xlsx)

    province_runs = [province_once() for _ in range(args.runs)]
    log(f"province report: {[round(r[0], 2) for r in province_runs]} s, docx {province_runs[0][1]} B, "
        f"xlsx {province_runs[0][2]} B")
    commune_runs = [commune_once() for _ in range(args.runs)]
    log(f"commune report: {[round(r[0], 2) for r in commune_runs]} s")
    figures = services.live_figures(province_report)
    return {
        "province_report_s": round(statistics.median(r[0] for r in province_runs), 3),
        "commune_report_s": round(statistics.median(r[0] for r in commune_runs), 3),
        "communes": len(communes), "villages_per_commune": args.villages,
        "compiled_from": figures["compiled_from"], "province_docx_bytes": province_runs[0][1],
        "province_xlsx_bytes": province_runs[0][2], "budget_province_s": 10, "budget_commune_s": 2,
    }


if __name__ == "__main__":
    main()
