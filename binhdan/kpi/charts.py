"""SVG charts drawn on the server: no JavaScript, readable on a cheap phone."""

from __future__ import annotations

import datetime

from django.utils.html import escape
from django.utils.safestring import mark_safe

from binhdan.kpi import fmt

W, H = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 14, 34


def progress(points: list[tuple[datetime.date, float]], *, target=None, kind="percent", title="",
             forecast_to: tuple[datetime.date, float] | None = None) -> str:
    """A line of the value over time, the target as a dashed line, and the forecast dotted."""
    values = [v for _d, v in points if v is not None]
    if not points or not values:
        return ""
    days = [d for d, _v in points]
    if forecast_to:
        days.append(forecast_to[0])
    start, end = min(days), max(days)
    span = max((end - start).days, 1)
    top = 100.0 if kind == "percent" else max(values + ([target] if target is not None else [])) * 1.1 or 1
    bottom = 0.0 if kind != "average" else min(0.0, min(values))

    def x(d):
        return LEFT + (W - LEFT - RIGHT) * (d - start).days / span

    def y(v):
        return TOP + (H - TOP - BOTTOM) * (1 - (v - bottom) / ((top - bottom) or 1))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" class="kpi-chart" role="img" '
             f'aria-label="{escape(title)}">', f"<title>{escape(title)}</title>"]
    for i in range(5):
        v = bottom + (top - bottom) * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>')
        label = fmt.percent(v, 0) if kind == "percent" else fmt.number(v)
        parts.append(f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" class="axis">{label}</text>')
    for d in (start, end):
        anchor = "start" if d == start else "end"
        parts.append(f'<text x="{x(d):.1f}" y="{H - 10}" text-anchor="{anchor}" class="axis">{fmt.day(d)}</text>')
    if target is not None:
        parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
                     f'class="target"/>')
        label = fmt.value(kind, target)
        parts.append(f'<text x="{W - RIGHT}" y="{y(target) - 5:.1f}" text-anchor="end" class="target-label">'
                     f'{escape(label)}</text>')
    line = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points if v is not None)
    parts.append(f'<polyline points="{line}" class="line"/>')
    last_d, last_v = [(d, v) for d, v in points if v is not None][-1]
    parts.append(f'<circle cx="{x(last_d):.1f}" cy="{y(last_v):.1f}" r="4" class="dot"/>')
    if forecast_to:
        fd, fv = forecast_to
        parts.append(f'<line x1="{x(last_d):.1f}" y1="{y(last_v):.1f}" x2="{x(fd):.1f}" y2="{y(fv):.1f}" '
                     f'class="forecast"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def bars(items: list[tuple[str, float | None, str]], *, kind="percent") -> str:
    """Horizontal bars: (label, value, css status) — used for the breakdown."""
    items = [i for i in items if i[1] is not None]
    if not items:
        return ""
    row_h, label_w, width = 26, 170, 640
    top = 100.0 if kind == "percent" else max(v for _l, v, _s in items) or 1
    height = row_h * len(items) + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="kpi-bars" '
             f'role="img">']
    for i, (label, v, status) in enumerate(items):
        yy = 3 + i * row_h
        w = (width - label_w - 70) * max(v, 0) / top
        parts.append(f'<text x="{label_w - 6}" y="{yy + 16}" text-anchor="end" class="axis">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{yy + 3}" width="{w:.1f}" height="{row_h - 8}" class="bar {status}"/>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{yy + 16}" class="axis">{escape(fmt.value(kind, v))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
