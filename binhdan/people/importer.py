"""Importing the household and population lists communes keep in Excel or CSV.

One function, `plan()`, reads the file, finds the header, parses and checks every row and
matches it against the register; the preview shows the plan and `commit()` writes it, in one
transaction. Re-importing the same or an updated list never duplicates anyone: a row is the
same person as a register entry with the same ID number (keyed hash), else the same folded
name, birth date (or year) and village.

A blank cell never erases what the register holds; a column that is not in the file is not
touched.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhdan.core import pii
from binhdan.core.models import AuditLog
from binhdan.core.tabular import TableError, cell_text, find_header, is_blank, read_rows
from binhdan.core.text import fold
from binhdan.geo.models import AdminUnit, Level
from binhdan.people import bulk, parsing
from binhdan.people.models import Household, Person
from binhdan.people.parsing import Invalid

# Each field and the ways commune lists name its column (matched folded: no diacritics, any case).
COLUMNS: dict[str, list[str]] = {
    "full_name": ["Họ và tên", "Họ tên", "Họ và tên thành viên", "Họ tên thành viên", "Họ và tên công dân",
                  "Họ tên người dân", "Họ và tên người dân", "Tên", "Full name", "Name"],
    "head_name": ["Họ tên chủ hộ", "Họ và tên chủ hộ", "Tên chủ hộ", "Chủ hộ", "Head of household"],
    "birth": ["Ngày sinh", "Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Ngày/tháng/năm sinh", "Sinh ngày",
              "Ngày sinh (dd/mm/yyyy)", "Date of birth", "Birth date", "DOB"],
    "birth_year": ["Năm sinh", "Year of birth"],
    "sex": ["Giới tính", "Giới", "Nam/Nữ", "Nam, nữ", "GT", "Sex", "Gender"],
    "ethnicity": ["Dân tộc", "Ethnicity"],
    "id_number": ["Số CCCD", "CCCD", "Số định danh cá nhân", "Số định danh", "Mã định danh", "Số CMND", "CMND",
                  "CCCD/CMND", "Số CCCD/CMND", "CMND/CCCD", "Số CMND/CCCD", "Số căn cước", "Căn cước công dân",
                  "Số căn cước công dân", "ID number"],
    "phone": ["Số điện thoại", "Điện thoại", "SĐT", "Số ĐT", "Di động", "Điện thoại liên hệ", "Phone"],
    "village": ["Thôn", "Thôn/bản", "Thôn, bản", "Tên thôn", "Thôn/Tổ dân phố", "Thôn, tổ dân phố", "Tổ dân phố",
                "Bản", "Ấp", "Khu phố", "Xóm", "Địa bàn", "Village"],
    "household_code": ["Mã hộ", "Mã hộ gia đình", "Mã số hộ", "Số hộ", "Số sổ hộ khẩu", "Household code"],
    "relation": ["Quan hệ với chủ hộ", "Quan hệ với CH", "QH với chủ hộ", "Quan hệ chủ hộ", "Quan hệ",
                 "Relation"],
    "address": ["Địa chỉ", "Nơi ở", "Nơi ở hiện nay", "Nơi ở hiện tại", "Số nhà", "Address"],
    "occupation": ["Nghề nghiệp", "Đối tượng", "Thành phần", "Công việc", "Nghề nghiệp/Đối tượng", "Occupation"],
    "disability": ["Khuyết tật", "Người khuyết tật", "NKT", "Disability"],
    "smartphone": ["Có điện thoại thông minh", "Điện thoại thông minh", "Có ĐTTM", "ĐTTM", "Smartphone"],
    "vneid": ["VNeID", "Tài khoản VNeID", "Định danh điện tử", "Mức định danh", "Mức định danh điện tử",
              "Tài khoản định danh điện tử", "ĐDĐT"],
    "bank": ["Tài khoản ngân hàng", "Có tài khoản ngân hàng", "TK ngân hàng", "Ngân hàng số", "Bank account"],
    "email": ["Email", "Sử dụng email", "Thư điện tử", "Dùng email"],
    "zalo": ["Zalo", "Sử dụng Zalo", "Dùng Zalo"],
    "consent": ["Đồng ý xử lý dữ liệu", "Đồng ý xử lý dữ liệu cá nhân", "Đồng ý", "Consent"],
}
REQUIRED = ["full_name"]
# Synthetic fields: a "Năm sinh" header over two sub-columns "Nam" | "Nữ" (the year written
# under the person's sex), as many commune forms do.
SPLIT_BIRTH = ("birth_male", "birth_female")


def field_labels() -> dict[str, str]:
    return {
        "full_name": _("Full name"), "head_name": _("Head of household"), "birth": _("Date of birth"),
        "birth_year": _("Year of birth"), "sex": _("Sex"), "ethnicity": _("Ethnicity"),
        "id_number": _("ID number (CCCD/CMND)"), "phone": _("Phone"), "village": _("Village"),
        "household_code": _("Household code"), "relation": _("Relation to head"), "address": _("Address"),
        "occupation": _("Occupation or group"), "disability": _("Person with disability"),
        "smartphone": _("Has a smartphone"), "vneid": _("VNeID account"), "bank": _("Digital bank account"),
        "email": _("Uses email"), "zalo": _("Uses Zalo"), "consent": _("Consent to data processing"),
        "birth_male": _("Year of birth (men)"), "birth_female": _("Year of birth (women)"),
    }


FIELDS = list(COLUMNS) + list(SPLIT_BIRTH)
OCCUPATION_FLAGS = ("is_official", "is_student", "is_worker", "is_trader", "is_farmer")
# Person fields an import may change, compared to decide "updated" or "unchanged".
COMPARED = ("full_name", "birth_date", "birth_year", "sex", "ethnicity", "relation", *OCCUPATION_FLAGS,
            "has_disability", "has_smartphone", "vneid_level", "has_bank_account", "uses_email", "uses_zalo",
            "consent_at", "consent_source", "village_id", "household_id", "id_hash", "id_last4")
_NUMBERING = re.compile(r"^\(?[0-9]{1,2}\)?$")
_VILLAGE_PREFIXES = ("thon ", "ban ", "to dan pho ", "to ", "ap ", "khu pho ", "khu ", "buon ", "lang ", "xom ",
                     "khom ", "plei ")
PROGRESS_EVERY = 5000


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class Row:
    """One parsed, valid row of the file."""

    number: int
    values: dict
    village_id: int
    name_folded: str = ""
    id_hash: str = ""
    phone: str = ""
    group: tuple | None = None
    is_head: bool = False
    address: str = ""
    household_code: str = ""
    person_id: int | None = None  # the register entry it matches
    status: str = "new"  # new | updated | unchanged
    changes: dict = field(default_factory=dict)


@dataclass
class Plan:
    header_row: int | None = None  # 0-based index in the sheet
    columns: list = field(default_factory=list)  # [(index, letter, header text)]
    mapping: dict = field(default_factory=dict)  # {field: column index}
    rows: list[Row] = field(default_factory=list)
    problems: list[list] = field(default_factory=list)  # [row, letter, header, value, message]
    invalid_rows: set = field(default_factory=set)
    file_error: str = ""
    total_rows: int = 0
    groups: dict = field(default_factory=dict)  # group key → existing household id or None
    parsed_rows: list = field(default_factory=list)  # the rows as parsed, before matching
    parse_problems: list = field(default_factory=list)
    parse_invalid: set = field(default_factory=set)
    group_address: dict = field(default_factory=dict)
    group_code: dict = field(default_factory=dict)

    def counts(self) -> dict:
        c = {"new": 0, "updated": 0, "unchanged": 0}
        for row in self.rows:
            c[row.status] += 1
        c["invalid"] = len(self.invalid_rows)
        c["rows"] = self.total_rows
        c["households_new"] = sum(1 for v in self.groups.values() if v is None)
        c["problems"] = len(self.problems)
        return c


def _village_index(commune: AdminUnit) -> dict[str, int]:
    index: dict[str, int] = {}
    for pk, name, code in AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE, valid_to__isnull=True) \
            .values_list("pk", "name", "code"):
        folded = fold(name)
        index[folded] = pk
        index[fold(code)] = pk
        for prefix in _VILLAGE_PREFIXES:
            if folded.startswith(prefix):
                index.setdefault(folded[len(prefix):].strip(), pk)
                break
    return index


def _find_village(index: dict[str, int], value: str) -> int | None:
    key = fold(value).strip(" .")
    if key in index:
        return index[key]
    for prefix in _VILLAGE_PREFIXES:
        if key.startswith(prefix) and key[len(prefix):].strip() in index:
            return index[key[len(prefix):].strip()]
    digits = re.sub(r"^0+(\d)", r"\1", key.split(" ")[-1]) if key else ""
    if digits.isdigit():  # "Thôn 03" for "Thôn 3"
        for prefix in ("thon ", "to ", "to dan pho ", "ap ", "khu pho ", "xom ", "ban ", ""):
            if (prefix + digits) in index:
                return index[prefix + digits]
    return None


def detect(rows: list[list]) -> tuple[int, dict[str, int]]:
    """Header row (0-based) and {field: column}; raises TableError."""
    header, mapping = find_header(rows, COLUMNS, required=REQUIRED)
    # "Năm sinh" over "Nam" | "Nữ" sub-columns.
    if header + 1 < len(rows):
        below = [fold(cell_text(c)) for c in rows[header + 1]]
        used = {c for f, c in mapping.items() if f not in ("birth", "birth_year", "sex")}
        male = next((i for i, c in enumerate(below) if c == "nam" and i not in used), None)
        female = next((i for i, c in enumerate(below) if c == "nu" and i not in used), None)
        if male is not None and female is not None:
            mapping["birth_male"], mapping["birth_female"] = male, female
            for key in ("birth", "birth_year", "sex"):
                if mapping.get(key) in (male, female):
                    del mapping[key]
    return header, mapping


def header_columns(rows: list[list], header: int, mapping: dict) -> list[tuple[int, str, str]]:
    head = rows[header]
    split = "birth_male" in mapping
    below = rows[header + 1] if split and header + 1 < len(rows) else []
    width = max(len(head), max((len(r) for r in rows[header: header + 50]), default=0))
    out = []
    last = ""
    for i in range(width):
        text = cell_text(head[i]) if i < len(head) else ""
        sub = cell_text(below[i]) if i < len(below) else ""
        if text:
            last = text
        if sub and fold(sub) in ("nam", "nu"):
            text = f"{last} – {sub}"
        out.append((i, column_letter(i), text))
    return out


class _Problems:
    def __init__(self, plan: Plan, columns: list):
        self.plan, self.columns = plan, columns

    def add(self, number: int | None, col: int | None, value, message: str) -> None:
        letter, header = ("", "")
        if col is not None and col < len(self.columns):
            _i, letter, header = self.columns[col]
        shown = "" if value is None else (value.strftime("%d/%m/%Y") if isinstance(value, datetime.date)
                                          else cell_text(value))
        self.plan.problems.append([number, letter, header, shown[:100], message])
        if number is not None:
            self.plan.invalid_rows.add(number)


# The parsed rows of the last files checked, kept in this process so that importing right
# after the preview does not read the file again; the rows are matched against the register
# again in any case. Another process (a worker) simply reads the file again.
_PARSED: dict[str, Plan] = {}
_PARSED_KEEP = 2


def forget(cache_key: str) -> None:
    _PARSED.pop(cache_key, None)


def rekey(old: str, new: str) -> None:
    if old in _PARSED and old != new:
        _PARSED[new] = _PARSED.pop(old)


def plan(commune: AdminUnit, data: bytes, filename: str, *, mapping: dict | None = None,
         default_village: AdminUnit | None = None, today: datetime.date | None = None,
         progress: Callable[[int, int], None] | None = None, cache_key: str | None = None) -> Plan:
    """Read, check and match a file against the commune's register. Writes nothing."""
    if cache_key and cache_key in _PARSED:
        result = _PARSED[cache_key]
        if progress:
            progress(result.total_rows, result.total_rows)
        _match(commune, result)
        return result
    result = _parse(commune, data, filename, mapping=mapping, default_village=default_village, today=today,
                    progress=progress)
    if result.file_error:
        return result
    result.parsed_rows = list(result.rows)
    result.parse_problems = list(result.problems)
    result.parse_invalid = set(result.invalid_rows)
    if cache_key:
        while len(_PARSED) >= _PARSED_KEEP:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[cache_key] = result
    _match(commune, result)
    return result


def _parse(commune: AdminUnit, data: bytes, filename: str, *, mapping: dict | None = None,
           default_village: AdminUnit | None = None, today: datetime.date | None = None,
           progress: Callable[[int, int], None] | None = None) -> Plan:
    result = Plan()
    today = today or timezone.localdate()
    try:
        rows = read_rows(data, filename)
        header, detected = detect(rows)
    except TableError as exc:
        result.file_error = str(exc)
        return result
    result.header_row = header
    result.columns = header_columns(rows, header, detected)
    width = len(result.columns)
    if mapping:  # the officer's choice overrides what was detected
        detected = {f: int(c) for f, c in mapping.items() if f in FIELDS and c is not None and 0 <= int(c) < width}
    result.mapping = detected
    if "full_name" not in detected:
        result.file_error = _("Choose the column that holds the full name.")
        return result
    if "village" not in detected and default_village is None:
        result.file_error = _("The file has no village column: import it from the village's page, "
                              "or add a “Thôn” column.")
        return result
    problems = _Problems(result, result.columns)
    villages = _village_index(commune)
    village_cache: dict[str, int | None] = {}
    m = detected
    col = m.get
    data_rows = rows[header + 1:]
    result.total_rows = 0
    seen_ids: dict[str, int] = {}
    seen_keys: dict[tuple, int] = {}
    current_group: tuple | None = None
    current_group_village: int | None = None
    use_codes = "household_code" in m
    use_relation = "relation" in m
    use_head_name = "head_name" in m
    total = len(data_rows)

    def get(row, key):
        c = m.get(key)
        if c is None or c >= len(row):
            return None
        value = row[c]
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    for offset, row in enumerate(data_rows):
        number = header + 2 + offset  # the row number the officer sees in Excel
        if progress and offset % PROGRESS_EVERY == 0:
            progress(offset, total)
        if is_blank(row):
            continue
        name_raw = get(row, "full_name")
        if name_raw is None:
            # A row with no name: a sub-header or numbering row, or a title between blocks.
            if offset <= 1 or all(_NUMBERING.match(cell_text(c)) or not cell_text(c) for c in row):
                continue
            if not any(get(row, k) is not None for k in ("birth", "birth_year", "id_number", "sex", "relation",
                                                          "birth_male", "birth_female")):
                continue
        elif offset <= 1 and (_NUMBERING.match(cell_text(name_raw)) or fold(cell_text(name_raw)) in ("nam", "nu")):
            continue
        result.total_rows += 1
        values: dict = {}
        bad = False

        def fail(key, value, message, number=number):
            nonlocal bad
            bad = True
            problems.add(number, col(key), value, message)

        try:
            values["full_name"] = parsing.parse_name(name_raw)
        except Invalid as exc:
            fail("full_name", name_raw, str(exc))
        birth_date = birth_year = None
        for key in ("birth", "birth_year", "birth_male", "birth_female"):
            raw = get(row, key)
            if raw is None:
                continue
            try:
                d, y = parsing.parse_birth(raw, today)
            except Invalid as exc:
                fail(key, raw, str(exc))
                continue
            if d:
                birth_date, birth_year = d, y
            elif y and not birth_year:
                birth_year = y
            elif y and birth_date is None:
                birth_year = y
            if key == "birth_male":
                values["sex"] = "M"
            elif key == "birth_female":
                values["sex"] = "F"
        if birth_date or birth_year:
            values["birth_date"], values["birth_year"] = birth_date, birth_year
        for key, parser, target in (("sex", parsing.parse_sex, "sex"),
                                    ("ethnicity", parsing.parse_ethnicity, "ethnicity"),
                                    ("relation", parsing.parse_relation, "relation")):
            raw = get(row, key)
            if raw is None:
                continue
            try:
                parsed = parser(raw)
            except Invalid as exc:
                fail(key, raw, str(exc))
                continue
            if parsed:
                values[target] = parsed
        for key, target in (("disability", "has_disability"), ("smartphone", "has_smartphone"),
                            ("bank", "has_bank_account"), ("email", "uses_email"), ("zalo", "uses_zalo")):
            raw = get(row, key)
            if raw is None:
                continue
            try:
                flag = parsing.parse_bool(raw)
            except Invalid as exc:
                fail(key, raw, str(exc))
                continue
            if flag is not None:
                values[target] = flag
        raw = get(row, "vneid")
        if raw is not None:
            try:
                level = parsing.parse_vneid(raw)
            except Invalid as exc:
                fail("vneid", raw, str(exc))
            else:
                if level is not None:
                    values["vneid_level"] = level
        raw = get(row, "occupation")
        if raw is not None:
            flags = parsing.parse_segments(raw)
            for flag in OCCUPATION_FLAGS:
                values[flag] = flag in flags
            if "has_disability" in flags:
                values["has_disability"] = True
        raw = get(row, "consent")
        if raw is not None:
            try:
                if isinstance(raw, datetime.date) or (isinstance(raw, str) and re.search(r"\d[/.\-]\d", raw)):
                    consent_day = parsing.parse_date(raw, today)
                    values["consent_at"] = consent_day
                elif parsing.parse_bool(raw):
                    values["consent_at"] = today
            except Invalid as exc:
                fail("consent", raw, str(exc))
            if values.get("consent_at"):
                values["consent_source"] = Person.ConsentSource.COMMUNE_LIST
        # Village.
        raw = get(row, "village")
        village_id = None
        if raw is None:
            if default_village is not None:
                village_id = default_village.pk
            else:
                fail("village", "", _("The village is blank."))
        else:
            text = cell_text(raw)
            if text not in village_cache:
                village_cache[text] = _find_village(villages, text)
            village_id = village_cache[text]
            if village_id is None:
                fail("village", raw, _("No open village of %(commune)s has this name.") % {"commune": commune.name})
            elif default_village is not None and village_id != default_village.pk:
                fail("village", raw, _("This list is imported into %(village)s; the row names another village.")
                     % {"village": default_village.name})
        # Personal data.
        id_number = phone = ""
        raw = get(row, "id_number")
        if raw is not None:
            try:
                id_number = parsing.parse_id_number(raw)
            except Invalid as exc:
                fail("id_number", parsing.mask_raw(raw), str(exc))
        raw = get(row, "phone")
        if raw is not None:
            try:
                phone = parsing.parse_phone(raw)
            except Invalid as exc:
                fail("phone", parsing.mask_raw(raw), str(exc))
        hashed = pii.id_hash(id_number) if id_number else ""
        if hashed:
            if hashed in seen_ids:
                fail("id_number", pii.mask_id(id_number[-4:]),
                     _("The same ID number is already on row %(row)s.") % {"row": seen_ids[hashed]})
            else:
                seen_ids[hashed] = number
        # Household.
        code = cell_text(get(row, "household_code")) if use_codes else ""
        relation = values.get("relation", "")
        group = None
        is_head = relation == "head"
        if code:
            group = ("code", parsing.fold_fast(code))
        elif use_relation and (is_head or current_group is not None):
            if is_head or current_group_village != village_id:
                group = ("row", number)
            else:
                group = current_group
        elif use_head_name and get(row, "head_name") is not None:
            head = parsing.fold_fast(cell_text(get(row, "head_name")))
            group = ("head", village_id, head)
            if "full_name" in values and parsing.fold_fast(values["full_name"]) == head:
                is_head = True
                values.setdefault("relation", "head")
        if use_relation and not code:
            if is_head:
                current_group, current_group_village = group, village_id
            elif group is None:
                current_group = None
        if bad:
            if is_head and use_relation:
                # Members that follow an invalid head still form their household.
                current_group, current_group_village = ("row", number), village_id
            continue
        folded = parsing.fold_fast(values["full_name"])
        key = (folded, values.get("birth_date") or values.get("birth_year"), village_id)
        if not hashed and key in seen_keys:
            problems.add(number, col("full_name"), values["full_name"],
                         _("The same name, birth date and village are already on row %(row)s.") % {"row": seen_keys[key]})
            continue
        seen_keys.setdefault(key, number)
        values["village_id"] = village_id
        if id_number:
            values["id_hash"], values["id_last4"] = hashed, id_number[-4:]
        address = cell_text(get(row, "address"))[:255]
        result.rows.append(Row(number=number, values=values, village_id=village_id, id_hash=hashed, phone=phone,
                               name_folded=folded,
                               group=group, is_head=is_head, address=address, household_code=code[:32]))
        if group is not None:
            if address and group not in result.group_address:
                result.group_address[group] = address
            if code:
                result.group_code[group] = code[:32]
    if progress:
        progress(total, total)
    if result.total_rows == 0:
        result.file_error = _("The file has a header but no person rows.")
        return result
    return result


_EXISTING_FIELDS = ("pk", "uuid", "name_folded", "phone_masked", "phone_encrypted", *COMPARED)


def _match(commune: AdminUnit, result: Plan) -> None:
    """Find the register entry of each row, resolve households, and classify rows."""
    result.rows = list(result.parsed_rows or result.rows)
    result.problems = list(result.parse_problems or result.problems)
    result.invalid_rows = set(result.parse_invalid or result.invalid_rows)
    for row in result.rows:
        row.person_id, row.status, row.changes = None, "new", {}
        row.values.pop("household_id", None)
    existing = {}
    by_hash: dict[str, int] = {}
    by_name: dict[tuple, list[int]] = {}
    for values in Person.objects.filter(commune=commune, valid_to__isnull=True).values(*_EXISTING_FIELDS).iterator(
            chunk_size=5000):
        pk = values["pk"]
        existing[pk] = values
        if values["id_hash"]:
            by_hash[values["id_hash"]] = pk
        by_name.setdefault((values["name_folded"], values["birth_year"], values["village_id"]), []).append(pk)
    claimed: dict[int, int] = {}
    kept = []
    for row in result.rows:
        pk = by_hash.get(row.id_hash) if row.id_hash else None
        if pk is None:
            v = row.values
            candidates = by_name.get((row.name_folded, v.get("birth_year"), row.village_id), [])
            exact = [c for c in candidates if existing[c]["birth_date"] == v.get("birth_date")]
            loose = [c for c in candidates if existing[c]["birth_date"] is None or v.get("birth_date") is None]
            for c in exact + loose:
                other = existing[c]["id_hash"]
                if row.id_hash and other and other != row.id_hash:
                    continue  # both have an ID number and they differ: another person
                pk = c
                break
        if pk is not None and pk in claimed:
            result.problems.append([row.number, "", "", row.values.get("full_name", ""),
                                    _("This is the same person as row %(row)s.") % {"row": claimed[pk]}])
            result.invalid_rows.add(row.number)
            continue
        if pk is not None:
            claimed[pk] = row.number
        row.person_id = pk
        kept.append(row)
    result.rows = kept
    # Households: a code names a household of the commune; otherwise the household of the
    # group's head (or of any member) in the register; otherwise a new one.
    codes = dict(Household.objects.filter(commune=commune, valid_to__isnull=True).exclude(code="")
                 .values_list("code", "pk"))
    codes = {fold(k): v for k, v in codes.items()}
    groups: dict[tuple, int | None] = {}
    for row in result.rows:
        if row.group is None or row.group in groups and groups[row.group] is not None:
            continue
        if row.group[0] == "code":
            groups[row.group] = codes.get(row.group[1])
            continue
        household = existing[row.person_id]["household_id"] if row.person_id else None
        if row.group not in groups or (household is not None and row.is_head):
            groups[row.group] = household
    result.groups = groups
    for row in result.rows:
        household_id = groups.get(row.group) if row.group is not None else None
        if row.group is not None:
            row.values["household_id"] = household_id  # None: a household created on commit
        if row.person_id is None:
            row.status = "new"
            continue
        old = existing[row.person_id]
        changes = {}
        for key, value in row.values.items():
            if key == "full_name":
                if row.name_folded != old["name_folded"]:
                    changes[key] = value
                continue
            if key == "household_id" and value is None:
                changes[key] = None  # moves to a new household
                continue
            if key in ("birth_date", "birth_year") and value is None:
                continue
            if key == "consent_at" and old["consent_at"] is not None:
                continue  # consent already recorded: keep its first date
            if key == "consent_source" and old["consent_at"] is not None:
                continue
            if old.get(key) != value:
                changes[key] = value
        if row.phone:
            if old["phone_masked"] != pii.mask_phone(row.phone) or \
                    pii.decrypt(old["phone_encrypted"], "phone") != row.phone:
                changes["phone"] = row.phone
        row.changes = changes
        row.status = "updated" if changes else "unchanged"


@dataclass
class CommitResult:
    counts: dict
    created: int = 0
    updated: int = 0
    households_created: int = 0


def commit(user, commune: AdminUnit, result: Plan, *, only_valid: bool, note: str = "", job_uuid=None,
           progress: Callable[[int, int], None] | None = None) -> CommitResult:
    """Write a plan in one transaction. Refuses when there are problems unless `only_valid`.

    The audit trail gets one row per changed person (before/after, no personal data); people
    it creates carry the import's id, whose own audit row (written by the caller) says who
    imported which file, when, with what counts.
    """
    if result.file_error:
        raise ValueError(result.file_error)
    if result.problems and not only_valid:
        raise ValueError(_("The file has problems: fix them, or choose to import only the valid rows."))
    province_id = commune.province_id
    today = timezone.localdate()
    now = timezone.now()
    out = CommitResult(counts=result.counts())
    total = len(result.rows)
    bulk.large_write_cache()
    with transaction.atomic():
        # New households.
        group_village = {}
        for row in result.rows:
            if row.group is not None:
                group_village.setdefault(row.group, row.village_id)
        new_groups = [g for g, hid in result.groups.items() if hid is None and g in group_village]
        household_uuid = {g: uuid.uuid4() for g in new_groups}
        bulk.insert(Household, [
            {"uuid": household_uuid[g], "province_id": province_id, "commune_id": commune.pk,
             "village_id": group_village[g], "code": result.group_code.get(g, ""),
             "address": result.group_address.get(g, "")}
            for g in new_groups
        ], now=now)
        group_ids = dict(result.groups)
        if new_groups:
            by_uuid = {u: pk for u, pk in Household.objects.filter(commune=commune, created_at=now)
                       .values_list("uuid", "pk")}
            for g in new_groups:
                group_ids[g] = by_uuid[household_uuid[g]]
        out.households_created = len(new_groups)
        # Addresses of existing households.
        if result.group_address:
            existing_ids = {hid: g for g, hid in result.groups.items() if hid is not None}
            changed = []
            for household in Household.objects.filter(commune=commune, pk__in=list(existing_ids)) \
                    .only("pk", "address"):
                address = result.group_address.get(existing_ids[household.pk])
                if address and address != household.address:
                    changed.append((address, household.pk))
            bulk.update_column(Household, "address", changed, pg_type="text")
        # New people.
        new_people: list[dict] = []
        actor = _user(user)
        audit_rows: list[dict] = []
        for row in result.rows:
            if row.status != "new":
                continue
            person = {k: v for k, v in row.values.items() if k != "household_id"}
            person.update(uuid=uuid.uuid4(), province_id=province_id, commune_id=commune.pk, valid_from=today,
                          name_folded=row.name_folded, import_job=job_uuid)
            if row.group is not None:
                person["household_id"] = group_ids[row.group]
            if person.get("birth_date"):
                person["birth_year"] = person["birth_date"].year
            if row.phone:
                person["phone_encrypted"] = pii.encrypt(row.phone, "phone")
                person["phone_masked"] = pii.mask_phone(row.phone)
            new_people.append(person)
            row.person_id = person["uuid"]  # replaced by the pk after insert
        if progress:
            progress(0, total)
        bulk.insert(Person, new_people, now=now)
        if new_people:
            by_uuid = dict(Person.objects.filter(commune=commune, created_at=now).values_list("uuid", "pk"))
            for row in result.rows:
                if row.status == "new":
                    row.person_id = by_uuid[row.person_id]
        out.created = len(new_people)
        if progress:
            progress(len(new_people), total)
        # Updated people.
        updated = [row for row in result.rows if row.status == "updated"]
        by_pk = {}
        for start in range(0, len(updated), 500):
            by_pk.update({p.pk: p for p in Person.objects.filter(
                pk__in=[r.person_id for r in updated[start:start + 500]])})
        changed_fields: set[str] = set()
        to_save = []
        touched_villages = {row.village_id for row in result.rows}
        for row in updated:
            person = by_pk[row.person_id]
            touched_villages.add(person.village_id)  # its village before a move
            before, after = {}, {}
            for key, value in row.changes.items():
                if key == "household_id" and value is None:
                    value = group_ids[row.group]
                if key == "phone":
                    before["phone_masked"], after["phone_masked"] = person.phone_masked, pii.mask_phone(value)
                    person.set_phone(value)
                    changed_fields.update(("phone_encrypted", "phone_masked"))
                    continue
                if key == "id_hash":
                    continue  # recorded through id_last4
                before[key], after[key] = _plain(getattr(person, key)), _plain(value)
                setattr(person, key, value)
                changed_fields.add(key)
            if "full_name" in row.changes:
                person.name_folded = fold(person.full_name)
                changed_fields.add("name_folded")
            if "id_hash" in row.changes:
                changed_fields.update(("id_hash", "id_last4"))
            person.updated_at = now
            to_save.append(person)
            audit_rows.append(_audit(actor, "update", {"uuid": person.uuid, "province_id": person.province_id,
                                                       "commune_id": person.commune_id,
                                                       "village_id": person.village_id},
                                     person.full_name, before, after, note))
        if to_save:
            Person.objects.bulk_update(to_save, sorted(changed_fields | {"updated_at"}), batch_size=500)
        out.updated = len(to_save)
        # Heads of households.
        heads = {}
        for row in result.rows:
            if row.is_head and row.group is not None:
                heads[group_ids[row.group]] = row.person_id
        if heads:
            current = dict(Household.objects.filter(commune=commune, head__isnull=False)
                           .values_list("pk", "head_id"))
            bulk.update_column(Household, "head_id",
                               [(pid, hid) for hid, pid in heads.items() if current.get(hid) != pid])
        # The audit trail: one row per person changed (no personal data).
        bulk.insert(AuditLog, audit_rows, now=now)
        # The indicators: recount the villages this import touched, in this transaction.
        if out.created or out.updated or out.households_created:
            from binhdan.kpi import tracking

            tracking.rebuild(sorted(v for v in touched_villages if v))
        if progress:
            progress(total, total)
    return out


def _audit(actor, action, person: dict, name: str, before, after, note: str) -> dict:
    return {"user_id": actor.pk if actor else None, "action": action, "model": "people.person",
            "object_id": str(person["uuid"]), "object_repr": name[:255], "before": before, "after": after,
            "note": note[:255], "province_id": person["province_id"], "commune_id": person["commune_id"],
            "village_id": person["village_id"]}


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
