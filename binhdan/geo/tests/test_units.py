import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from binhdan.core.models import AuditLog
from binhdan.geo import services
from binhdan.geo.models import AdminUnit, Level


@pytest.mark.django_db
def test_load_units_loads_34_provinces_and_3321_communes_and_rerun_changes_nothing():
    first = services.load_units()
    assert AdminUnit.objects.filter(level=Level.PROVINCE).count() == 34
    assert AdminUnit.objects.filter(level=Level.COMMUNE).count() == 3321
    vinh_linh = AdminUnit.objects.get(code="19363")
    assert vinh_linh.name == "Xã Vĩnh Linh"
    assert vinh_linh.province.name == "Tỉnh Quảng Trị"
    assert vinh_linh.path == "/VN/44/19363/"
    before = list(AdminUnit.objects.order_by("pk").values_list("pk", "code", "name", "path", "updated_at"))
    second = services.load_units()
    assert first.created == 3356 and second.created == 0 and second.updated == 0
    assert list(AdminUnit.objects.order_by("pk").values_list("pk", "code", "name", "path", "updated_at")) == before


@pytest.mark.django_db
def test_load_units_rejects_an_unknown_province_code_and_writes_nothing():
    with pytest.raises(CommandError, match="99"):
        call_command("load_units", province=["99"])
    assert not AdminUnit.objects.exists()


def _xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_village_import_reads_a_title_row_and_vietnamese_headers(scenario):
    data = _xlsx([["DANH SÁCH THÔN, BẢN NĂM 2026"], [], ["STT", "TÊN THÔN", "Loại"],
                  [1, "thôn đông", "Thôn"], [2, "Bản Nà Hẩu", "ban"], [], [3, "Tổ dân phố 3", "tổ dân phố"]])
    result = services.import_villages(scenario.commune_officer, scenario.c11, data, "thon.xlsx")
    assert result.problems == []
    assert sorted(result.created) == ["Bản Nà Hẩu", "Thôn Đông", "Tổ dân phố 3"]
    names = set(AdminUnit.objects.filter(parent=scenario.c11).values_list("name", flat=True))
    assert {"Thôn Đông", "Bản Nà Hẩu", "Tổ dân phố 3"} <= names
    assert AdminUnit.objects.get(name="Bản Nà Hẩu").kind == "ban"
    assert AuditLog.objects.filter(action="create", model="geo.adminunit", commune=scenario.c11).count() == 3
    again = services.import_villages(scenario.commune_officer, scenario.c11, data, "thon.xlsx")
    assert again.created == [] and len(again.unchanged) == 3


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([["Loại"], ["thôn"]], "Tên thôn"),
        ([["Tên thôn", "Loại"], ["Thôn A", "thôn"], ["", "thôn"]], "dòng 3"),
        ([["Tên thôn", "Loại"], ["Thôn A", "thôn"], ["THÔN A", "thôn"]], "dòng 2"),
        ([["Tên thôn", "Loại"], ["Thôn A", "làng chài"]], "làng chài"),
    ],
    ids=["missing-column", "blank-name", "duplicate", "unknown-kind"],
)
def test_a_malformed_village_file_names_the_row_and_writes_nothing(scenario, rows, expected):
    before = AdminUnit.objects.count()
    with pytest.raises(CommandError):
        path = _tmp_file(_xlsx(rows))
        call_command("import_villages", path, commune="C11")
    result = services.import_villages(scenario.commune_officer, scenario.c11, _xlsx(rows), "f.xlsx")
    assert any(expected in str(p) for p in result.problems), [str(p) for p in result.problems]
    assert AdminUnit.objects.count() == before


def _tmp_file(data):
    import tempfile

    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.write(data)
    handle.close()
    return handle.name


def test_import_villages_command_rejects_an_unknown_commune(scenario):
    with pytest.raises(CommandError, match="C99"):
        call_command("import_villages", _tmp_file(b"x"), commune="C99")


def test_a_password_protected_or_non_table_file_is_refused(scenario):
    result = services.import_villages(scenario.commune_officer, scenario.c11, b"\xd0\xcf\x11\xe0rest", "a.xlsx")
    assert "mật khẩu" in str(result.problems[0])
    result = services.import_villages(scenario.commune_officer, scenario.c11, b"", "a.csv")
    assert "Tệp trống" in str(result.problems[0])


def test_closing_a_village_keeps_it_and_its_history(scenario):
    import datetime

    services.close_unit(scenario.commune_officer, scenario.v112, datetime.date(2026, 7, 1), scenario.v111)
    scenario.v112.refresh_from_db()
    assert scenario.v112.valid_to == datetime.date(2026, 7, 1)
    assert scenario.v112.successor == scenario.v111
    assert AuditLog.objects.filter(object_id=str(scenario.v112.pk), note="merge").exists()
    with pytest.raises(ValueError):
        services.close_unit(scenario.commune_officer, scenario.v111, datetime.date(2026, 7, 1), scenario.c11)
