"""Reading one value as commune lists write it. Shared by the importer, the forms and the API,
so a value is accepted or refused the same way everywhere.

Each parser returns the clean value or raises `Invalid` with the reason (translated).
"""

from __future__ import annotations

import datetime
import functools
import re

from django.utils.translation import gettext as _

from binhdan.core import pii
from binhdan.core.text import clean_name, fold
from binhdan.people.ethnicity import ETHNIC_GROUPS

EXCEL_EPOCH = datetime.date(1899, 12, 30)
OLDEST_YEAR = 1900


class Invalid(ValueError):
    pass


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x00C0, 0x2000):
        ch = chr(code)
        if 0x0300 <= code <= 0x036F:
            table[code] = None  # combining marks (text saved decomposed)
            continue
        folded = fold(ch)
        if folded != ch.lower():
            table[code] = folded
    return table


_FOLD_TABLE = _fold_table()
_WS = re.compile(r"\s+")


def fold_fast(value: str) -> str:
    """Same result as core.text.fold, about ten times faster on Vietnamese names (a table of
    the precomposed letters instead of decomposing every character)."""
    if not value:
        return ""
    text = value.translate(_FOLD_TABLE).lower()
    return _WS.sub(" ", text).strip() if ("  " in text or text[:1].isspace() or text[-1:].isspace()
                                          or "\t" in text or "\n" in text) else text


def _compact(text: str) -> str:
    return re.sub(r"[\s\-'’.]+", "", fold(text))


# --- names ----------------------------------------------------------------------------------

def parse_name(value) -> str:
    name = clean_name(str(value) if value is not None else "")
    if not name:
        raise Invalid(_("The name is blank."))
    if len(name) > 150:
        raise Invalid(_("The name is longer than 150 characters."))
    if any(ch.isdigit() for ch in name):
        raise Invalid(_("A name cannot contain digits."))
    return name


# --- dates ----------------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})$")
_YMD = re.compile(r"^(\d{4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:[ T].*)?$")
_MY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")


def _check_range(day: datetime.date | None, year: int, today: datetime.date):
    if year < OLDEST_YEAR:
        raise Invalid(_("The year is before %(year)s.") % {"year": OLDEST_YEAR})
    if (day and day > today) or year > today.year:
        raise Invalid(_("The date is in the future."))
    return day, year


def _make_date(y: int, m: int, d: int) -> datetime.date:
    try:
        return datetime.date(y, m, d)
    except ValueError as exc:
        raise Invalid(_("There is no such date.")) from exc


def parse_birth(value, today: datetime.date | None = None) -> tuple[datetime.date | None, int | None]:
    """(date, year) from dd/mm/yyyy text, an Excel date cell, an Excel serial number, or a year.

    Returns (None, None) for a blank value.
    """
    today = today or datetime.date.today()
    if value is None:
        return None, None
    if isinstance(value, datetime.datetime):
        return _check_range(value.date(), value.year, today)
    if isinstance(value, datetime.date):
        return _check_range(value, value.year, today)
    if isinstance(value, bool):
        raise Invalid(_("Not a date: write dd/mm/yyyy or the year of birth."))
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            value = int(value)  # a date-time serial: keep the day
        number = int(value)
        if OLDEST_YEAR <= number <= today.year:
            return None, number
        if 1 <= number < 2958466:  # an Excel serial number (days since 30/12/1899)
            day = EXCEL_EPOCH + datetime.timedelta(days=number)
            return _check_range(day, day.year, today)
        raise Invalid(_("Not a date: write dd/mm/yyyy or the year of birth."))
    text = str(value).strip()
    if not text:
        return None, None
    text = re.sub(r"^(ngay|ngày)\s+", "", text, flags=re.IGNORECASE)
    if m := _DMY.match(text):
        d, mo, y = (int(g) for g in m.groups())
        if len(m.group(3)) == 2:
            y += 2000 if y <= today.year % 100 else 1900
        elif len(m.group(3)) == 3:
            raise Invalid(_("Not a date: write dd/mm/yyyy or the year of birth."))
        day = _make_date(y, mo, d)
        return _check_range(day, y, today)
    if m := _YMD.match(text):
        y, mo, d = (int(g) for g in m.groups())
        day = _make_date(y, mo, d)
        return _check_range(day, y, today)
    if m := _MY.match(text):
        mo, y = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise Invalid(_("There is no such date."))
        return _check_range(None, y, today)
    if m := _YEAR.match(text):
        return _check_range(None, int(m.group(1)), today)
    if text.replace(".", "", 1).isdigit():
        return parse_birth(float(text), today)
    raise Invalid(_("Not a date: write dd/mm/yyyy or the year of birth."))


def parse_date(value, today: datetime.date | None = None) -> datetime.date | None:
    """A full date (consent date, end date); a year alone is not enough."""
    day, year = parse_birth(value, today)
    if year and not day:
        raise Invalid(_("Write the full date as dd/mm/yyyy."))
    return day


# --- choices --------------------------------------------------------------------------------

_SEX = {
    "nam": "M", "m": "M", "male": "M", "trai": "M", "ong": "M",
    "nu": "F", "f": "F", "female": "F", "gai": "F", "ba": "F",
}


@functools.lru_cache(maxsize=4096)
def parse_sex(value) -> str:
    key = fold(str(value or "")).strip(". ")
    if not key:
        return ""
    if key in _SEX:
        return _SEX[key]
    raise Invalid(_("Write “Nam” or “Nữ”."))


_ETHNIC_ALIASES = {
    "khmer": "05", "khome": "05", "hmong": "08", "hmông": "08", "meo": "08", "jrai": "10", "giarai": "10",
    "ede": "12", "rhade": "12", "bahnar": "13", "sedang": "14", "koho": "16", "cham": "17", "cotu": "26",
    "katu": "26", "vankieu": "23", "bru": "23", "taoi": "31", "paco": "31", "pako": "31", "mnong": "20",
    "stieng": "22", "raglai": "21", "khmu": "29", "hoa": "04", "nguoihoa": "04", "man": "09",
}
_ETHNIC_BY_KEY = {_compact(name): code for code, name in ETHNIC_GROUPS}
_ETHNIC_BY_KEY.update({fold(k): v for k, v in _ETHNIC_ALIASES.items()})


@functools.lru_cache(maxsize=4096)
def parse_ethnicity(value) -> str:
    """Code ("01"…"54") from the group's name in any spelling, or its code."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        value = str(int(value))
    text = str(value).strip()
    if not text:
        return ""
    if text.isdigit() and 1 <= int(text) <= 54:
        return f"{int(text):02d}"
    key = _compact(text)
    for prefix in ("dantoc", "dt"):
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            key = key[len(prefix):]
    if key in _ETHNIC_BY_KEY:
        return _ETHNIC_BY_KEY[key]
    raise Invalid(_("Not one of the 54 ethnic groups of Viet Nam."))


_RELATIONS = [
    ("head", ["chu ho", "ch", "chuho", "head"]),
    ("spouse", ["vo", "chong", "vo chong", "spouse", "vo/chong"]),
    ("child_in_law", ["con dau", "con re", "dau", "re"]),
    ("child", ["con", "con trai", "con gai", "con nuoi", "child", "con ruot"]),
    ("parent", ["bo", "me", "cha", "bo de", "me de", "cha de", "bo me", "ba", "ma", "parent", "bo vo", "me vo",
                "bo chong", "me chong"]),
    ("grandchild", ["chau", "chau noi", "chau ngoai", "grandchild"]),
    ("sibling", ["anh", "chi", "em", "anh trai", "chi gai", "em trai", "em gai", "anh ruot", "chi ruot",
                 "em ruot", "sibling"]),
    ("other", ["khac", "o nho", "o ghep", "nguoi o nho", "other", "ong", "ba", "ong noi", "ba noi", "ong ngoai",
               "ba ngoai", "co", "di", "chu", "bac", "cau", "thim", "mo"]),
]
_RELATION_BY_KEY: dict[str, str] = {}
for _code, _names in _RELATIONS:
    for _name in _names:
        _RELATION_BY_KEY.setdefault(_name, _code)


@functools.lru_cache(maxsize=4096)
def parse_relation(value) -> str:
    key = fold(str(value or "")).strip(" .")
    if not key:
        return ""
    if key in _RELATION_BY_KEY:
        return _RELATION_BY_KEY[key]
    for name, code in _RELATION_BY_KEY.items():
        if len(name) > 2 and key.startswith(name + " "):
            return code
    raise Invalid(_("Unknown relation to the head of household (e.g. chủ hộ, vợ, chồng, con, bố, mẹ, cháu)."))


_TRUE = {"x", "co", "1", "yes", "true", "v", "✓", "✔", "da co", "dung", "c", "y", "có", "ok"}
_FALSE = {"khong", "0", "no", "false", "-", "k", "n", "chua", "chua co", "ko", "không"}


@functools.lru_cache(maxsize=4096)
def parse_bool(value) -> bool | None:
    """True, False, or None when blank."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise Invalid(_("Write “x” or “có” for yes, leave blank or “không” for no."))
    key = fold(str(value)).strip(" .")
    if not key:
        return None
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise Invalid(_("Write “x” or “có” for yes, leave blank or “không” for no."))


@functools.lru_cache(maxsize=4096)
def parse_vneid(value) -> int | None:
    """0, 1 or 2 from "mức 2", "2", "có" (level 1), "không"… None when blank."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if int(value) in (0, 1, 2):
            return int(value)
        raise Invalid(_("Write the VNeID level: 0 (none), 1 or 2."))
    key = fold(str(value)).strip(" .")
    if not key:
        return None
    digits = re.findall(r"\d", key)
    if digits and digits[-1] in "012" and len(digits) == 1:
        return int(digits[-1])
    try:
        flag = parse_bool(value)
    except Invalid:
        flag = None
    if flag is not None:
        return 1 if flag else 0
    raise Invalid(_("Write the VNeID level: 0 (none), 1 or 2."))


# Occupation or "đối tượng" text → segment flags.
_SEGMENT_WORDS = [
    ("is_official", ["can bo", "cong chuc", "vien chuc", "ccvc", "cbcc", "giao vien", "bo doi", "cong an"]),
    ("is_student", ["hoc sinh", "sinh vien", "hs", "sv"]),
    ("is_worker", ["cong nhan", "nguoi lao dong", "doanh nghiep", "hop tac xa", "htx", "lao dong"]),
    ("is_trader", ["tieu thuong", "buon ban", "kinh doanh", "ban hang"]),
    ("is_farmer", ["nong dan", "lam ruong", "nong nghiep", "lam nong", "lam ray", "ngu dan", "chan nuoi"]),
    ("has_disability", ["khuyet tat", "nkt"]),
]


_SEGMENT_PATTERNS = [
    (field, re.compile(r"(^|[\s,;/()-])(" + "|".join(re.escape(w) for w in words) + r")($|[\s,;/()-])"))
    for field, words in _SEGMENT_WORDS
]


@functools.lru_cache(maxsize=4096)
def parse_segments(value) -> frozenset[str]:
    """Segment fields named in an occupation text (unknown occupations are no segment)."""
    key = fold(str(value or ""))
    if not key:
        return frozenset()
    return frozenset(field for field, pattern in _SEGMENT_PATTERNS if pattern.search(key))


# --- personal data --------------------------------------------------------------------------

_ID_REASONS = {
    "not a whole number": lambda: _("The ID number is not a whole number."),
    "contains characters other than digits": lambda: _("An ID number has only digits."),
    "the first three digits are not a province code": lambda: _(
        "A CCCD number starts with a province code from 001 to 096."),
    "must have 12 digits (CCCD) or 9 digits (CMND)": lambda: _(
        "An ID number has 12 digits (CCCD) or 9 digits (old CMND)."),
}
_PHONE_REASONS = {
    "not a Vietnamese number": lambda: _("Not a Vietnamese phone number (+84)."),
}


def parse_id_number(value) -> str:
    try:
        return pii.normalise_id(value)
    except pii.PIIError as exc:
        reason = _ID_REASONS.get(str(exc))
        raise Invalid(reason() if reason else _("Not a valid ID number.")) from exc


def parse_phone(value) -> str:
    try:
        return pii.normalise_phone(value)
    except pii.PIIError as exc:
        reason = _PHONE_REASONS.get(str(exc))
        raise Invalid(reason() if reason else _(
            "Not a valid phone number: a mobile number has 10 digits starting with 03, 05, 07, 08 or 09.")) from exc


def mask_raw(value) -> str:
    """A rejected ID or phone value as shown in a problem report: only its last 3 characters."""
    text = str(value if not isinstance(value, float) or not value.is_integer() else int(value)).strip()
    if len(text) <= 3:
        return "•" * len(text)
    return "•" * min(len(text) - 3, 9) + text[-3:]
