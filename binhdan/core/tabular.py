"""Reading the spreadsheets communes keep: XLSX (any sheet layout) and CSV.

`read_rows()` returns the cells of the first sheet as lists of Python values;
`find_header()` locates the header row among the first rows by matching column
names in many wordings, with or without diacritics, in any case.
Problems are reported as `Problem(row, column, value, message)`; row numbers are the
ones the officer sees in Excel (1-based).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from binhdan.core.text import fold


class TableError(ValueError):
    """The file as a whole cannot be read."""


@dataclass
class Problem:
    row: int | None
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column “%(column)s”") % {"column": self.column})
        prefix = ", ".join(where)
        value = f" “{self.value}”" if self.value not in ("", None) else ""
        return f"{prefix}{value}: {self.message}" if prefix else f"{self.message}{value}"


XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls, or an encrypted (password-protected) .xlsx


def read_rows(data: bytes, filename: str = "") -> list[list]:
    """All rows of the first sheet (XLSX) or of the CSV file."""
    if not data:
        raise TableError(_("The file is empty."))
    limit = getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024)
    if len(data) > limit:
        raise TableError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(len(data) / 1048576, 1), "limit": round(limit / 1048576)}
        )
    name = filename.lower()
    if data.startswith(OLE_MAGIC):
        raise TableError(
            _("The file is password-protected or in the old .xls format. Save it as .xlsx without a password.")
        )
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise TableError(_("The file is not a valid Excel workbook."))
    return _read_csv(data)


def _read_xlsx(data: bytes) -> list[list]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not book.sheet_names:
            raise TableError(_("The workbook has no sheet."))
        sheet = book.get_sheet_by_index(0)
        return [list(row) for row in sheet.to_python(skip_empty_area=False)]
    except TableError:
        raise
    except Exception as exc:  # calamine raises its own error types
        raise TableError(_("The Excel file cannot be read: %(error)s") % {"error": exc}) from exc


def _read_csv(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "cp1258", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(_("The file is neither XLSX nor a text CSV file."))
    if "\x00" in text[:4096]:
        raise TableError(_("The file is neither XLSX nor a text CSV file."))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def is_blank(row: list) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def find_header(
    rows: list[list], aliases: dict[str, list[str]], required: list[str], search_rows: int = 30
) -> tuple[int, dict[str, int]]:
    """Index of the header row and {field: column index}.

    `aliases` maps each field to the ways officers name its column; matching is on
    folded text (no diacritics, lower case, single spaces), exact first, then prefix.
    """
    folded_aliases = {field: [fold(a) for a in names] for field, names in aliases.items()}
    best: tuple[int, dict[str, int]] | None = None
    for index, row in enumerate(rows[:search_rows]):
        mapping: dict[str, int] = {}
        cells = [fold(cell_text(c)).rstrip(":*") for c in row]
        for field, names in folded_aliases.items():
            for col, cell in enumerate(cells):
                if cell and col not in mapping.values() and cell in names:
                    mapping[field] = col
                    break
        for field, names in folded_aliases.items():
            if field in mapping:
                continue
            for col, cell in enumerate(cells):
                if cell and col not in mapping.values() and any(cell.startswith(n) for n in names if len(n) > 3):
                    mapping[field] = col
                    break
        if best is None or len(mapping) > len(best[1]):
            best = (index, mapping)
        if all(f in mapping for f in required):
            return index, mapping
    found = best[1] if best else {}
    missing = [f for f in required if f not in found]
    raise TableError(
        _("No header row with the required columns was found. Missing: %(columns)s.")
        % {"columns": ", ".join(aliases[f][0] for f in missing)}
    )
