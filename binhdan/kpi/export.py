"""Dashboard tables as XLSX (openpyxl): the same figures as the page and the API."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from binhdan.kpi import registry as reg


def _book(title: str, unit, headers: list[str]):
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([f"{unit.name} — {title}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("As of %(date)s") % {"date": timezone.localdate().strftime("%d/%m/%Y")}])
    ws.append([])
    ws.append(headers)
    for cell in ws[4]:
        cell.font = Font(bold=True)
    return wb, ws


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _status(row) -> str:
    return {"green": _("reached"), "amber": _("close"), "red": _("behind"), "none": ""}[row["status"]]


def _fill(ws, rows, label=None):
    for row in rows:
        ws.append(([label] if label is not None else []) + [
            row["code"], row["name"], row["numerator"], row["denominator"], row["value"], row["target"], row["gap"],
            _status(row)])




def _headers():
    return [_("Code"), _("Indicator"), _("Numerator"), _("Denominator"), _("Value"), _("Target"), _("Gap"),
            _("Status")]


def indicators(unit, rows, year) -> bytes:
    wb, ws = _book(_("Indicators %(year)s") % {"year": year}, unit, _headers())
    _fill(ws, rows)
    return _save(wb)


def children(unit, children, year, ind=None) -> bytes:
    wb, ws = _book(_("Units %(year)s") % {"year": year}, unit, [_("Unit code"), _("Unit")] + _headers())
    for child in children:
        rows = child["rows"] if ind is None else [r for r in child["rows"] if r["code"] == ind.code]
        for row in rows:
            ws.append([child["code"], child["name"], row["code"], row["name"], row["numerator"], row["denominator"],
                       row["value"], row["target"], row["gap"], _status(row)])
    return _save(wb)


def breakdown(unit, ind, split) -> bytes:
    from binhdan.kpi.query import value_of

    wb, ws = _book(str(ind.short), unit, [_("Group"), _("Numerator"), _("Denominator"), _("Value")])
    for _label, codes in reg.SLICE_GROUPS:
        for s in codes:
            n, d = split.get(s, (0, 0))
            ws.append([str(reg.slice_label(s)), n, d, value_of(ind, n, d)])
    return _save(wb)


def target_template(unit) -> bytes:
    """A spreadsheet to fill in: one row per indicator for the unit, this year."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Chỉ tiêu"
    ws.append(["Chỉ số", "Đơn vị", "Năm", "Quý", "Chỉ tiêu", "Ghi chú"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    year = timezone.localdate().year
    for ind in reg.INDICATORS:
        ws.append([ind.code, unit.code, year, None, None, str(ind.name)])
    return _save(wb)
