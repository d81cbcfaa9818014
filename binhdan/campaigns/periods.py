"""Reporting periods (quarter, half-year, year) and their due dates."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
DEFAULT_DUE_DAY = 15


@dataclass(frozen=True)
class Period:
    kind: str  # "quarter" | "half" | "year"
    year: int
    number: int = 1

    def __post_init__(self):
        limits = {"quarter": 4, "half": 2, "year": 1}
        if self.kind not in limits or not 1 <= self.number <= limits[self.kind] or not 2000 <= self.year <= 2100:
            raise ValueError(f"not a period: {self.kind} {self.number} {self.year}")

    @property
    def months(self) -> tuple[int, int]:
        if self.kind == "quarter":
            return 3 * self.number - 2, 3 * self.number
        if self.kind == "half":
            return 6 * self.number - 5, 6 * self.number
        return 1, 12

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.months[0], 1)

    @property
    def end(self) -> datetime.date:
        month = self.months[1]
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def due_on(self, due_day: int = DEFAULT_DUE_DAY) -> datetime.date:
        """Reports are due before day `due_day` of the last month of the period."""
        return datetime.date(self.year, self.months[1], due_day)

    @property
    def slug(self) -> str:
        return {"quarter": f"{self.year}-q{self.number}", "half": f"{self.year}-h{self.number}",
                "year": f"{self.year}-nam"}[self.kind]

    @classmethod
    def from_slug(cls, slug: str) -> Period:
        try:
            year, rest = slug.split("-", 1)
            if rest == "nam":
                return cls("year", int(year), 1)
            kind = {"q": "quarter", "h": "half"}[rest[0]]
            return cls(kind, int(year), int(rest[1:]))
        except (ValueError, KeyError, IndexError) as exc:
            raise ValueError(slug) from exc

    @property
    def label(self) -> str:
        """As written in a Vietnamese report title: "quý III năm 2026"."""
        if self.kind == "quarter":
            return f"quý {ROMAN[self.number]} năm {self.year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.number == 1 else 'cuối'} năm {self.year}"
        return f"năm {self.year}"

    @property
    def short(self) -> str:
        if self.kind == "quarter":
            return f"Quý {ROMAN[self.number]}/{self.year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.number == 1 else 'cuối'} năm {self.year}"
        return f"Năm {self.year}"

    def is_future(self, today: datetime.date) -> bool:
        return self.start > today

    def previous(self) -> Period:
        if self.number > 1:
            return Period(self.kind, self.year, self.number - 1)
        return Period(self.kind, self.year - 1, {"quarter": 4, "half": 2, "year": 1}[self.kind])

    def next(self) -> Period:
        last = {"quarter": 4, "half": 2, "year": 1}[self.kind]
        if self.number < last:
            return Period(self.kind, self.year, self.number + 1)
        return Period(self.kind, self.year + 1, 1)

    def __str__(self) -> str:
        return self.short


def current_quarter(today: datetime.date) -> Period:
    return Period("quarter", today.year, (today.month - 1) // 3 + 1)


def periods_due(today: datetime.date) -> list[Period]:
    """Periods whose report can be written now: the current quarter (and half-year/year in their last
    month), plus the previous quarter."""
    quarter = current_quarter(today)
    found = [quarter.previous(), quarter]
    if today.month in (6, 12):
        found.append(Period("half", today.year, today.month // 6))
    if today.month == 12:
        found.append(Period("year", today.year))
    return found


def due_day_for(unit) -> int:
    """The due-day rule of the nearest unit above (or at) `unit` that has one; 15 by default."""
    from binhdan.campaigns.models import ReportingRule

    codes = [c for c in unit.path.strip("/").split("/") if c]
    rules = dict(ReportingRule.objects.filter(unit__code__in=codes).values_list("unit__code", "due_day"))
    for code in reversed(codes):
        if code in rules:
            return rules[code]
    return DEFAULT_DUE_DAY
