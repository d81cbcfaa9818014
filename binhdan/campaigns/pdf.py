"""The certificate of merit ("Giấy khen") for one commended person, team or household: A4 landscape,
with the Vietnamese-capable font that binhdan.learning embeds."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from binhdan.learning.pdf import BOLD, REGULAR, register_fonts, wrap_text

RED = (0.72, 0.08, 0.08)
GOLD = (0.78, 0.6, 0.15)


def _centred_lines(c, text, x, y, width, font, size, leading=None) -> float:
    leading = leading or size * 1.35
    c.setFont(font, size)
    for line in wrap_text(text, font, size, width):
        c.drawCentredString(x, y, line)
        y -= leading
    return y


def merit_pdf(*, issuer_parent: str, issuer: str, name: str, achievements: str, decision: str, place_date: str,
              signing_capacity: str, signer_title: str, signer_name: str, title: str = "GIẤY KHEN") -> bytes:
    register_fonts()
    buf = io.BytesIO()
    page = landscape(A4)
    c = canvas.Canvas(buf, pagesize=page, pageCompression=1)
    c.setTitle(f"{title} — {name}")
    w, h = page
    c.setStrokeColorRGB(*GOLD)
    c.setLineWidth(5)
    c.rect(10 * mm, 10 * mm, w - 20 * mm, h - 20 * mm)
    c.setStrokeColorRGB(*RED)
    c.setLineWidth(1.2)
    c.rect(15 * mm, 15 * mm, w - 30 * mm, h - 30 * mm)
    # Header: the issuing body left, the national title right.
    c.setFillColorRGB(0, 0, 0)
    left_x, right_x, top = 70 * mm, w - 85 * mm, h - 30 * mm
    c.setFont(BOLD, 11)
    c.drawCentredString(left_x, top, issuer_parent.upper())
    c.drawCentredString(left_x, top - 5.5 * mm, issuer.upper())
    c.setLineWidth(0.6)
    c.setStrokeColorRGB(0, 0, 0)
    c.line(left_x - 12 * mm, top - 8.5 * mm, left_x + 12 * mm, top - 8.5 * mm)
    c.drawCentredString(right_x, top, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    motto = "Độc lập - Tự do - Hạnh phúc"
    c.drawCentredString(right_x, top - 5.5 * mm, motto)
    half = pdfmetrics.stringWidth(motto, BOLD, 11) / 2
    c.line(right_x - half, top - 8.5 * mm, right_x + half, top - 8.5 * mm)
    # Title and the commended.
    c.setFillColorRGB(*RED)
    c.setFont(BOLD, 44)
    c.drawCentredString(w / 2, h - 70 * mm, title)
    c.setFillColorRGB(0, 0, 0)
    c.setFont(REGULAR, 16)
    c.drawCentredString(w / 2, h - 86 * mm, "Tặng")
    c.setFillColorRGB(*RED)
    y = _centred_lines(c, name, w / 2, h - 100 * mm, w - 70 * mm, BOLD, 26, 32)
    c.setFillColorRGB(0, 0, 0)
    y = _centred_lines(c, "Đã có thành tích: " + achievements, w / 2, y - 4 * mm, w - 80 * mm, REGULAR, 15, 21)
    # Decision, place and date, signature.
    c.setFont(REGULAR, 11)
    if decision:
        c.drawString(30 * mm, 30 * mm, decision)
    sx = w - 85 * mm
    c.setFont(REGULAR, 12)
    c.drawCentredString(sx, 58 * mm, place_date)
    c.setFont(BOLD, 12)
    c.drawCentredString(sx, 51 * mm, signing_capacity.upper())
    c.drawCentredString(sx, 45 * mm, signer_title.upper())
    c.drawCentredString(sx, 24 * mm, signer_name)
    c.showPage()
    c.save()
    return buf.getvalue()
