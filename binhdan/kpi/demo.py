"""Demo data of the indicators: the targets of plan 001, counted counters and some history."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from binhdan.geo.models import AdminUnit
from binhdan.kpi import reconcile, services
from binhdan.kpi import registry as reg
from binhdan.kpi.models import Counter, Snapshot

PLAN_001 = "Kế hoạch 001 (Thanh Thủy, Phú Thọ), mục III"
# Section III of plan 001 (../shared/seeds/001…): per year, in percent. "Gia đình số" is a model
# to build, with no figure; villages: at least one community digital team in each.
PLAN_001_TARGETS = {
    2025: {"officials_skills": 95, "students_skills": 100, "adults_basic_skills": 80, "adults_national": 50,
           "workers_skills": 80, "citizens_vneid2": 100, "citizens_bank": 100, "villages_with_team": 100},
    2026: {"officials_skills": 100, "students_skills": 100, "adults_basic_skills": 100, "adults_national": 70,
           "workers_skills": 100, "citizens_vneid2": 100, "citizens_bank": 100, "villages_with_team": 100},
}


def load_plan_targets(unit: AdminUnit, user=None) -> int:
    n = 0
    for year, values in PLAN_001_TARGETS.items():
        for code, value in values.items():
            services.set_target(user, indicator=code, unit=unit, year=year, value=value, note=PLAN_001)
            n += 1
    return n


@transaction.atomic
def seed_kpi(commune: AdminUnit, *, days: int = 120) -> dict:
    """Targets of plan 001 for the commune's province, counters recounted from the records, and
    back-dated daily snapshots of the commune (a steady climb to today's figures)."""
    province = AdminUnit.objects.get(pk=commune.province_id) if commune.province_id else commune
    targets = load_plan_targets(province)
    result = reconcile.run(fix=True)
    today = timezone.localdate()
    totals = {}
    for code, n, d in (Counter.objects.filter(commune=commune, slice=reg.TOTAL)
                       .values_list("indicator", "numerator", "denominator")):
        n0, d0 = totals.get(code, (0, 0))
        totals[code] = (n0 + n, d0 + d)
    Snapshot.objects.filter(commune=commune, date__lt=today, date__gte=today - datetime.timedelta(days=days)).delete()
    rows = []
    for back in range(days, 0, -1):
        if back > 14 and back % 7:
            continue  # weekly further back, daily for the last two weeks
        share = 0.35 + 0.65 * (1 - back / days)
        for ind in reg.INDICATORS:
            n, d = totals.get(ind.code, (0, 0))
            rows.append(Snapshot(commune=commune, province_id=commune.province_id,
                                 date=today - datetime.timedelta(days=back), indicator=ind.code,
                                 numerator=int(n * share), denominator=d))
    Snapshot.objects.bulk_create(rows)
    services.take_snapshots(today)
    return {"targets": targets, "counters_fixed": result.differences, "snapshots": len(rows)}
