"""Every change of the indicators app: targets (one by one or from XLSX), snapshots,
reconciliation and rebuilds. Atomic and audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from binhdan.core import audit, tabular
from binhdan.core.models import AuditLog
from binhdan.core.text import fold
from binhdan.geo.models import AdminUnit
from binhdan.kpi import registry as reg
from binhdan.kpi.models import CommuneCounter, Snapshot, State, Target

# --- targets ---------------------------------------------------------------------------------

def find_indicator(text) -> reg.Indicator | None:
    """An indicator by its code, or by its name or short name in either language."""
    value = tabular.cell_text(text)
    if value in reg.BY_CODE:
        return reg.BY_CODE[value]
    folded = fold(value)
    if not folded:
        return None
    for ind in reg.INDICATORS:
        names = {fold(ind.code), fold(str(ind.name)), fold(str(ind.short))}
        from django.utils import translation

        for lang in ("vi", "en"):
            with translation.override(lang):
                names.update({fold(str(ind.name)), fold(str(ind.short))})
        if folded in names:
            return ind
    return None


def check_target(user, *, indicator, unit, year, value, quarter=None) -> tuple[reg.Indicator, Decimal, dict]:
    """The clean indicator and value, or {field: message} for every problem."""
    errors: dict[str, str] = {}
    ind = indicator if isinstance(indicator, reg.Indicator) else find_indicator(indicator)
    if ind is None:
        errors["indicator"] = _("Unknown indicator “%(value)s”.") % {"value": indicator}
    if unit is None:
        errors["unit"] = _("Unknown unit.")
    elif user is not None and not AdminUnit.objects.for_user(user, "change").filter(pk=unit.pk).exists():
        errors["unit"] = _("The unit “%(value)s” is outside your area.") % {"value": unit.code}
    try:
        year = int(year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = _("The year “%(value)s” is not a year between 2000 and 2100.") % {"value": year}
    if quarter not in (None, ""):
        try:
            quarter = int(quarter)
            if not 1 <= quarter <= 4:
                raise ValueError
        except (TypeError, ValueError):
            errors["quarter"] = _("The quarter “%(value)s” must be 1, 2, 3 or 4.") % {"value": quarter}
    number = None
    try:
        number = Decimal(str(value).strip().replace("%", "").replace(",", ".")) if value not in (None, "") else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        errors["value"] = _("The target “%(value)s” is not a number.") % {"value": value}
    elif ind is not None and ind.kind == reg.PERCENT and not (0 <= number <= 100):
        errors["value"] = _("The target “%(value)s” is a percentage: it must be between 0 and 100.") % {
            "value": value}
    elif ind is not None and ind.kind == reg.COUNT and number < 0:
        errors["value"] = _("The target “%(value)s” cannot be negative.") % {"value": value}
    elif ind is not None and ind.kind == reg.AVERAGE and not (-100 <= number <= 100):
        errors["value"] = _("The target “%(value)s” must be between −100 and 100 points.") % {"value": value}
    return ind, number, errors


def set_target(user, *, indicator, unit, year, value, quarter=None, note: str = "") -> Target:
    """Create or change the target of an indicator for a unit and year (and quarter).
    `user` None is the system itself (demo, commands): no scope check."""
    ind, number, errors = check_target(user, indicator=indicator, unit=unit, year=year, value=value,
                                       quarter=quarter)
    if errors:
        if set(errors) == {"unit"} and unit is not None:
            raise PermissionDenied(errors["unit"])
        raise ValidationError(errors)
    quarter = int(quarter) if quarter not in (None, "") else None
    with transaction.atomic():
        target = Target.objects.select_for_update().filter(indicator=ind.code, unit=unit, year=int(year),
                                                           quarter=quarter).first()
        if target is None:
            target = Target(indicator=ind.code, unit=unit, year=int(year), quarter=quarter, created_by=_user(user))
            target.set_place(unit)
        target.value = number.quantize(Decimal("0.01"))
        target.note = (note or "")[:255]
        audit.audited_save(user, target)
    return target


def delete_target(user, target: Target) -> None:
    if not Target.objects.for_user(user, "change").filter(pk=target.pk).exists():
        raise PermissionDenied
    audit.audited_delete(user, target)


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


TARGET_COLUMNS = {
    "indicator": ["indicator", "chỉ số", "mã chỉ số", "chỉ tiêu về", "tên chỉ số"],
    "unit": ["unit", "unit code", "đơn vị", "mã đơn vị", "mã đơn vị hành chính", "địa bàn"],
    "year": ["year", "năm"],
    "quarter": ["quarter", "quý"],
    "value": ["target", "value", "chỉ tiêu", "giá trị", "mục tiêu", "chỉ tiêu (%)"],
    "note": ["note", "ghi chú", "nguồn"],
}
REQUIRED_COLUMNS = ["indicator", "unit", "year", "value"]
FIELD_LABELS = {"indicator": "Chỉ số", "unit": "Đơn vị", "year": "Năm", "quarter": "Quý", "value": "Chỉ tiêu",
                "note": "Ghi chú"}


@dataclass
class ImportResult:
    problems: list = field(default_factory=list)
    created: int = 0
    updated: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def import_targets(user, data: bytes, filename: str = "", *, commit: bool = True) -> ImportResult:
    """Check every row of a targets spreadsheet; import all of them or none."""
    result = ImportResult()
    try:
        rows = tabular.read_rows(data, filename)
        header, mapping = tabular.find_header(rows, TARGET_COLUMNS, REQUIRED_COLUMNS)
    except tabular.TableError as exc:
        result.problems.append(tabular.Problem(None, "", "", str(exc)))
        return result
    clean = []
    seen = {}
    units = {u.code: u for u in AdminUnit.objects.filter(code__in={
        tabular.cell_text(r[mapping["unit"]]) for r in rows[header + 1:] if len(r) > mapping["unit"]})}
    for index, row in enumerate(rows[header + 1:], start=header + 2):
        if tabular.is_blank(row):
            continue
        result.rows += 1

        def cell(name, row=row):
            col = mapping.get(name)
            return row[col] if col is not None and col < len(row) else None

        code = tabular.cell_text(cell("unit"))
        unit = units.get(code)
        if unit is None:
            result.problems.append(tabular.Problem(index, FIELD_LABELS["unit"], code,
                                                   _("No administrative unit has this code.")))
        quarter = tabular.cell_text(cell("quarter")) or None
        value = cell("value")
        if isinstance(value, float) and 0 < value <= 1 and isinstance(cell("value"), float) and _percent_style(
                rows, header, mapping):
            value = round(value * 100, 2)
        ind, number, errors = check_target(user, indicator=tabular.cell_text(cell("indicator")), unit=unit,
                                           year=tabular.cell_text(cell("year")), value=tabular.cell_text(value),
                                           quarter=quarter)
        for name, message in errors.items():
            if name == "unit" and unit is None:
                continue
            raw = {"indicator": cell("indicator"), "unit": code, "year": cell("year"), "quarter": quarter,
                   "value": value}.get(name)
            result.problems.append(tabular.Problem(index, FIELD_LABELS[name], tabular.cell_text(raw), message))
        if errors or unit is None:
            continue
        key = (ind.code, unit.pk, int(tabular.cell_text(cell("year"))), int(quarter) if quarter else None)
        if key in seen:
            result.problems.append(tabular.Problem(
                index, FIELD_LABELS["indicator"], tabular.cell_text(cell("indicator")),
                _("The same target is already on row %(row)s.") % {"row": seen[key]}))
            continue
        seen[key] = index
        clean.append((ind, unit, key[2], key[3], number, tabular.cell_text(cell("note"))))
    if not result.rows and not result.problems:
        result.problems.append(tabular.Problem(None, "", "", _("The file has no target rows.")))
    if result.problems or not commit:
        return result
    with transaction.atomic():
        for ind, unit, year, quarter, number, note in clean:
            exists = Target.objects.filter(indicator=ind.code, unit=unit, year=year, quarter=quarter).exists()
            set_target(user, indicator=ind, unit=unit, year=year, value=number, quarter=quarter, note=note)
            if exists:
                result.updated += 1
            else:
                result.created += 1
        audit.record(user, AuditLog.Action.IMPORT, Target(indicator="", unit_id=None), note=_(
            "%(created)d targets added, %(updated)d changed from %(file)s") % {
            "created": result.created, "updated": result.updated, "file": filename[:100]})
    return result


def _percent_style(rows, header, mapping) -> bool:
    """True when every filled value of a percent column is a fraction (Excel "85%" cells)."""
    col = mapping["value"]
    values = [r[col] for r in rows[header + 1:] if col < len(r) and r[col] not in (None, "")]
    return bool(values) and all(isinstance(v, float) and 0 <= v <= 1 for v in values) and any(
        isinstance(v, float) and not float(v).is_integer() for v in values)


# --- snapshots -------------------------------------------------------------------------------

def take_snapshots(day: datetime.date | None = None, *, communes=None) -> int:
    """Write every commune's totals for `day` (default today). Returns the rows written."""
    from binhdan.geo.models import Level

    day = day or timezone.localdate()
    rollover()
    qs = CommuneCounter.objects.filter(slice=reg.TOTAL)
    if communes is not None:
        qs = qs.filter(commune_id__in=list(communes))
    rows = qs.values("commune_id", "province_id", "indicator").annotate(n=Sum("numerator"), d=Sum("denominator"))
    found = {(r["commune_id"], r["indicator"]): r for r in rows}
    commune_ids = AdminUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True)
    if communes is not None:
        commune_ids = commune_ids.filter(pk__in=list(communes))
    places = dict(commune_ids.values_list("pk", "province_id"))
    with transaction.atomic():
        Snapshot.objects.filter(date=day, commune_id__in=list(places)).delete()
        objs = []
        for cid, pid in places.items():
            for ind in reg.INDICATORS:
                r = found.get((cid, ind.code))
                objs.append(Snapshot(commune_id=cid, province_id=pid, date=day, indicator=ind.code,
                                     numerator=int(r["n"] or 0) if r else 0,
                                     denominator=int(r["d"] or 0) if r else 0))
        Snapshot.objects.bulk_create(objs, batch_size=5000)
    return len(objs)


def rollover() -> bool:
    """Ages are counted by year of birth: on a new year, recount everything once."""
    from binhdan.kpi import reconcile
    from binhdan.kpi.counters import current_year

    year = str(current_year())
    state = State.objects.filter(key="counters_year").first()
    if state is not None and state.value == year:
        return False
    if state is not None:
        reconcile.run(fix=True)
    State.objects.update_or_create(key="counters_year", defaults={"value": year})
    return state is not None


def record_export(user, unit, what: str, rows: int) -> None:
    audit.record(user, AuditLog.Action.EXPORT, unit, note=f"kpi {what} {rows} rows")
