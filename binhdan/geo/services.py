"""Mutations of the administrative tree: loading, villages, closing and merging."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from binhdan.core import audit
from binhdan.core.tabular import Problem, TableError, cell_text, find_header, is_blank, read_rows
from binhdan.core.text import clean_name, fold
from binhdan.geo.models import VILLAGE_KINDS, AdminUnit, Kind, Level
from binhdan.kpi.tracking import track

NATION_CODE = "VN"
_PACKAGE_KINDS = {
    "tỉnh": Kind.PROVINCE,
    "thành phố trung ương": Kind.CITY,
    "xã": Kind.COMMUNE,
    "phường": Kind.WARD,
    "đặc khu": Kind.SPECIAL_ZONE,
}


def province_code(code: int | str) -> str:
    return f"{int(code):02d}"


def commune_code(code: int | str) -> str:
    return f"{int(code):05d}"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _package_divisions():
    import json

    import vietnam_provinces

    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as fh:
        return json.load(fh)


@transaction.atomic
def load_units(province_codes: list[str] | None = None) -> LoadResult:
    """Load the provinces and communes of the `vietnam-provinces` package. Re-running changes nothing."""
    divisions = _package_divisions()
    known = {province_code(p["code"]) for p in divisions}
    if province_codes:
        wanted = {province_code(c) if str(c).isdigit() else str(c) for c in province_codes}
        unknown = sorted(wanted - known)
        if unknown:
            raise ValueError(_("Unknown province code: %(codes)s") % {"codes": ", ".join(unknown)})
        divisions = [p for p in divisions if province_code(p["code"]) in wanted]

    result = LoadResult()
    nation, created = AdminUnit.objects.get_or_create(
        code=NATION_CODE, defaults={"name": "Việt Nam", "level": Level.NATION, "kind": Kind.NATION}
    )
    result.created += int(created)
    existing = {u.code: u for u in AdminUnit.objects.filter(level__in=[Level.PROVINCE, Level.COMMUNE])}

    def upsert(code, name, level, kind, parent, province_id, commune_id, batch):
        unit = existing.get(code)
        if unit is None:
            unit = AdminUnit(
                code=code, name=name, name_folded=fold(name), level=level, kind=kind, parent=parent,
                path=f"{parent.path}{code}/", province_id=province_id, commune_id=commune_id,
            )
            batch.append(unit)
            result.created += 1
        elif unit.name != name or unit.kind != kind or unit.parent_id != parent.pk:
            unit.name, unit.kind, unit.parent = name, kind, parent
            unit.save()
            result.updated += 1
        else:
            result.unchanged += 1
        return unit

    new_provinces: list[AdminUnit] = []
    provinces = {}
    for p in divisions:
        code = province_code(p["code"])
        kind = _PACKAGE_KINDS[p["division_type"]]
        name = p["name"] if p["name"].startswith(("Tỉnh ", "Thành phố ")) else f"Tỉnh {p['name']}"
        provinces[code] = upsert(
            code, name, Level.PROVINCE, kind, nation, None, None, new_provinces
        )
    AdminUnit.objects.bulk_create(new_provinces, batch_size=500)
    if new_provinces:
        provinces.update({u.code: u for u in AdminUnit.objects.filter(code__in=[u.code for u in new_provinces])})

    new_communes: list[AdminUnit] = []
    for p in divisions:
        province = provinces[province_code(p["code"])]
        for w in p.get("wards", []):
            upsert(
                commune_code(w["code"]), w["name"], Level.COMMUNE, _PACKAGE_KINDS[w["division_type"]],
                province, province.pk, None, new_communes,
            )
    AdminUnit.objects.bulk_create(new_communes, batch_size=1000)
    return result


def find_commune(code: str) -> AdminUnit:
    unit = AdminUnit.objects.filter(level=Level.COMMUNE, code=str(code).strip()).first()
    if unit is None and str(code).strip().isdigit():
        unit = AdminUnit.objects.filter(level=Level.COMMUNE, code=commune_code(code)).first()
    if unit is None:
        raise ValueError(_("Unknown commune code: %(code)s") % {"code": code})
    return unit


def next_village_code(commune: AdminUnit) -> str:
    taken = set(AdminUnit.objects.filter(parent=commune).values_list("code", flat=True))
    n = len(taken) + 1
    while f"{commune.code}-{n:03d}" in taken:
        n += 1
    return f"{commune.code}-{n:03d}"


def parse_kind(value: str) -> str | None:
    folded = fold(value).replace("_", " ")
    if not folded:
        return Kind.THON
    for kind in VILLAGE_KINDS:
        if folded in {fold(kind.value).replace("_", " "), fold(str(kind.label)), fold(kind.label.split("(")[-1].rstrip(")"))}:
            return kind
    return None


def create_village(user, commune: AdminUnit, name: str, kind: str = Kind.THON) -> AdminUnit:
    with transaction.atomic(), track() as tracker:  # a new village joins "villages with a team"
        village = AdminUnit(
            code=next_village_code(commune), name=clean_name(name), level=Level.VILLAGE, kind=kind, parent=commune
        )
        audit.audited_save(user, village)
        tracker.add(villages=[village])
    return village


def close_unit(user, unit: AdminUnit, on: datetime.date, successor: AdminUnit | None = None) -> AdminUnit:
    """Close a unit (or merge it into its successor); its records and history stay."""
    if successor is not None:
        if successor.pk == unit.pk:
            raise ValueError(_("A unit cannot be merged into itself."))
        if successor.level != unit.level:
            raise ValueError(_("A unit can only be merged into a unit of the same level."))
        if not successor.is_open:
            raise ValueError(_("The unit it is merged into is closed."))
    with transaction.atomic(), track(villages=[unit.pk] if unit.level == Level.VILLAGE else []):
        unit.valid_to = on
        unit.successor = successor
        audit.audited_save(user, unit, note="merge" if successor else "close")
    return unit


VILLAGE_COLUMNS = {
    "name": ["Tên thôn", "Tên", "Tên thôn/bản", "Tên thôn, bản, tổ dân phố", "Thôn/bản", "Thôn, bản", "Tên đơn vị", "name"],
    "kind": ["Loại", "Loại đơn vị", "Phân loại", "kind", "type"],
}


@dataclass
class VillageImport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def import_villages(user, commune: AdminUnit, data: bytes, filename: str, *, commit: bool = True) -> VillageImport:
    """Villages of one commune from XLSX/CSV (columns: name, kind). All or nothing."""
    result = VillageImport()
    try:
        rows = read_rows(data, filename)
        header, mapping = find_header(rows, VILLAGE_COLUMNS, required=["name"])
    except TableError as exc:
        result.problems.append(Problem(None, "", "", str(exc)))
        return result
    existing = {u.name_folded: u for u in AdminUnit.objects.filter(parent=commune, valid_to__isnull=True)}
    seen: dict[str, int] = {}
    planned: list[tuple[str, str]] = []
    name_col = rows[header][mapping["name"]]
    kind_col = rows[header][mapping["kind"]] if "kind" in mapping else ""
    for index, row in enumerate(rows[header + 1 :], start=header + 2):
        if is_blank(row):
            continue
        name = clean_name(cell_text(row[mapping["name"]]) if mapping["name"] < len(row) else "")
        raw_kind = cell_text(row[mapping["kind"]]) if "kind" in mapping and mapping["kind"] < len(row) else ""
        if not name:
            result.problems.append(Problem(index, cell_text(name_col), "", _("The name is blank.")))
            continue
        key = fold(name)
        if key in seen:
            result.problems.append(
                Problem(index, cell_text(name_col), name, _("Duplicate name (already on row %(row)s).") % {"row": seen[key]})
            )
            continue
        seen[key] = index
        kind = parse_kind(raw_kind)
        if kind is None:
            result.problems.append(
                Problem(index, cell_text(kind_col), raw_kind,
                        _("Unknown kind. Use one of: thôn, bản, tổ dân phố, ấp, khu phố, buôn, làng, xóm, khóm, plei."))
            )
            continue
        planned.append((name, kind))
    if not planned and not result.problems:
        result.problems.append(Problem(None, "", "", _("The file has no village rows.")))
    if result.problems or not commit:
        for name, kind in planned:
            unit = existing.get(fold(name))
            (result.created if unit is None else result.unchanged if unit.kind == kind else result.updated).append(name)
        return result
    with transaction.atomic():
        for name, kind in planned:
            unit = existing.get(fold(name))
            if unit is None:
                create_village(user, commune, name, kind)
                result.created.append(name)
            elif unit.kind != kind:
                unit.kind = kind
                audit.audited_save(user, unit, note="import")
                result.updated.append(name)
            else:
                result.unchanged.append(name)
    return result
