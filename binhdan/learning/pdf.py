"""A4 PDFs with the Vietnamese-capable DejaVu Sans embedded: certificates, posters, handouts."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
BRAND = (0.70, 0.15, 0.12)


def register_fonts() -> None:
    """Register the bundled DejaVu fonts (full Vietnamese coverage) so PDFs embed them."""
    registered = pdfmetrics.getRegisteredFontNames()
    if REGULAR not in registered:
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
    if BOLD not in registered:
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


def qr_matrix(url: str):
    return segno.make(url, error="m", micro=False).matrix


def draw_qr(c: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """A QR code of `url` with its quiet zone, lower-left corner at (x, y)."""
    matrix = qr_matrix(url)
    n = len(matrix) + 8
    cell = size / n
    c.setFillColorRGB(1, 1, 1)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for col, dark in enumerate(row):
            if dark:
                c.rect(x + (col + 4) * cell, y + size - (r + 5) * cell, cell, cell, stroke=0, fill=1)


def qr_svg(url: str, scale: int = 6) -> str:
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="svg", scale=scale, xmldecl=False, svgns=True,
                                                 omitsize=False)
    return buf.getvalue().decode()


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Split text into lines that fit `width` points in the font."""
    lines: list[str] = []
    for paragraph in (text or "").split("\n"):
        words, line = paragraph.split(), ""
        for word in words:
            trial = f"{line} {word}".strip()
            if pdfmetrics.stringWidth(trial, font, size) <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _paragraph(c, text, x, y, width, font=REGULAR, size=12, leading=None) -> float:
    leading = leading or size * 1.35
    c.setFont(font, size)
    for line in wrap_text(text, font, size, width):
        c.drawString(x, y, line)
        y -= leading
    return y


def certificate_pdf(*, full_name: str, level_title: str, issued_on: str, commune: str, code: str, verify_url: str,
                    labels: dict) -> bytes:
    register_fonts()
    buf = io.BytesIO()
    page = landscape(A4)
    c = canvas.Canvas(buf, pagesize=page, pageCompression=1)
    c.setTitle(labels["title"] + " " + code)
    w, h = page
    c.setStrokeColorRGB(*BRAND)
    c.setLineWidth(4)
    c.rect(12 * mm, 12 * mm, w - 24 * mm, h - 24 * mm)
    c.setLineWidth(1)
    c.rect(16 * mm, 16 * mm, w - 32 * mm, h - 32 * mm)
    c.setFillColorRGB(*BRAND)
    c.setFont(BOLD, 14)
    c.drawCentredString(w / 2, h - 34 * mm, labels["movement"].upper())
    c.setFont(BOLD, 34)
    c.drawCentredString(w / 2, h - 55 * mm, labels["title"].upper())
    c.setFillColorRGB(0, 0, 0)
    c.setFont(REGULAR, 15)
    c.drawCentredString(w / 2, h - 72 * mm, labels["certifies"])
    c.setFont(BOLD, 28)
    c.drawCentredString(w / 2, h - 88 * mm, full_name)
    c.setFont(REGULAR, 15)
    c.drawCentredString(w / 2, h - 103 * mm, labels["passed"])
    c.setFont(BOLD, 20)
    c.drawCentredString(w / 2, h - 116 * mm, level_title)
    c.setFont(REGULAR, 13)
    y = 52 * mm
    for label, value in ((labels["commune"], commune or "—"), (labels["date"], issued_on), (labels["code"], code)):
        c.drawString(30 * mm, y, f"{label}: ")
        c.setFont(BOLD, 13)
        c.drawString(30 * mm + pdfmetrics.stringWidth(f"{label}: ", REGULAR, 13), y, value)
        c.setFont(REGULAR, 13)
        y -= 8 * mm
    draw_qr(c, verify_url, w - 75 * mm, 24 * mm, 50 * mm)
    c.setFont(REGULAR, 9)
    c.drawCentredString(w - 50 * mm, 21 * mm, labels["scan"])
    c.drawString(30 * mm, 24 * mm, verify_url)
    c.showPage()
    c.save()
    return buf.getvalue()


def poster_pdf(*, title: str, steps: list[str], url: str, labels: dict) -> bytes:
    """An A4 poster: the lesson title, three key steps and a big QR code to the lesson."""
    register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(title)
    w, h = A4
    c.setFillColorRGB(*BRAND)
    c.rect(0, h - 40 * mm, w, 40 * mm, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    c.setFont(BOLD, 18)
    c.drawCentredString(w / 2, h - 18 * mm, labels["movement"].upper())
    c.setFont(REGULAR, 14)
    c.drawCentredString(w / 2, h - 30 * mm, labels["level"])
    c.setFillColorRGB(0, 0, 0)
    y = _paragraph(c, title, 20 * mm, h - 60 * mm, w - 40 * mm, BOLD, 30, 38)
    y -= 6 * mm
    for i, step in enumerate(steps, start=1):
        c.setFillColorRGB(*BRAND)
        c.circle(28 * mm, y + 3 * mm, 7 * mm, stroke=0, fill=1)
        c.setFillColorRGB(1, 1, 1)
        c.setFont(BOLD, 20)
        c.drawCentredString(28 * mm, y + 0.5 * mm, str(i))
        c.setFillColorRGB(0, 0, 0)
        y = _paragraph(c, step, 42 * mm, y, w - 62 * mm, REGULAR, 20, 26) - 8 * mm
    size = 80 * mm
    draw_qr(c, url, (w - size) / 2, 30 * mm, size)
    c.setFont(BOLD, 16)
    c.drawCentredString(w / 2, 24 * mm, labels["scan"])
    c.setFont(REGULAR, 10)
    c.drawCentredString(w / 2, 16 * mm, url)
    c.showPage()
    c.save()
    return buf.getvalue()


def handout_pdf(*, title: str, summary: str, sections: dict, source: str, url: str, labels: dict) -> bytes:
    """A one-page handout: what you will do, the numbered steps, the safety tip and the practice task."""
    register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(title)
    w, h = A4
    left, width = 16 * mm, w - 32 * mm - 40 * mm
    y = _paragraph(c, title, left, h - 22 * mm, width, BOLD, 20, 25)
    y = _paragraph(c, summary, left, y - 2 * mm, width, REGULAR, 11)
    draw_qr(c, url, w - 52 * mm, h - 56 * mm, 38 * mm)
    c.setFont(REGULAR, 8)
    c.drawCentredString(w - 33 * mm, h - 59 * mm, labels["scan"])
    width = w - 32 * mm
    steps = sections.get("steps") or []
    # Shrink the type until the page holds everything.
    for size in (12, 11, 10, 9, 8, 7):
        needed = 0
        for key in ("goal", "safety", "practice"):
            needed += (len(wrap_text(_plain(sections.get(key, "")), REGULAR, size, width)) + 2) * size * 1.35
        for step in steps:
            needed += len(wrap_text(step, REGULAR, size, width - 8 * mm)) * size * 1.35 + 1
        if needed < y - 24 * mm - 3 * size * 1.35:
            break
    y = min(y, h - 62 * mm)
    for key in ("goal", "steps", "safety", "practice"):
        c.setFillColorRGB(*BRAND)
        c.setFont(BOLD, size + 2)
        y -= (size + 2) * 0.6
        c.drawString(left, y, labels[key])
        y -= (size + 2) * 1.4
        c.setFillColorRGB(0, 0, 0)
        if key == "steps":
            for i, step in enumerate(steps, start=1):
                c.setFont(BOLD, size)
                c.drawString(left, y, f"{i}.")
                y = _paragraph(c, step, left + 8 * mm, y, width - 8 * mm, REGULAR, size) - 1
        else:
            y = _paragraph(c, _plain(sections.get(key, "")), left, y, width, REGULAR, size)
    c.setFont(REGULAR, 8)
    _paragraph(c, labels["source"] + ": " + source, left, 14 * mm, width, REGULAR, 8)
    c.drawString(left, 8 * mm, url)
    c.showPage()
    c.save()
    return buf.getvalue()


def _plain(text: str) -> str:
    return (text or "").replace("**", "").replace("__", "").replace("`", "")
