"""The report as officials file it: a .docx laid out under Decree 30/2020/NĐ-CP (Appendix I) and an
.xlsx annex with every table.

Layout (Appendix I, Part I): A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm;
Times New Roman; page numbers centred in the top margin from page 2. The header block is a borderless
two-column table: left, the issuing body in capitals (12–13 pt, bold; a superior body upright) with
a short rule under it (⅓–½ of the line) and "Số: …/BC-UBND" (13 pt); right, the national title
"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (12–13 pt, bold capitals) and the motto "Độc lập - Tự do -
Hạnh phúc" (13–14 pt, bold) with a rule as long as the motto, then the place and date in italics
(13–14 pt). Title "BÁO CÁO" (13–14 pt bold capitals) and the summary line (bold), centred. Body
13–14 pt, first-line indent 1.27 cm, at least 6 pt between paragraphs, line spacing single to 1.5.
Closing: "Nơi nhận:" (12 pt bold italic) with entries in 11 pt, bottom left; the signature block
(capacity and title in bold capitals, the signer's name in bold) bottom right. Tables of results by
unit follow as an appendix in a landscape section.
"""

from __future__ import annotations

import io
import re
import unicodedata
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt
from reportlab.pdfbase.pdfmetrics import stringWidth

from binhdan.campaigns.narrative import number, percent, target_text, value_text

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGIN_TOP = MARGIN_BOTTOM = Mm(20)
MARGIN_LEFT, MARGIN_RIGHT = Mm(30), Mm(15)
LEFT_COL, RIGHT_COL = Mm(62), Mm(103)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text) -> str:
    """Text as XML accepts it: spreadsheets and pasted text may carry control characters (e.g. the
    vertical tab of a line break inside an Excel cell)."""
    return _CONTROL.sub(" ", "" if text is None else str(text))


STATE_LABELS = {"on_time": "Đúng hạn", "late": "Chậm", "missing": "Chưa gửi"}


# --- Low-level helpers -------------------------------------------------------------------------------

def _set_font(run, size=None, bold=None, italic=None):
    run.font.name = FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    return run


def _para(container, text="", *, size=BODY_PT, bold=False, italic=False, align=None, indent=False,
          before=6, after=0, keep=False):
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.15
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if align is not None:
        p.alignment = align
    if keep:
        fmt.keep_with_next = True
    if text:
        _set_font(p.add_run(_clean(text)), size, bold, italic)
    return p


def _cell_para(cell, text="", *, size=13, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER, first=False):
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    if text:
        _set_font(p.add_run(_clean(text)), size, bold, italic)
    return p


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").replace(
        "Đ", "D").replace("đ", "d")


def text_width_mm(text: str, size: float, bold: bool = True) -> float:
    """Approximate printed width of a line in Times New Roman (Times metrics, diacritics ignored)."""
    return stringWidth(_fold(text), "Times-Bold" if bold else "Times-Roman", size) * 25.4 / 72


def _rule(cell, width_mm: float, column_mm: float):
    """A short solid rule, centred under the line above: a paragraph with a bottom border, narrowed
    by equal indents on both sides."""
    p = _cell_para(cell, size=2)
    side = max(0.0, (column_mm - width_mm) / 2)
    p.paragraph_format.left_indent = Mm(side)
    p.paragraph_format.right_indent = Mm(side)
    _set_font(p.add_run(""), 2)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)
    return p


def _no_borders(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _widths(table, widths):
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(int(width.twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def _page_number_header(section):
    """Page numbers centred in the top margin, not on the first page."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _set_font(p.add_run(), 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def date_line(place: str, dated) -> str:
    """"Vĩnh Linh, ngày 05 tháng 02 năm 2026": days below 10 and months 1–2 get a leading zero."""
    month = f"{dated.month:02d}" if dated.month < 3 else str(dated.month)
    return f"{place}, ngày {dated.day:02d} tháng {month} năm {dated.year}"


def _data_table(doc, header: list[str], rows: list[list], widths_mm: list[float], *, size=TABLE_PT,
                numeric_from: int = 2, total: list | None = None):
    """A bordered table (style "Table Grid"), header row repeated on every page, numbers right-aligned.

    Built as one piece of WordprocessingML and parsed once: a province table has thousands of cells,
    and adding them one by one through python-docx takes seconds."""
    widths = [int(round(w * 1440 / 25.4)) for w in widths_mm]
    half_points = int(size * 2)
    fonts = "".join(f' w:{a}="{FONT}"' for a in ("ascii", "hAnsi", "cs", "eastAsia"))

    def cell(text, width, align, bold):
        text = _clean(text)
        run = ""
        if text:
            run = (f'<w:r><w:rPr><w:rFonts{fonts}/>{"<w:b/><w:bCs/>" if bold else ""}'
                   f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
                   f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>')
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr>'
                f'<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="{align}"/>'
                f'</w:pPr>{run}</w:p></w:tc>')

    def row(values, *, head=False, bold=False):
        cells = []
        for i, (value, width) in enumerate(zip(values, widths, strict=True)):
            if head:
                align = "center"
            else:
                align = "right" if i >= numeric_from else ("center" if i == 0 else "left")
            cells.append(cell(value, width, align, head or bold))
        props = '<w:trPr><w:tblHeader/></w:trPr>' if head else ""
        return f"<w:tr>{props}{''.join(cells)}</w:tr>"

    body = [row(header, head=True)] + [row(r) for r in rows] + ([row(total, bold=True)] if total else [])
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    xml = (f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(widths)}" '
           f'w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
           f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
           f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(body)}</w:tbl>')
    tbl = parse_xml(xml)
    doc.styles["Table Grid"]  # the style must exist in the document (it does in python-docx's template)
    end = doc.element.body.sectPr
    if end is not None:
        end.addprevious(tbl)
    else:
        doc.element.body.append(tbl)
    return tbl


# --- Table contents (shared by the .docx and the .xlsx) ------------------------------------------------

def indicator_table(figures: dict) -> tuple[list[str], list[list]]:
    header = ["STT", "Chỉ tiêu", "Kết quả", "Chỉ tiêu giao", "Số đạt / tổng số"]
    rows = []
    shown = [r for r in figures.get("indicators", []) if r.get("kind") != "count"
             and (r.get("target") is not None or r.get("denominator") or r.get("value") is not None)]
    for i, r in enumerate(shown, start=1):
        ratio = "—" if r.get("denominator") is None else f"{number(r.get('numerator'))}/{number(r.get('denominator'))}"
        rows.append([i, r["name"], value_text(r), target_text(r), ratio])
    return header, rows


def counts_table(figures: dict) -> tuple[list[str], list[list]]:
    header = ["STT", "Nội dung", "Trong kỳ", "Lũy kế"]
    rows = [[i, c["name"], number(c.get("change")), number(c.get("total"))]
            for i, c in enumerate(figures.get("counts") or [], start=1)]
    return header, rows


def activities_table(figures: dict) -> tuple[list[str], list[list], list]:
    acts = figures.get("activities_compiled") or figures.get("activities") or {}
    header = ["STT", "Hình thức tuyên truyền", "Số hoạt động", "Số lượng (buổi, lượt, bản)", "Lượt người tiếp cận"]
    rows = [[i, k["label"], number(k["count"]), number(k["quantity"]), number(k["reached"])]
            for i, k in enumerate(acts.get("by_kind", []), start=1)]
    total = acts.get("total") or {"count": 0, "quantity": 0, "reached": 0}
    return header, rows, ["", "Tổng cộng", number(total["count"]), number(total["quantity"]),
                          number(total["reached"])]


def activities_by_unit_table(figures: dict) -> tuple[list[str], list[list]]:
    acts = figures.get("activities_compiled") or figures.get("activities") or {}
    header = ["STT", "Đơn vị", "Số hoạt động", "Số lượng", "Lượt người tiếp cận"]
    return header, [[i, u["name"], number(u["count"]), number(u["quantity"]), number(u["reached"])]
                    for i, u in enumerate(acts.get("by_unit", []), start=1)]


def tasks_table(figures: dict) -> tuple[list[str], list[list]]:
    header = ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian", "Tiến độ"]
    rows = []
    for i, t in enumerate(figures.get("tasks") or [], start=1):
        state = f"{t['status_label']} ({t['progress']}%)" + (" — quá hạn" if t.get("overdue") else "")
        rows.append([i, t["title"], t["lead"], t["time"], state])
    return header, rows


def children_table(figures: dict) -> tuple[list[str], list[list], list[str]]:
    """One row per child unit, one column per rate indicator (the unit's own indicators give the order)."""
    children = figures.get("children") or []
    codes, names = [], {}
    for r in figures.get("indicators", []) + [r for c in children for r in c.get("rows", [])]:
        if r.get("kind") == "count" or r["code"] in names:
            continue
        codes.append(r["code"])
        names[r["code"]] = r.get("short") or r["name"]
    header = ["STT", "Đơn vị"] + [names[c] for c in codes]
    rows = []
    for i, child in enumerate(children, start=1):
        by_code = {r["code"]: r for r in child.get("rows", [])}
        rows.append([i, child["name"]] + [value_text(by_code[c]) if c in by_code else "—" for c in codes])
    return header, rows, codes


def submissions_table(figures: dict) -> tuple[list[str], list[list]]:
    header = ["STT", "Xã, phường", "Tình trạng", "Ngày gửi"]
    rows = []
    for i, s in enumerate(figures.get("submissions") or [], start=1):
        when = s["submitted_at"][:10] if s.get("submitted_at") else ""
        if when:
            y, m, d = when.split("-")
            when = f"{d}/{m}/{y}"
        rows.append([i, s["name"], STATE_LABELS.get(s["state"], s["state"]), when])
    return header, rows


# --- The .docx ---------------------------------------------------------------------------------------

def _header_block(doc, report):
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left_mm, right_mm = LEFT_COL.mm, RIGHT_COL.mm
    first = True
    if report.issuer_parent:
        _cell_para(left, report.issuer_parent.upper(), size=13, bold=not report.parent_is_superior, first=True)
        first = False
    _cell_para(left, report.issuer.upper(), size=13, bold=True, first=first)
    name_width = text_width_mm(report.issuer.upper(), 13)
    _rule(left, max(12.0, name_width * 0.45), left_mm)
    _cell_para(left, f"Số: {report.symbol}", size=13).paragraph_format.space_before = Pt(6)

    _cell_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True, first=True)
    motto = "Độc lập - Tự do - Hạnh phúc"
    _cell_para(right, motto, size=13, bold=True)
    _rule(right, text_width_mm(motto, 13), right_mm)
    p = _cell_para(right, date_line(report.place_name, report.dated), size=14, italic=True)
    p.paragraph_format.space_before = Pt(6)
    _widths(table, [LEFT_COL, RIGHT_COL])
    return table


def _signature_block(doc, report):
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    _cell_para(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
    lines = [line.strip().lstrip("-").strip().rstrip(";.,") for line in report.recipients.splitlines()]
    for line in [x for x in lines if x and not x.lower().startswith("lưu")]:
        _cell_para(left, f"- {line};", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_para(left, "- Lưu: VT.", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_para(right, report.signing_capacity.upper(), size=14, bold=True, first=True)
    _cell_para(right, report.signer_title.upper(), size=14, bold=True)
    for _ in range(4):
        _cell_para(right, "", size=14)
    _cell_para(right, report.signer_name or "", size=14, bold=True)
    _widths(table, [Mm(80), Mm(85)])
    return table


def _narrative(doc, text: str):
    for line in [x.strip() for x in (text or "").splitlines() if x.strip()]:
        p = _para(doc, line, indent=True)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _heading(doc, text: str, *, level: int = 1):
    p = _para(doc, text, bold=True, keep=True, before=6 if level == 1 else 3)
    p.paragraph_format.first_line_indent = Cm(1.27) if level > 1 else None
    p.style = doc.styles["Normal"]
    return p


def _caption(doc, text: str):
    return _para(doc, text, size=13, italic=True, keep=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6)


def report_docx(report, figures: dict) -> bytes:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    doc.core_properties.title = f"Báo cáo {figures.get('period', {}).get('label', '')}"
    doc.core_properties.language = "vi-VN"
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance = Mm(10)
    _page_number_header(section)

    _header_block(doc, report)
    _para(doc, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=18)
    _para(doc, report.title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=0)
    _rule(doc, 30, Mm(210 - 30 - 15).mm)
    as_of = (figures.get("as_of") or "")[:10]
    if as_of:
        y, m, d = as_of.split("-")
        _para(doc, f"(Số liệu tính đến ngày {d}/{m}/{y})", size=13, italic=True,
              align=WD_ALIGN_PARAGRAPH.CENTER, before=10)

    _heading(doc, "I. KẾT QUẢ THỰC HIỆN")
    _narrative(doc, report.results_text)
    n = 1
    header, rows = indicator_table(figures)
    if rows:
        _heading(doc, f"{n}. Kết quả thực hiện các chỉ tiêu", level=2)
        n += 1
        _caption(doc, f"Bảng {n - 1}. Kết quả thực hiện chỉ tiêu so với chỉ tiêu giao")
        _data_table(doc, header, rows, [12, 66, 24, 24, 39])
    header, rows = counts_table(figures)
    if rows:
        _heading(doc, f"{n}. Kèm cặp, hướng dẫn và lớp học số cộng đồng", level=2)
        n += 1
        _data_table(doc, header, rows, [12, 93, 30, 30])
    header, rows, total = activities_table(figures)
    _heading(doc, f"{n}. Công tác tuyên truyền", level=2)
    n += 1
    if rows:
        _data_table(doc, header, rows, [12, 63, 28, 32, 30], total=total)
    else:
        _para(doc, "Trong kỳ chưa ghi nhận hoạt động tuyên truyền.", indent=True)
    header, rows = tasks_table(figures)
    if rows:
        _heading(doc, f"{n}. Tiến độ thực hiện nhiệm vụ theo kế hoạch", level=2)
        n += 1
        _data_table(doc, header, rows, [12, 68, 35, 25, 25], numeric_from=99)
    commended = figures.get("commendations_compiled") or figures.get("commendations") or []
    if commended:
        _heading(doc, f"{n}. Khen thưởng", level=2)
        _para(doc, "Đã khen thưởng: " + "; ".join(f"{c['label'].lower()}: {number(c['count'])}"
                                                   for c in commended) + ".", indent=True)

    _heading(doc, "II. HẠN CHẾ VÀ NGUYÊN NHÂN")
    _heading(doc, "1. Hạn chế", level=2)
    _narrative(doc, report.limitations_text)
    _heading(doc, "2. Nguyên nhân", level=2)
    _narrative(doc, report.causes_text)
    _heading(doc, "III. NHIỆM VỤ, GIẢI PHÁP VÀ ĐỀ XUẤT, KIẾN NGHỊ KỲ TỚI")
    _narrative(doc, report.proposals_text)
    _para(doc, f"Trên đây là báo cáo {report.title[0].lower() + report.title[1:]} của "
               f"{_issuer_phrase(report)}./.", indent=True).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _para(doc, "", before=6)
    _signature_block(doc, report)

    header, rows, _codes = children_table(figures)
    subs_header, subs_rows = submissions_table(figures)
    if rows or subs_rows:
        annex = doc.add_section()
        annex.orientation = WD_ORIENT.LANDSCAPE
        annex.page_width, annex.page_height = PAGE_H, PAGE_W
        annex.top_margin, annex.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        annex.left_margin, annex.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        width = 297 - 30 - 15
        _para(doc, "Phụ lục", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=0)
        _para(doc, f"(Kèm theo Báo cáo số {report.symbol} ngày {report.dated:%d/%m/%Y} của "
                   f"{_issuer_phrase(report)})", size=13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=0)
        if rows:
            _caption(doc, "Biểu 1. Kết quả thực hiện các chỉ tiêu theo đơn vị")
            rest = width - 12 - 50
            cols = max(1, len(header) - 2)
            _data_table(doc, header, rows, [12, 50] + [rest / cols] * cols, size=11 if cols < 7 else 10)
        if subs_rows:
            if rows:
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            _caption(doc, "Biểu 2. Tình hình gửi báo cáo của các xã, phường")
            _data_table(doc, subs_header, subs_rows, [12, 100, 60, 50], size=11, numeric_from=99)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _issuer_phrase(report) -> str:
    """"ỦY BAN NHÂN DÂN" + "XÃ VĨNH LINH" → "Ủy ban nhân dân xã Vĩnh Linh"."""
    words = report.issuer.title().split(" ")
    if words and words[0].lower() in ("xã", "phường", "tỉnh", "thành", "đặc"):
        words[0] = words[0].lower()
    name = " ".join(words)
    if report.issuer_parent and not report.parent_is_superior:
        return f"{report.issuer_parent.capitalize()} {name}"
    return name


# --- The .xlsx annex ----------------------------------------------------------------------------------

def report_xlsx(report, figures: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(name=FONT, bold=True, size=12)
    plain = Font(name=FONT, size=12)
    title_font = Font(name=FONT, bold=True, size=13)

    def sheet(name: str, title: str, header: list[str], rows: list[list], total: list | None = None,
              widths: list[int] | None = None):
        ws = book.create_sheet(name[:31])
        ws.append([f"{report.issuer_parent} {report.issuer}".strip()])
        ws.append([title])
        ws.append([f"Kèm theo Báo cáo số {report.symbol} ngày {report.dated:%d/%m/%Y} — "
                   f"{figures.get('period', {}).get('label', '')}; số liệu tính đến "
                   f"{(figures.get('as_of') or '')[:10]}"])
        ws["A1"].font = bold
        ws["A2"].font = title_font
        ws["A3"].font = Font(name=FONT, italic=True, size=11)
        ws.append(header)
        for cell in ws[4]:
            cell.font = bold
            cell.border = border
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in rows + ([total] if total else []):
            ws.append([_xlsx_value(_clean(v) if isinstance(v, str) else v) for v in row])
            for cell, original in zip(ws[ws.max_row], row, strict=False):
                cell.font = bold if row is total else plain
                cell.border = border
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                if isinstance(original, str) and original.endswith("%"):
                    cell.number_format = "0.0%"
                elif isinstance(cell.value, int | float):
                    cell.number_format = "#,##0"
        widths = widths or [6, 45] + [18] * (len(header) - 2)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "C5"
        return ws

    sheet("Chỉ tiêu", "Kết quả thực hiện chỉ tiêu so với chỉ tiêu giao", *indicator_table(figures))
    header, rows, _codes = children_table(figures)
    sheet("Theo đơn vị", "Kết quả thực hiện các chỉ tiêu theo đơn vị", header, rows)
    sheet("Trong kỳ", "Kèm cặp, hướng dẫn và lớp học số cộng đồng", *counts_table(figures))
    header, rows, total = activities_table(figures)
    sheet("Tuyên truyền", "Hoạt động tuyên truyền theo hình thức", header, rows, total)
    sheet("Tuyên truyền theo đơn vị", "Hoạt động tuyên truyền theo đơn vị", *activities_by_unit_table(figures))
    header, rows = tasks_table(figures)
    sheet("Nhiệm vụ", "Tiến độ thực hiện nhiệm vụ theo kế hoạch", header, rows, widths=[6, 60, 30, 20, 25])
    commended = figures.get("commendations_compiled") or figures.get("commendations") or []
    sheet("Khen thưởng", "Khen thưởng trong kỳ", ["STT", "Nội dung khen thưởng", "Số lượng"],
          [[i, c["label"], c["count"]] for i, c in enumerate(commended, start=1)])
    if figures.get("submissions") is not None:
        sheet("Gửi báo cáo", "Tình hình gửi báo cáo của các xã, phường", *submissions_table(figures))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _xlsx_value(value):
    """Numbers stay numbers in the annex; formatted figures ("1.234", "85,5%") become numbers again."""
    if isinstance(value, int | float):
        return value
    text = str(value)
    raw = text.rstrip("%").replace(".", "").replace(",", ".")
    try:
        number_value = float(raw)
    except ValueError:
        return text
    if text.endswith("%"):
        return round(number_value / 100, 4)
    return int(number_value) if number_value.is_integer() else number_value


__all__ = ["report_docx", "report_xlsx", "date_line", "percent"]
