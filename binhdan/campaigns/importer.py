"""Importing a plan's task table from XLSX/CSV, shaped like the appendix of plan 003:
STT | Nhiệm vụ, giải pháp | Đơn vị thực hiện | Phối hợp | Thời gian | Ghi chú.

Every row is checked first; any problem (a missing column, an empty task, a lead unit that is not a
known organisation) is reported with its row, column, value and reason, and nothing is imported.
Several lead units in one cell are separated by ";" or a line break (names may contain commas).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from binhdan.campaigns.models import Plan, Task
from binhdan.campaigns.services import add_task, parse_time_frame
from binhdan.core import audit
from binhdan.core.tabular import Problem, TableError, cell_text, find_header, is_blank, read_rows
from binhdan.core.text import fold
from binhdan.geo.models import AdminUnit, Organisation

COLUMNS = {
    "task": ["Nhiệm vụ, giải pháp", "Nhiệm vụ", "Nội dung nhiệm vụ", "Nội dung", "Task"],
    "lead": ["Đơn vị thực hiện", "Đơn vị chủ trì", "Cơ quan chủ trì", "Chủ trì", "Lead unit"],
    "partners": ["Phối hợp", "Đơn vị phối hợp", "Cơ quan phối hợp", "Partners", "Partner units"],
    "time": ["Thời gian", "Thời gian thực hiện", "Thời hạn", "Time", "Time frame"],
    "note": ["Ghi chú", "Note"],
    "position": ["STT", "TT", "Số thứ tự", "No."],
}
REQUIRED = ["task", "lead", "partners", "time"]
_SPLIT = re.compile(r"[;\n]+")
_PREFIXES = ("ubnd ", "uy ban nhan dan ")


@dataclass
class PlanImport:
    tasks: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def organisation_index(plan: Plan) -> dict[str, Organisation]:
    """Organisations a plan may name: those of its unit's subtree and of the units above it."""
    unit = plan.unit
    codes = [c for c in unit.path.strip("/").split("/") if c]
    orgs = Organisation.objects.filter(active=True).filter(unit__path__startswith=unit.path) | \
        Organisation.objects.filter(active=True, unit__code__in=codes)
    index: dict[str, Organisation] = {}
    for org in orgs.select_related("unit"):
        index.setdefault(fold(org.name), org)
        if org.kind == Organisation.Kind.PEOPLES_COMMITTEE:
            for prefix in _PREFIXES:
                index.setdefault(prefix + fold(org.unit.name), org)
    for committee_unit in AdminUnit.objects.filter(path__startswith=unit.path, level__lte=2):
        org = index.get("uy ban nhan dan " + fold(committee_unit.name))
        if org:
            index.setdefault(fold(committee_unit.name), org)
    return index


def split_names(text: str) -> list[str]:
    return [part.strip(" .-–•") for part in _SPLIT.split(text or "") if part.strip(" .-–•")]


def resolve(text: str, index: dict[str, Organisation]) -> tuple[list[Organisation], list[str]]:
    """Organisations named in a cell, and the names that match none. Names may contain commas
    ("Sở Văn hóa, Thể thao và Du lịch"), so comma-separated pieces are joined greedily, longest first."""
    found: list[Organisation] = []
    unknown: list[str] = []
    for part in split_names(text):
        if fold(part) in index:
            found.append(index[fold(part)])
            continue
        pieces = [p.strip() for p in part.split(",")]
        i = 0
        while i < len(pieces):
            for j in range(len(pieces), i, -1):
                candidate = fold(", ".join(pieces[i:j]))
                if candidate in index:
                    found.append(index[candidate])
                    i = j
                    break
            else:
                unknown.append(", ".join(pieces[i:]))
                break
    return list(dict.fromkeys(found)), unknown


def check_rows(plan: Plan, data: bytes, filename: str) -> PlanImport:
    result = PlanImport()
    try:
        rows = read_rows(data, filename)
        header, mapping = find_header(rows, COLUMNS, required=REQUIRED)
    except TableError as exc:
        result.problems.append(Problem(None, "", "", str(exc)))
        return result
    names = {key: cell_text(rows[header][col]) for key, col in mapping.items()}
    index = organisation_index(plan)

    def cell(row, key):
        col = mapping.get(key)
        return cell_text(row[col]) if col is not None and col < len(row) else ""

    for number, row in enumerate(rows[header + 1:], start=header + 2):
        if is_blank(row):
            continue
        title = cell(row, "task")
        lead = cell(row, "lead")
        if not title:
            if any(cell(row, k) for k in ("lead", "partners", "time", "note")):
                result.problems.append(Problem(number, names["task"], "", _("The task is blank.")))
            continue
        if not lead:
            result.problems.append(Problem(number, names["lead"], "", _("The lead unit is blank.")))
            continue
        leads, unknown = resolve(lead, index)
        for name in unknown:
            result.problems.append(Problem(
                number, names["lead"], name,
                _("Unknown lead unit: no organisation of %(unit)s has this name. Add it under Organisations "
                  "or correct the spelling.") % {"unit": plan.unit.name}))
        if unknown:
            continue
        partners_text = cell(row, "partners")
        partners = resolve(partners_text, index)[0]
        time_text = cell(row, "time")
        starts_on, due_on = parse_time_frame(time_text)
        position = cell(row, "position")
        result.tasks.append({
            "title": title, "lead_text": lead[:500], "partners_text": partners_text[:500], "time_text": time_text[:200],
            "note": cell(row, "note")[:500], "starts_on": starts_on, "due_on": due_on, "lead_organisations": leads,
            "partner_organisations": partners,
            "position": int(position) if position.isdigit() else None,
        })
    if not result.tasks and not result.problems:
        result.problems.append(Problem(None, "", "", _("The file has no task rows.")))
    return result


def import_tasks(user, plan: Plan, data: bytes, filename: str) -> PlanImport:
    """Check every row, then add all the tasks, or none."""
    result = check_rows(plan, data, filename)
    if result.problems:
        return result
    with transaction.atomic():
        start = plan.tasks.count()
        for i, task in enumerate(result.tasks, start=1):
            if task["position"] is None:
                task["position"] = start + i
            add_task(user, plan, **task)
        audit.record(user, "import", plan, note=_("%(count)d tasks imported from %(file)s")
                     % {"count": len(result.tasks), "file": filename[:100]})
    result.created = len(result.tasks)
    return result


__all__ = ["import_tasks", "check_rows", "PlanImport", "Task"]
