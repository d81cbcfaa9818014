"""When will the target be reached at the current pace? A straight line through recent days."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

REACHED, ON_DATE, NO_PROGRESS, NO_DATA, NO_TARGET = "reached", "on_date", "no_progress", "no_data", "no_target"


@dataclass
class Forecast:
    status: str
    date: datetime.date | None = None
    per_month: float | None = None  # change of the value per 30 days
    in_time: bool | None = None     # reached by the end of the target year


def pace(points: list[tuple[datetime.date, float]]) -> float | None:
    """Least-squares slope (value per day) of the points; None with fewer than two days."""
    pts = [(d.toordinal(), v) for d, v in points if v is not None]
    if len({x for x, _v in pts}) < 2:
        return None
    n = len(pts)
    mx = sum(x for x, _v in pts) / n
    my = sum(v for _x, v in pts) / n
    sxx = sum((x - mx) ** 2 for x, _v in pts)
    sxy = sum((x - mx) * (v - my) for x, v in pts)
    return sxy / sxx if sxx else None


def forecast(points, target, *, today: datetime.date, year: int, window_days: int = 90) -> Forecast:
    if target is None:
        return Forecast(NO_TARGET)
    recent = [(d, v) for d, v in points if v is not None and d >= today - datetime.timedelta(days=window_days)]
    if not recent:
        return Forecast(NO_DATA)
    current = recent[-1][1]
    if current >= target:
        return Forecast(REACHED, today, in_time=True)
    slope = pace(recent)
    if slope is None:
        return Forecast(NO_DATA)
    if slope <= 0:
        return Forecast(NO_PROGRESS, per_month=round(slope * 30, 1), in_time=False)
    days = (target - current) / slope
    if days > 365 * 50:
        return Forecast(NO_PROGRESS, per_month=round(slope * 30, 1), in_time=False)
    when = today + datetime.timedelta(days=int(days + 0.999))
    return Forecast(ON_DATE, when, round(slope * 30, 1), when <= datetime.date(year, 12, 31))
