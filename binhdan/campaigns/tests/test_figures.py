"""Reports read the real indicator counters (binhdan.kpi.query): indicators against targets, results by
village, counts over the period — frozen at submission and written into the document as frozen."""

import io

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from binhdan.campaigns import documents, services
from binhdan.campaigns.periods import current_quarter
from binhdan.kpi.tests.helpers import curriculum, new_person, reach
from binhdan.kpi.tracking import bump, rebuild


@pytest.fixture
def counted(scenario):
    """C11: four adults in Thôn Thử 111, two of them at level 4; a target of 80% for the province;
    five coaching sessions this quarter."""
    from binhdan.kpi.services import set_target

    rebuild([u.pk for u in scenario.units.values() if u.level == 3])
    levels = curriculum()
    people = [new_person(scenario.v111, age=40 + i) for i in range(4)]
    for person in people[:2]:
        reach(person, levels, 4)
    new_person(scenario.v112, age=70)
    set_target(scenario.admin, indicator="adults_basic_skills", unit=scenario.p1, year=timezone.localdate().year,
               value=80)
    bump("coaching_sessions", scenario.v111.pk, 5)
    return {"levels": levels, "people": people}


def _table(doc, first_header):
    return next(t for t in doc.tables if t.rows[0].cells[1].text == first_header)


def test_the_report_freezes_the_live_indicators_and_writes_them_into_the_document(scenario, counted):
    period = current_quarter(timezone.localdate())
    report = services.create_report(scenario.commune_officer, scenario.c11, period)
    report = services.submit_report(scenario.commune_officer, report)
    rows = {r["code"]: r for r in report.figures["indicators"]}
    basic = rows["adults_basic_skills"]
    assert (basic["numerator"], basic["denominator"], basic["value"], basic["target"]) == (2, 5, 40.0, 80.0)
    assert basic["status"] == "red"
    assert {c["code"]: c["change"] for c in report.figures["counts"]}["coaching_sessions"] == 5
    villages = {c["code"]: {r["code"]: r for r in c["rows"]} for c in report.figures["children"]}
    assert villages["V111"]["adults_basic_skills"]["value"] == 50.0
    assert villages["V112"]["adults_basic_skills"]["value"] == 0.0

    # more people learn after the report was sent: the report does not change
    for person in counted["people"][2:]:
        reach(person, counted["levels"], 4)
    report.refresh_from_db()
    assert services.live_figures(report)["indicators"][2]["numerator"] == 4
    doc = Document(io.BytesIO(documents.report_docx(report, services.report_figures(report))))
    table = _table(doc, "Chỉ tiêu")
    by_name = {row.cells[1].text: [c.text for c in row.cells[2:]] for row in table.rows[1:]}
    assert by_name[basic["name"]] == ["40%", "80%", "2/5"]
    counts = {row.cells[1].text: row.cells[2].text for row in _table(doc, "Nội dung").rows[1:]}
    assert counts[rows["coaching_sessions"]["name"]] == "5"
    annex = _table(doc, "Đơn vị")
    header = [c.text for c in annex.rows[0].cells]
    column = header.index(basic["short"])
    assert {row.cells[1].text: row.cells[column].text for row in annex.rows[1:]} == {
        "Thôn Thử 111": "50%", "Thôn Thử 112": "0%"}
    assert "mới đạt 40% so với chỉ tiêu 80%" in report.limitations_text or basic["name"] in report.limitations_text
    book = load_workbook(io.BytesIO(documents.report_xlsx(report, services.report_figures(report))))
    sheet = {row[1].value: [c.value for c in row[2:]] for row in book["Chỉ tiêu"].iter_rows(min_row=5)}
    assert sheet[basic["name"]][:2] == [0.4, 0.8]


def test_the_narrative_is_prefilled_from_the_figures(scenario, counted):
    report = services.create_report(scenario.commune_officer, scenario.c11, current_quarter(timezone.localdate()))
    assert "0/1 chỉ tiêu" in report.results_text
    assert "tăng 5" in report.results_text
    assert "mới đạt 40% so với chỉ tiêu 80%" in report.limitations_text
