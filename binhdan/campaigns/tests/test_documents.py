"""The report as a Decree 30/2020/NĐ-CP administrative document (.docx) and its .xlsx annex, read back."""

import datetime
import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from docx import Document
from docx.shared import Mm, Pt
from openpyxl import load_workbook

from binhdan.campaigns import documents, services
from binhdan.campaigns.models import Task

from .conftest import ON_TIME, Q3


@pytest.fixture
def submitted(scenario, orgs, q3_report):
    """C11's third-quarter report with activities and a task, submitted on time and signed."""
    services.record_activity(scenario.commune_officer, unit=scenario.v111, kind="loudspeaker",
                             on=datetime.date(2026, 7, 15), title="Phát thanh hướng dẫn VNeID", quantity=12,
                             people_reached=2400)
    services.record_activity(scenario.commune_officer, unit=scenario.v112, kind="social",
                             on=datetime.date(2026, 8, 3), title="Clip Zalo về chống lừa đảo", quantity=3,
                             people_reached=1800)
    plan = services.create_plan(scenario.commune_officer, scenario.c11, number="45/KH-UBND",
                                issuing_body="UBND xã", title="Kế hoạch năm 2026")
    task = services.add_task(scenario.commune_officer, plan, title="Tổ chức Ngày hội toàn dân học tập số 10/10",
                             lead_text="Ủy ban nhân dân Xã Thử 11", time_text="Tháng 9/2026",
                             lead_organisations=[orgs["committee11"]])
    services.update_task(scenario.commune_officer, task, status=Task.Status.IN_PROGRESS, progress=30)
    services.update_report(scenario.commune_officer, q3_report, symbol="125/BC-UBND", signer_name="Lê Văn Bình",
                           dated=datetime.date(2026, 9, 10), place_name="Thử 11")
    return services.submit_report(scenario.commune_officer, q3_report, now=ON_TIME)


def _docx(report):
    return Document(io.BytesIO(documents.report_docx(report, services.report_figures(report))))


def _texts(cell):
    return [p.text for p in cell.paragraphs if p.text]


def test_the_page_is_a4_with_the_decree_margins_and_times_new_roman(submitted):
    doc = _docx(submitted)
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(0.1)
    def mm(length):
        return round(length / Mm(1), 1)

    assert 20 <= mm(section.top_margin) <= 25 and 20 <= mm(section.bottom_margin) <= 25
    assert 30 <= mm(section.left_margin) <= 35 and 15 <= mm(section.right_margin) <= 20
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert Pt(13) <= doc.styles["Normal"].font.size <= Pt(14)
    runs = [r for p in doc.paragraphs for r in p.runs if r.text]
    assert runs and all(r.font.name == "Times New Roman" for r in runs)
    body = [r for p in doc.paragraphs for r in p.runs if r.text and p.paragraph_format.first_line_indent]
    assert all(Pt(13) <= r.font.size <= Pt(14) for r in body)


def test_the_header_block_has_the_issuing_body_number_national_title_motto_and_date(submitted):
    doc = _docx(submitted)
    left, right = doc.tables[0].rows[0].cells
    assert _texts(left) == ["ỦY BAN NHÂN DÂN", "XÃ THỬ 11", "Số: 125/BC-UBND"]
    assert _texts(right) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                             "Thử 11, ngày 10 tháng 9 năm 2026"]
    name_run = left.paragraphs[1].runs[0]
    assert name_run.bold and Pt(12) <= name_run.font.size <= Pt(13)
    national, motto, date = (p for p in right.paragraphs if p.text)
    assert national.runs[0].bold and Pt(12) <= national.runs[0].font.size <= Pt(13)
    assert motto.runs[0].bold and Pt(13) <= motto.runs[0].font.size <= Pt(14)
    assert date.runs[0].italic and not date.runs[0].bold
    # a rule under the issuing body and under the motto: short bottom borders
    rules = [p for cell in (left, right) for p in cell.paragraphs if p._p.pPr is not None
             and p._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr") is not None]
    assert len(rules) == 2
    assert rules[0].paragraph_format.left_indent > Mm(10)  # ⅓–½ of the name, centred


def test_the_title_sections_recipients_and_signature_are_laid_out(submitted):
    doc = _docx(submitted)
    texts = [p.text for p in doc.paragraphs]
    title = doc.paragraphs[texts.index("BÁO CÁO")]
    assert title.alignment == 1 and title.runs[0].bold  # centred, bold
    assert texts[texts.index("BÁO CÁO") + 1] == "Kết quả thực hiện phong trào “Bình dân học vụ số” quý III năm 2026"
    assert "(Số liệu tính đến ngày 10/09/2026)" in texts
    headings = [t for t in texts if t[:3] in ("I. ", "II.", "III")]
    assert headings == ["I. KẾT QUẢ THỰC HIỆN", "II. HẠN CHẾ VÀ NGUYÊN NHÂN",
                        "III. NHIỆM VỤ, GIẢI PHÁP VÀ ĐỀ XUẤT, KIẾN NGHỊ KỲ TỚI"]
    closing = next(t for t in doc.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    left, right = closing.rows[0].cells
    heading = left.paragraphs[0].runs[0]
    assert heading.bold and heading.italic and heading.font.size == Pt(12)
    entries = _texts(left)[1:]
    assert entries[0] == "- UBND Tỉnh Thử 1 (b/c);" and entries[-1] == "- Lưu: VT."
    assert all(p.runs[0].font.size == Pt(11) for p in left.paragraphs[1:] if p.text)
    assert _texts(right) == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Bình"]
    assert all(p.runs[0].bold for p in right.paragraphs if p.text)


def test_the_tables_equal_the_frozen_figures_in_the_document_and_the_annex(scenario, submitted):
    frozen = submitted.figures
    # data entered after submission must not appear
    services.record_activity(scenario.commune_officer, unit=scenario.v111, kind="loudspeaker",
                             on=datetime.date(2026, 9, 1), title="Sau khi gửi", quantity=99, people_reached=9999)
    doc = _docx(submitted)
    activity_table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Hình thức tuyên truyền")
    rows = [[c.text for c in row.cells] for row in activity_table.rows[1:]]
    assert rows == [["1", frozen["activities"]["by_kind"][0]["label"], "1", "12", "2.400"],
                    ["2", frozen["activities"]["by_kind"][1]["label"], "1", "3", "1.800"],
                    ["", "Tổng cộng", "2", "15", "4.200"]]
    task_table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Nhiệm vụ")
    assert [c.text for c in task_table.rows[1].cells] == [
        "1", "Tổ chức Ngày hội toàn dân học tập số 10/10", "Ủy ban nhân dân Xã Thử 11", "Tháng 9/2026",
        "Đang thực hiện (30%)"]
    book = load_workbook(io.BytesIO(documents.report_xlsx(submitted, services.report_figures(submitted))))
    assert {"Chỉ tiêu", "Theo đơn vị", "Trong kỳ", "Tuyên truyền", "Nhiệm vụ", "Khen thưởng"} <= set(book.sheetnames)
    sheet = book["Tuyên truyền"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert values[-1] == [None, "Tổng cộng", 2, 15, 4200]
    assert sheet["A2"].value == "Hoạt động tuyên truyền theo hình thức"
    by_unit = [[c.value for c in row] for row in book["Tuyên truyền theo đơn vị"].iter_rows(min_row=5)]
    assert by_unit == [[1, "Thôn Thử 111", 1, 12, 2400], [2, "Thôn Thử 112", 1, 3, 1800]]


def test_the_documents_download_for_those_in_scope_only(client, scenario, submitted):
    client.force_login(scenario.province_officer)
    response = client.get(reverse("campaigns:report-docx", args=[submitted.uuid]))
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
    assert Document(io.BytesIO(response.content)).tables[0].rows[0].cells[0].paragraphs[1].text == "XÃ THỬ 11"
    response = client.get(reverse("campaigns:report-xlsx", args=[submitted.uuid]))
    assert response.status_code == 200 and load_workbook(io.BytesIO(response.content))["Chỉ tiêu"]
    client.force_login(scenario.outsider)
    assert client.get(reverse("campaigns:report-docx", args=[submitted.uuid])).status_code == 404
    assert client.get(reverse("campaigns:report-xlsx", args=[submitted.uuid])).status_code == 404


def test_text_pasted_from_spreadsheets_with_control_characters_still_makes_a_document(scenario, q3_report):
    services.update_report(scenario.commune_officer, q3_report, results_text="Dòng một\x0bdòng hai\x01.",
                           signer_name="Lê\x0cVăn Bình")
    q3_report.refresh_from_db()
    figures = services.report_figures(q3_report)
    figures["tasks"] = [{"title": "Nhiệm vụ\x0bxuống dòng", "lead": "UBND", "time": "Quý III", "status": "done",
                         "status_label": "Đã hoàn thành", "progress": 100, "overdue": False}]
    doc = Document(io.BytesIO(documents.report_docx(q3_report, figures)))
    texts = [p.text for p in doc.paragraphs]
    assert "Dòng một" in texts and "dòng hai ." in texts  # a vertical tab is a line break in Excel
    task_table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Nhiệm vụ")
    assert task_table.rows[1].cells[1].text == "Nhiệm vụ xuống dòng"
    assert load_workbook(io.BytesIO(documents.report_xlsx(q3_report, figures)))["Nhiệm vụ"]["B5"].value == \
        "Nhiệm vụ xuống dòng"


def test_the_date_line_pads_days_and_the_first_two_months():
    assert documents.date_line("Vĩnh Linh", datetime.date(2026, 2, 5)) == "Vĩnh Linh, ngày 05 tháng 02 năm 2026"
    assert documents.date_line("Vĩnh Linh", datetime.date(2026, 12, 10)) == "Vĩnh Linh, ngày 10 tháng 12 năm 2026"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_report_as_a_document_of_a4_pages(tmp_path, submitted):
    path = tmp_path / "bao-cao.docx"
    path.write_bytes(documents.report_docx(submitted, submitted.figures))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "bao-cao.pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert pdf.startswith(b"%PDF") and boxes
    # the page tree may carry a square bounding box of all its pages; the pages themselves are A4
    sizes = [(round(float(w)), round(float(h))) for w, h in boxes if w != h]
    assert sizes[0] == (595, 842)  # A4 portrait; the annex of tables by unit may turn landscape
    assert set(sizes) <= {(595, 842), (842, 595)}


def test_the_periods_have_their_vietnamese_labels_and_due_dates():
    assert Q3.label == "quý III năm 2026" and Q3.due_on() == datetime.date(2026, 9, 15)
    assert Q3.start == datetime.date(2026, 7, 1) and Q3.end == datetime.date(2026, 9, 30)
    half = type(Q3)("half", 2026, 2)
    assert half.label == "6 tháng cuối năm 2026" and half.due_on(10) == datetime.date(2026, 12, 10)
    assert type(Q3).from_slug("2026-nam").label == "năm 2026"
    assert type(Q3).from_slug(Q3.slug) == Q3
    with pytest.raises(ValueError):
        type(Q3).from_slug("2026-q5")
