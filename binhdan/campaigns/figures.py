"""The figures of a period for a unit: indicators against targets (from binhdan.kpi.query), count
indicators over the period, outreach activities, task progress and commendations.

Everything returned is plain JSON, so a submitted report can store it unchanged ("frozen").
A province report compiles the frozen figures of its communes' accepted reports.
"""

from __future__ import annotations

import datetime
import decimal
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils import timezone, translation

from binhdan.campaigns.models import Activity, Commendation, Report, Task
from binhdan.campaigns.periods import Period
from binhdan.geo.models import AdminUnit, Level

INDICATOR_FIELDS = ("code", "name", "short", "kind", "numerator", "denominator", "value", "target", "gap",
                    "status")
_PLACE_FIELD = {Level.PROVINCE: "province_id", Level.COMMUNE: "commune_id", Level.VILLAGE: "village_id"}


def _plain(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)


def _field(row, name):
    if isinstance(row, dict):
        return row.get(name)
    return getattr(row, name, None)


def _indicator(row) -> dict:
    return {name: _plain(_field(row, name)) for name in INDICATOR_FIELDS}


def _kpi():
    """binhdan.kpi.query, or None while the indicators engine is not installed."""
    try:
        from binhdan.kpi import query
    except ImportError:
        return None
    return query


def _as_of(period: Period, today: datetime.date) -> datetime.date | None:
    """None (the live counters) while the period runs; the last day of a past period otherwise."""
    return None if period.end >= today else period.end


def _quarter(period: Period) -> int | None:
    return period.number if period.kind == "quarter" else None


def indicators(unit: AdminUnit, period: Period, today: datetime.date) -> tuple[list[dict], list[dict]]:
    """(the unit's indicator rows, [{code, name, rows}] for each child unit)."""
    query = _kpi()
    if query is None:
        return [], []
    as_of = _as_of(period, today)
    rows = [_indicator(r) for r in query.indicator_rows(unit, as_of=as_of, year=period.year,
                                                        quarter=_quarter(period))]
    children = []
    for child in query.child_rows(unit, as_of=as_of, year=period.year, quarter=_quarter(period)):
        child_unit = _field(child, "unit")
        code = _field(child, "code") or getattr(child_unit, "code", None)
        name = _field(child, "name") or getattr(child_unit, "name", None)
        children.append({"code": _plain(code), "name": _plain(name),
                         "rows": [_indicator(r) for r in (_field(child, "rows") or [])]})
    return rows, children


def counts(unit: AdminUnit, period: Period, rows: list[dict], today: datetime.date) -> list[dict]:
    """Count indicators (coaching sessions, classes held…): how much they grew over the period."""
    query = _kpi()
    if query is None or not hasattr(query, "period_change"):
        return []
    found = []
    end = min(period.end, today)
    before = period.start - datetime.timedelta(days=1)
    for row in rows:
        if row.get("kind") != "count":
            continue
        change = query.period_change(unit, row["code"], before, end)
        if isinstance(change, dict):
            value = change.get("change", change.get("value"))
        else:
            value = change
        found.append({"code": row["code"], "name": row["name"], "change": _plain(value),
                      "total": row.get("numerator") if row.get("numerator") is not None else row.get("value")})
    return found


def _place_filter(unit: AdminUnit, prefix: str = "") -> Q:
    if unit.level == Level.NATION:
        return Q()
    return Q(**{prefix + _PLACE_FIELD[unit.level]: unit.pk})


def activities(unit: AdminUnit, period: Period) -> dict:
    """Totals of outreach activities over the period, by kind and by child unit."""
    qs = Activity.objects.filter(_place_filter(unit), on__gte=period.start, on__lte=period.end)
    labels = dict(Activity.Kind.choices)
    by_kind = {row["kind"]: row for row in qs.values("kind").annotate(
        n=Count("id"), quantity=Sum("quantity"), reached=Sum("people_reached")).order_by()}
    kinds = [{"kind": k, "label": str(labels[k]), "count": by_kind[k]["n"], "quantity": by_kind[k]["quantity"] or 0,
              "reached": by_kind[k]["reached"] or 0} for k in Activity.Kind.values if k in by_kind]
    child_field = {Level.NATION: "province", Level.PROVINCE: "commune", Level.COMMUNE: "village"}.get(unit.level)
    by_unit = []
    if child_field:
        rows = qs.values(f"{child_field}__code", f"{child_field}__name").annotate(
            n=Count("id"), quantity=Sum("quantity"), reached=Sum("people_reached")).order_by(
            f"{child_field}__name")
        for row in rows:
            by_unit.append({"code": row[f"{child_field}__code"] or unit.code,
                            "name": row[f"{child_field}__name"] or unit.name,
                            "count": row["n"], "quantity": row["quantity"] or 0, "reached": row["reached"] or 0})
    total = {"count": sum(k["count"] for k in kinds), "quantity": sum(k["quantity"] for k in kinds),
             "reached": sum(k["reached"] for k in kinds)}
    return {"by_kind": kinds, "by_unit": by_unit, "total": total}


def unit_tasks(unit: AdminUnit):
    """Tasks of plans covering the unit, and tasks led by its own organisations (for a commune, also
    those of its villages). The tasks of lower units are in their own reports."""
    own = Q(lead_organisations__unit=unit)
    if unit.level == Level.COMMUNE:
        own |= Q(lead_organisations__unit__parent=unit)
    led = Task.objects.filter(own).values("pk")
    return Task.objects.filter(Q(plan__unit=unit) | Q(pk__in=led))


def tasks(unit: AdminUnit, period: Period, today: datetime.date) -> list[dict]:
    qs = unit_tasks(unit).exclude(status=Task.Status.CANCELLED).filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=period.end)).exclude(
        status=Task.Status.DONE, due_on__lt=period.start).select_related("plan").order_by(
        "plan__issued_on", "plan_id", "position")
    labels = dict(Task.Status.choices)
    return [{"plan": t.plan.number or t.plan.title[:40], "position": t.position, "title": t.title,
             "lead": t.lead_text, "time": t.time_text, "status": t.status, "status_label": str(labels[t.status]),
             "progress": t.progress, "result": t.result,
             "overdue": bool(t.due_on and t.due_on < today and t.status != Task.Status.DONE)} for t in qs]


def commendations(unit: AdminUnit, period: Period) -> list[dict]:
    qs = Commendation.objects.filter(_place_filter(unit), status=Commendation.Status.APPROVED,
                                     decided_on__gte=period.start, decided_on__lte=period.end)
    labels = dict(Commendation.Category.choices)
    return [{"category": row["category"], "label": str(labels[row["category"]]), "count": row["n"]}
            for row in qs.values("category").annotate(n=Count("id")).order_by("category")]


def gather(unit: AdminUnit, period: Period, *, today: datetime.date | None = None) -> dict:
    """The live figures of `unit` for `period`, as plain JSON. Labels are in Vietnamese, the language of
    the document, whatever the language of the page that asks."""
    with translation.override("vi"):
        return _gather(unit, period, today or timezone.localdate())


def _gather(unit: AdminUnit, period: Period, today: datetime.date) -> dict:
    rows, children = indicators(unit, period, today)
    return {
        "as_of": timezone.now().isoformat(),
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "period": {"kind": period.kind, "year": period.year, "number": period.number, "label": period.label,
                   "start": period.start.isoformat(), "end": period.end.isoformat()},
        "indicators": rows,
        "children": children,
        "counts": counts(unit, period, rows, today),
        "activities": activities(unit, period),
        "tasks": tasks(unit, period, today),
        "commendations": commendations(unit, period),
    }


def submissions(province: AdminUnit, period: Period, today: datetime.date | None = None) -> list[dict]:
    """Every open commune of the province with its report for the period: on time, late, missing…"""
    today = today or timezone.localdate()
    communes = AdminUnit.objects.filter(parent=province, level=Level.COMMUNE, valid_to__isnull=True).order_by(
        "name_folded")
    reports = {r.unit_id: r for r in Report.objects.filter(
        province=province, unit__level=Level.COMMUNE, period_kind=period.kind, year=period.year,
        number=period.number).only("uuid", "unit_id", "status", "due_on", "first_submitted_at", "submitted_at",
                                   "accepted_at", "review_comment")}
    rows = []
    for commune in communes:
        report = reports.get(commune.pk)
        due = report.due_on if report else None
        if report is None or report.first_submitted_at is None:
            state = "missing"
        elif report.on_time:
            state = "on_time"
        else:
            state = "late"
        rows.append({"unit": commune, "report": report, "state": state, "due_on": due,
                     "status": report.status if report else None})
    return rows


def compile_province(province: AdminUnit, period: Period, *, today: datetime.date | None = None) -> dict:
    """The province figures: its own live indicators, the submission status of every commune, and the
    frozen figures of the accepted commune reports (indicators by commune, activities, tasks)."""
    today = today or timezone.localdate()
    figures = gather(province, period, today=today)
    with translation.override("vi"):
        return _compile(province, period, today, figures)


def _compile(province: AdminUnit, period: Period, today: datetime.date, figures: dict) -> dict:
    accepted = list(Report.objects.filter(province=province, unit__level=Level.COMMUNE, period_kind=period.kind,
                                          year=period.year, number=period.number,
                                          status=Report.Status.ACCEPTED).select_related("unit").order_by(
        "unit__name_folded"))
    children = []
    activity_kinds: dict[str, dict] = {}
    activity_units = []
    count_totals: dict[str, dict] = {}
    commended: dict[str, dict] = defaultdict(lambda: {"count": 0})
    for report in accepted:
        frozen = report.figures or {}
        children.append({"code": report.unit.code, "name": report.unit.name,
                         "rows": frozen.get("indicators", []), "as_of": frozen.get("as_of")})
        acts = frozen.get("activities") or {}
        for k in acts.get("by_kind", []):
            into = activity_kinds.setdefault(k["kind"], {"kind": k["kind"], "label": k["label"], "count": 0,
                                                         "quantity": 0, "reached": 0})
            for key in ("count", "quantity", "reached"):
                into[key] += k[key]
        total = acts.get("total") or {"count": 0, "quantity": 0, "reached": 0}
        activity_units.append({"code": report.unit.code, "name": report.unit.name, **total})
        for c in frozen.get("counts", []):
            into = count_totals.setdefault(c["code"], {"code": c["code"], "name": c["name"], "change": 0, "total": 0})
            into["change"] += c.get("change") or 0
            into["total"] += c.get("total") or 0
        for c in frozen.get("commendations", []):
            commended[c["category"]].update(category=c["category"], label=c["label"])
            commended[c["category"]]["count"] += c["count"]
    order = {k: i for i, k in enumerate(Activity.Kind.values)}
    kinds = sorted(activity_kinds.values(), key=lambda k: order.get(k["kind"], 99))
    figures["children"] = children
    figures["compiled_from"] = len(accepted)
    figures["activities_compiled"] = {
        "by_kind": kinds, "by_unit": activity_units,
        "total": {key: sum(k[key] for k in kinds) for key in ("count", "quantity", "reached")}}
    if count_totals and not figures["counts"]:
        figures["counts"] = list(count_totals.values())
    figures["counts_compiled"] = list(count_totals.values())
    figures["commendations_compiled"] = list(commended.values())
    figures["submissions"] = [
        {"code": row["unit"].code, "name": row["unit"].name, "state": row["state"], "status": row["status"],
         "submitted_at": row["report"].first_submitted_at.isoformat() if row["report"] and
         row["report"].first_submitted_at else None}
        for row in submissions(province, period, today)]
    return figures
