"""Numbers the Vietnamese way: 1.234.567 and 85,3%."""

from __future__ import annotations

import datetime


def number(value, decimals: int = 0) -> str:
    if value is None or value == "":
        return "–"
    value = float(value)
    negative = value < 0
    text = f"{abs(value):,.{decimals}f}"  # 1,234,567.8
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return ("−" if negative else "") + text


def percent(value, decimals: int = 1) -> str:
    if value is None or value == "":
        return "–"
    text = number(value, decimals)
    if decimals and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text + "%"


def signed(value, decimals: int = 1) -> str:
    if value is None:
        return "–"
    text = number(value, decimals)
    if decimals and "," in text:
        text = text.rstrip("0").rstrip(",")
    return ("+" + text) if value > 0 else text


def value(kind: str, v) -> str:
    if kind == "percent":
        return percent(v)
    if kind == "average":
        return signed(v)
    return number(v)


def day(d: datetime.date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "–"
