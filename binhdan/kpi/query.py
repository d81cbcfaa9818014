"""Read API of the indicators: what dashboards, reports and the API call. Never scans people.

    from binhdan.kpi import query

    query.indicator_rows(unit, *, as_of=None, year=None, quarter=None) -> list[dict]
        One dict per indicator of the registry (registry order), for the unit's whole subtree:
          code        "adults_basic_skills"
          name        "Adults with basic digital skills" (translated, str)
          short       short label (str)
          kind        "percent" | "count" | "average"
          subject     "person" | "household" | "village" | "learner" | "event"
          numerator   int | None          (None: no history for that date, see as_of)
          denominator int | None          (None for count indicators)
          value       float | None        percent 0–100 (1 decimal) for "percent"; the count for
                                          "count"; mean points for "average"; None when the
                                          denominator is 0
          target      float | None        the unit's target for `year` (a quarter target when
                                          `quarter` is given and one exists), inherited from the
                                          nearest ancestor with one
          target_unit str | None          code of the unit whose target applies
          inherited   bool                True when the target comes from an ancestor
          gap         float | None        target − value (> 0: still to do; ≤ 0: reached)
          status      "green" | "amber" | "red" | "none"
                      green: value ≥ target; amber: within KPI_AMBER_POINTS (default 10)
                      percentage points of it (counts: within that share of the target);
                      red: further; none: no target or no denominator.
        as_of=None reads the live counters; a past date reads the daily snapshots of the
        communes (the last one on or before that date). Villages have no snapshots: for a
        village, a past `as_of` gives numerator/denominator/value None.
        year defaults to as_of's year, else this year.

    query.child_rows(unit, *, as_of=None, year=None, quarter=None) -> list[dict]
        For each open child unit (provinces of the nation, communes of a province, villages
        of a commune; [] for a village), ordered by name:
          {"unit": AdminUnit, "code": str, "name": str, "rows": [indicator rows as above]}

    query.period_change(unit, code, start, end) -> int | None
        Change of the numerator of indicator `code` between the end of day `start` and the
        end of day `end` (dates), for the unit's subtree, from the daily snapshots (today or a
        later `end` reads the live counters). Meant for count indicators ("coaching sessions
        this quarter"); for a percent indicator it is the change of its numerator. A date
        before the first snapshot counts as 0. None for a village with past dates.

    query.series(unit, code, start, end) -> list[(date, numerator, denominator)]   for charts
    query.breakdown(unit, code) -> {slice: (numerator, denominator)}                live only
    query.trend(unit, days=30) -> {code: value change over the last `days` days}

The unit must already be scoped by the caller (`AdminUnit.objects.for_user(user, "view")`).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Max, Q, Sum
from django.utils import timezone

from binhdan.kpi import registry as reg

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"


def _amber_points() -> float:
    return float(getattr(settings, "KPI_AMBER_POINTS", 10))


def _scope(unit) -> dict:
    level = unit.level
    if level == 0:
        return {}
    if level == 1:
        return {"province_id": unit.pk}
    if level == 2:
        return {"commune_id": unit.pk}
    return {"village_id": unit.pk}


def _child_field(unit) -> str | None:
    return {0: "province_id", 1: "commune_id", 2: "village_id"}.get(unit.level)


def _today() -> datetime.date:
    return timezone.localdate()


# --- totals ----------------------------------------------------------------------------------

def counters_for(unit):
    """The counter table to sum for a unit: commune counters for the nation and a province
    (a hundred rows a province), village counters for a commune or a village."""
    from binhdan.kpi.models import CommuneCounter, Counter

    return CommuneCounter.objects if unit.level <= 1 else Counter.objects


def live_totals(unit, group: str | None = None) -> dict:
    """{(group id or None, code): (numerator, denominator)} from the counters."""
    fields = ["indicator"] + ([group] if group else [])
    rows = (counters_for(unit).filter(slice=reg.TOTAL, **_scope(unit)).values(*fields)
            .annotate(n=Sum("numerator"), d=Sum("denominator")).order_by())
    return {(row.get(group) if group else None, row["indicator"]): (int(row["n"] or 0), int(row["d"] or 0))
            for row in rows}


def snapshot_date(unit, on: datetime.date) -> datetime.date | None:
    from binhdan.kpi.models import Snapshot

    scope = _scope(unit)
    if "village_id" in scope:
        return None
    return Snapshot.objects.filter(date__lte=on, **scope).aggregate(m=Max("date"))["m"]


def snapshot_totals(unit, on: datetime.date, group: str | None = None) -> dict | None:
    """Totals at the end of day `on` from the communes' snapshots; None for a village."""
    from binhdan.kpi.models import Snapshot

    scope = _scope(unit)
    if "village_id" in scope or group == "village_id":
        return None
    day = snapshot_date(unit, on)
    if day is None:
        return {}
    fields = ["indicator"] + ([group] if group else [])
    rows = (Snapshot.objects.filter(date=day, **scope).values(*fields)
            .annotate(n=Sum("numerator"), d=Sum("denominator")).order_by())
    return {(row.get(group) if group else None, row["indicator"]): (int(row["n"] or 0), int(row["d"] or 0))
            for row in rows}


def totals(unit, as_of=None, group=None) -> dict | None:
    if as_of is None or as_of >= _today():
        return live_totals(unit, group)
    return snapshot_totals(unit, as_of, group)


# --- targets ---------------------------------------------------------------------------------

def _codes_of(unit) -> list[str]:
    return [c for c in unit.path.strip("/").split("/") if c]


def targets_for(units, year: int, quarter: int | None = None) -> dict:
    """{(unit code, indicator): (value, code of the unit it comes from)} with inheritance."""
    from binhdan.kpi.models import Target

    units = list(units)
    codes = set()
    for u in units:
        codes.update(_codes_of(u))
    if not codes:
        return {}
    rows = Target.objects.filter(year=year, unit__code__in=codes)
    if quarter:
        rows = rows.filter(Q(quarter=quarter) | Q(quarter__isnull=True))
    else:
        rows = rows.filter(quarter__isnull=True)
    own: dict = {}
    for code, indicator, value, q in rows.values_list("unit__code", "indicator", "value", "quarter"):
        key = (code, indicator)
        if key in own and own[key][1] is not None and q is None:
            continue  # a quarter target beats the annual one
        own[key] = (float(value), q)
    out = {}
    for u in units:
        path = _codes_of(u)
        for ind in reg.INDICATORS:
            for code in reversed(path):
                hit = own.get((code, ind.code))
                if hit is not None:
                    out[(u.code, ind.code)] = (hit[0], code)
                    break
    return out


# --- rows ------------------------------------------------------------------------------------

def status_of(kind: str, value, target, margin: float | None = None) -> str:
    if value is None or target is None:
        return NONE
    if value >= target:
        return GREEN
    margin = _amber_points() if margin is None else margin
    if kind == reg.COUNT:
        return AMBER if target and value >= target * (1 - margin / 100) else RED
    return AMBER if value >= target - margin else RED


def value_of(ind, n, d):
    if n is None:
        return None
    if ind.kind == reg.COUNT:
        return n
    if not d:
        return None
    if ind.kind == reg.PERCENT:
        return round(100.0 * n / d, 1)
    return round(n / d, 1)


def _names() -> dict:
    """{code: (name, short)} in the active language (translated once per call, not per row),
    and the amber margin under the key None."""
    names = {i.code: (str(i.name), str(i.short)) for i in reg.INDICATORS}
    names[None] = _amber_points()
    return names


def make_row(ind, unit_code: str, nd, target_info, names=None) -> dict:
    n, d = nd if nd is not None else (None, None)
    name, short = names[ind.code] if names else (str(ind.name), str(ind.short))
    if ind.kind == reg.COUNT and n is not None:
        d = None
    value = value_of(ind, n, d)
    target, source = target_info if target_info else (None, None)
    gap = None
    if target is not None and value is not None:
        gap = round(target - value, 1)
    return {
        "code": ind.code, "name": name, "short": short, "kind": ind.kind, "subject": ind.subject,
        "numerator": n, "denominator": d, "value": value, "target": target, "target_unit": source,
        "inherited": source is not None and source != unit_code, "gap": gap,
        "status": status_of(ind.kind, value, target, names[None] if names else None),
    }


def _year(as_of, year) -> int:
    if year:
        return int(year)
    return (as_of or _today()).year


def indicator_rows(unit, *, as_of=None, year=None, quarter=None, _found=None, _targets=None) -> list[dict]:
    found = totals(unit, as_of) if _found is None else _found
    targets = targets_for([unit], _year(as_of, year), quarter) if _targets is None else _targets
    rows = []
    names = _names()
    for ind in reg.INDICATORS:
        nd = None if found is None else found.get((None, ind.code), (0, 0))
        rows.append(make_row(ind, unit.code, nd, targets.get((unit.code, ind.code)), names))
    return rows


def children_of(unit):
    from binhdan.geo.models import AdminUnit

    if unit.level >= 3:
        return []
    return list(AdminUnit.objects.filter(parent=unit, valid_to__isnull=True).order_by("name_folded"))


def child_rows(unit, *, as_of=None, year=None, quarter=None, children=None, _found=None,
               _targets=None, _only=None) -> list[dict]:
    children = children_of(unit) if children is None else children
    if not children:
        return []
    group = _child_field(unit)
    found = totals(unit, as_of, group) if _found is None else _found
    targets = targets_for(children, _year(as_of, year), quarter) if _targets is None else _targets
    out = []
    names = _names()
    for child in children:
        rows = []
        for ind in _only or reg.INDICATORS:
            nd = None if found is None else found.get((child.pk, ind.code), (0, 0))
            rows.append(make_row(ind, child.code, nd, targets.get((child.code, ind.code)), names))
        out.append({"unit": child, "code": child.code, "name": child.name, "rows": rows})
    return out


def period_change(unit, code: str, start: datetime.date, end: datetime.date) -> int | None:
    reg.get(code)
    at_end = totals(unit, end if end < _today() else None)
    at_start = totals(unit, start if start < _today() else None)
    if at_end is None or at_start is None:
        return None
    return at_end.get((None, code), (0, 0))[0] - at_start.get((None, code), (0, 0))[0]


def series(unit, code: str, start: datetime.date, end: datetime.date, live=None) -> list[tuple]:
    """[(date, numerator, denominator)] per snapshot day in [start, end], then today live
    (`live`: today's (numerator, denominator) when the caller has it)."""
    from binhdan.kpi.models import Snapshot

    reg.get(code)
    scope = _scope(unit)
    points = []
    if "village_id" not in scope:
        rows = (Snapshot.objects.filter(indicator=code, date__gte=start, date__lte=end, **scope)
                .values("date").annotate(n=Sum("numerator"), d=Sum("denominator")).order_by("date"))
        points = [(r["date"], int(r["n"] or 0), int(r["d"] or 0)) for r in rows]
    today = _today()
    if end >= today:
        if live is None:
            agg = counters_for(unit).filter(indicator=code, slice=reg.TOTAL, **scope).aggregate(
                n=Sum("numerator"), d=Sum("denominator"))
            live = (int(agg["n"] or 0), int(agg["d"] or 0))
        points = [p for p in points if p[0] < today] + [(today, live[0], live[1])]
    return points


def breakdown(unit, code: str) -> dict:
    ind = reg.get(code)
    if not ind.sliced:
        return {}
    rows = (counters_for(unit).filter(indicator=code, **_scope(unit)).exclude(slice=reg.TOTAL)
            .values("slice").annotate(n=Sum("numerator"), d=Sum("denominator")).order_by())
    return {r["slice"]: (int(r["n"] or 0), int(r["d"] or 0)) for r in rows}


def trend(unit, days: int = 30, now=None) -> dict:
    """{code: change of value since `days` days ago} (from snapshots); {} without history.
    `now`: the live totals when the caller has them."""
    earlier = snapshot_totals(unit, _today() - datetime.timedelta(days=days))
    if not earlier:
        return {}
    now = live_totals(unit) if now is None else now
    out = {}
    for ind in reg.INDICATORS:
        before = value_of(ind, *earlier.get((None, ind.code), (0, 0)))
        after = value_of(ind, *now.get((None, ind.code), (0, 0)))
        if before is not None and after is not None:
            out[ind.code] = round(after - before, 1)
    return out


def dashboard(unit, *, year: int, only: str | None = None) -> dict:
    """What a live dashboard shows, with one pass over the counters: the unit's rows (summed
    from its children's), the children's rows, and the live totals for trend and series."""
    children = children_of(unit)
    group = _child_field(unit)
    targets = targets_for([unit, *children], year)
    if group:
        by_child = live_totals(unit, group)
        found: dict = {}
        for (_child, code), (n, d) in by_child.items():
            n0, d0 = found.get((None, code), (0, 0))
            found[(None, code)] = (n0 + n, d0 + d)
    else:
        by_child, found = {}, live_totals(unit)
    rows = indicator_rows(unit, year=year, _found=found, _targets=targets)
    kids = child_rows(unit, year=year, children=children, _found=by_child, _targets=targets,
                      _only=[reg.get(only)] if only else None)
    return {"rows": rows, "children": kids, "totals": found}


def rank_children(children: list[dict], code: str) -> list[dict]:
    """Children ordered by gap on `code` (largest first); no target: by value, lowest first."""
    def key(child):
        row = next(r for r in child["rows"] if r["code"] == code)
        gap = row["gap"]
        value = row["value"]
        return (0 if gap is not None else 1, -(gap or 0), value if value is not None else -1, child["name"])

    return sorted(children, key=key)

