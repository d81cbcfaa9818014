"""Targets are data: entered by officers, imported from XLSX all-or-nothing, inherited down the tree."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook

from binhdan.core.models import AuditLog
from binhdan.kpi import query, services
from binhdan.kpi.models import Target


def xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["Danh sách chỉ tiêu năm 2026"])
    ws.append(["Chỉ số", "Đơn vị", "Năm", "Quý", "Chỉ tiêu", "Ghi chú"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def target(unit, code, year=2026):
    return next(r for r in query.indicator_rows(unit, year=year) if r["code"] == code)["target"]


def test_a_commune_without_its_own_target_inherits_the_province_target(scenario):
    services.set_target(scenario.province_officer, indicator="adults_national", unit=scenario.p1, year=2026,
                        value=60)
    services.set_target(scenario.commune_officer, indicator="adults_national", unit=scenario.c11, year=2026,
                        value=70)
    assert target(scenario.c11, "adults_national") == 70.0
    assert target(scenario.c12, "adults_national") == 60.0
    assert target(scenario.v121, "adults_national") == 60.0
    assert target(scenario.c21, "adults_national") is None
    assert target(scenario.c12, "adults_national", year=2025) is None
    assert AuditLog.objects.filter(model="kpi.target", action="create").count() == 2


def test_a_quarter_target_applies_in_its_quarter_only(scenario):
    services.set_target(None, indicator="coaching_sessions", unit=scenario.c11, year=2026, value=400)
    services.set_target(None, indicator="coaching_sessions", unit=scenario.c11, year=2026, quarter=2, value=90)
    rows = {r["code"]: r for r in query.indicator_rows(scenario.c11, year=2026, quarter=2)}
    assert rows["coaching_sessions"]["target"] == 90.0
    rows = {r["code"]: r for r in query.indicator_rows(scenario.c11, year=2026)}
    assert rows["coaching_sessions"]["target"] == 400.0


@pytest.mark.parametrize("value", ["101", "-1", "abc", ""])
def test_a_percentage_outside_0_to_100_is_refused_with_the_value(scenario, value):
    with pytest.raises(ValidationError) as error:
        services.set_target(scenario.province_officer, indicator="adults_basic_skills", unit=scenario.p1,
                            year=2026, value=value)
    assert f"“{value}”" in str(error.value.message_dict["value"])
    assert not Target.objects.exists()


def test_an_unknown_indicator_is_refused(scenario):
    with pytest.raises(ValidationError) as error:
        services.set_target(scenario.province_officer, indicator="happiness", unit=scenario.p1, year=2026,
                            value=50)
    assert "“happiness”" in error.value.message_dict["indicator"][0]


def test_outsider_cannot_set_a_target_for_another_province(scenario):
    with pytest.raises(PermissionDenied):
        services.set_target(scenario.outsider, indicator="adults_basic_skills", unit=scenario.p1, year=2026,
                            value=50)
    assert not Target.objects.exists()


def test_commune_officer_cannot_set_the_province_target(scenario):
    with pytest.raises(PermissionDenied):
        services.set_target(scenario.commune_officer, indicator="adults_basic_skills", unit=scenario.p1,
                            year=2026, value=50)


def test_an_xlsx_of_targets_is_imported_whole(scenario):
    data = xlsx([["adults_basic_skills", "P1", 2026, None, 100, "KH 001"],
                 ["Người dân trưởng thành xác nhận trên VNeID", "C11", 2026, None, 70, ""],
                 ["coaching_sessions", "C11", 2026, 2, 120, ""]])
    result = services.import_targets(scenario.province_officer, data, "chi-tieu.xlsx")
    assert result.ok, [str(p) for p in result.problems]
    assert (result.created, result.updated) == (3, 0)
    assert target(scenario.c12, "adults_basic_skills") == 100.0


def test_an_xlsx_with_one_bad_row_imports_nothing_and_names_row_field_and_value(scenario):
    data = xlsx([["adults_basic_skills", "P1", 2026, None, 100, ""],
                 ["adults_national", "P1", 2026, None, 140, ""],
                 ["no_such_indicator", "P1", 2026, None, 10, ""],
                 ["adults_national", "XX9", 2026, None, 10, ""],
                 ["adults_national", "P2", 2026, None, 10, ""]])
    result = services.import_targets(scenario.province_officer, data, "chi-tieu.xlsx")
    problems = [(p.row, p.column, p.value) for p in result.problems]
    assert (4, "Chỉ tiêu", "140") in problems
    assert (5, "Chỉ số", "no_such_indicator") in problems
    assert (6, "Đơn vị", "XX9") in problems
    assert (7, "Đơn vị", "P2") in problems
    assert not Target.objects.exists()


def test_targets_page_saves_a_target_and_refuses_a_bad_one(client, scenario):
    client.force_login(scenario.province_officer)
    url = reverse("kpi:targets", args=[scenario.p1.code])
    response = client.post(url, {"indicator": "adults_basic_skills", "unit": "C12", "year": 2026, "value": "150"})
    assert response.status_code == 200 and "150" in response.content.decode()
    assert not Target.objects.exists()
    response = client.post(url, {"indicator": "adults_basic_skills", "unit": "C12", "year": 2026, "value": "85,5"})
    assert response.status_code == 302
    assert float(Target.objects.get().value) == 85.5


def test_outsider_cannot_post_targets_or_import(client, scenario):
    client.force_login(scenario.outsider)
    assert client.post(reverse("kpi:targets", args=[scenario.p1.code]), {
        "indicator": "adults_basic_skills", "unit": "P1", "year": 2026, "value": "50"}).status_code == 404
    assert client.post(reverse("kpi:target-import", args=[scenario.p1.code])).status_code == 404
    assert not Target.objects.exists()


def test_team_member_cannot_change_targets(client, scenario):
    client.force_login(scenario.team_member)
    response = client.post(reverse("kpi:targets", args=[scenario.v111.code]), {
        "indicator": "adults_basic_skills", "unit": "V111", "year": 2026, "value": "50"})
    assert response.status_code == 403
    assert not Target.objects.exists()


def test_import_page_shows_problems(client, scenario):
    client.force_login(scenario.province_officer)
    upload = io.BytesIO(xlsx([["adults_basic_skills", "P1", 2026, None, 120, ""]]))
    upload.name = "chi-tieu.xlsx"
    response = client.post(reverse("kpi:target-import", args=[scenario.p1.code]), {"file": upload})
    assert response.status_code == 200
    assert "120" in response.content.decode()
    assert not Target.objects.exists()


def test_demo_loads_the_targets_of_plan_001_and_history(scenario):
    from binhdan.kpi.demo import seed_kpi
    from binhdan.kpi.models import Snapshot

    outcome = seed_kpi(scenario.c11)
    assert outcome["targets"] == 16
    assert target(scenario.c11, "adults_national", 2025) == 50.0
    assert target(scenario.c11, "adults_national", 2026) == 70.0
    assert Snapshot.objects.filter(commune=scenario.c11).dates("date", "day").count() > 20
