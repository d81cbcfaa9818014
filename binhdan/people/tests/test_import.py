import datetime
import uuid

import pytest

from binhdan.core import pii
from binhdan.core.models import AuditLog
from binhdan.people import importer
from binhdan.people.models import Household, Person
from binhdan.people.tests.helpers import csv_bytes, xlsx

TODAY = datetime.date(2026, 11, 22)
pytestmark = pytest.mark.usefixtures("english")
HEADER = ["STT", "HỌ VÀ TÊN", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Số điện thoại", "Thôn",
          "Quan hệ với chủ hộ"]


def messy_list():
    """A commune list as it really looks: title rows, a numbering row, capitals, numbers for IDs."""
    return xlsx(
        [
            HEADER,
            ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"],
            [1, "NGUYỄN VĂN  AN", datetime.date(1970, 3, 5), "Nam", "Kinh", 44070000123, "0912.345.678",
             "thon thu 111", "Chủ hộ"],
            [2, "nguyễn thị hoà", "12/08/1975", "nữ", "kinh", "044175000456", "+84 98 765 4321", "Thôn Thử 111",
             "Vợ"],
            [3, "Nguyễn Văn Bình", 1999, "Nam", "Kinh", None, 84356789012, "Thôn Thử 111", "Con"],
            [],
            [4, "Hồ Văn Ú", 25569, "Nam", "Bru - Vân Kiều", 123456789, 912345670, "THON THU 112", "Chủ hộ"],
            [5, "Hồ Thị Nhoi", "1980", "Nữ", "Vân Kiều", "", "", "Thử 112", "Vợ"],
        ],
        title_rows=["ỦY BAN NHÂN DÂN XÃ THỬ 11", "DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU NĂM 2026", ""],
    )


def test_a_messy_commune_list_is_previewed_with_its_mapping_and_counts(scenario):
    plan = importer.plan(scenario.c11, messy_list(), "ds.xlsx", today=TODAY)
    assert plan.file_error == "" and plan.problems == []
    assert plan.header_row == 3
    assert {k: plan.columns[v][2] for k, v in plan.mapping.items()} == {
        "full_name": "HỌ VÀ TÊN", "birth": "Ngày sinh", "sex": "Giới tính", "ethnicity": "Dân tộc",
        "id_number": "Số CCCD", "phone": "Số điện thoại", "village": "Thôn", "relation": "Quan hệ với chủ hộ"}
    assert plan.counts() | {} == {"new": 5, "updated": 0, "unchanged": 0, "invalid": 0, "rows": 5,
                                  "households_new": 2, "problems": 0}
    assert not Person.objects.exists()


def test_committing_a_messy_list_cleans_every_value_and_groups_households(scenario):
    plan = importer.plan(scenario.c11, messy_list(), "ds.xlsx", today=TODAY)
    job = uuid.uuid4()
    importer.commit(scenario.commune_officer, scenario.c11, plan, only_valid=False, job_uuid=job)
    an = Person.objects.get(full_name="Nguyễn Văn An")
    hoa = Person.objects.get(name_folded="nguyen thi hoa")
    binh = Person.objects.get(full_name="Nguyễn Văn Bình")
    u = Person.objects.get(full_name="Hồ Văn Ú")
    nhoi = Person.objects.get(full_name="Hồ Thị Nhoi")
    assert hoa.full_name == "Nguyễn Thị Hoà"
    assert an.birth_date == datetime.date(1970, 3, 5) and hoa.birth_date == datetime.date(1975, 8, 12)
    assert binh.birth_date is None and binh.birth_year == 1999
    assert u.birth_date == datetime.date(1970, 1, 1)  # Excel serial number 25569
    assert nhoi.birth_year == 1980 and nhoi.ethnicity == "23" and u.ethnicity == "23"
    # The ID number stored as a number lost its leading zero; it is restored before hashing.
    assert an.id_hash == pii.id_hash("044070000123") and an.id_last4 == "0123"
    assert u.id_last4 == "6789" and len(u.id_hash) == 64
    assert an.phone() == "+84912345678" and an.phone_masked == "09xx xxx 678"
    assert hoa.phone() == "+84987654321" and binh.phone() == "+84356789012" and u.phone() == "+84912345670"
    assert an.village == scenario.v111 and u.village == scenario.v112 and an.commune == scenario.c11
    assert an.household == hoa.household == binh.household and an.household.head == an
    assert u.household == nhoi.household != an.household and u.household.head == u
    assert (hoa.relation, binh.relation, an.sex, hoa.sex) == ("spouse", "child", "M", "F")
    assert set(Person.objects.values_list("import_job", flat=True)) == {job}


def test_re_importing_the_same_list_changes_nothing_and_duplicates_nobody(scenario):
    importer.commit(scenario.commune_officer, scenario.c11,
                    importer.plan(scenario.c11, messy_list(), "ds.xlsx", today=TODAY), only_valid=False)
    again = importer.plan(scenario.c11, messy_list(), "ds.xlsx", today=TODAY)
    assert again.counts()["unchanged"] == 5 and again.counts()["new"] == 0
    assert again.counts()["households_new"] == 0
    importer.commit(scenario.commune_officer, scenario.c11, again, only_valid=False)
    assert Person.objects.count() == 5 and Household.objects.count() == 2


def test_an_updated_list_updates_by_id_and_by_name_birth_and_village(scenario):
    importer.commit(scenario.commune_officer, scenario.c11,
                    importer.plan(scenario.c11, messy_list(), "ds.xlsx", today=TODAY), only_valid=False)
    updated = xlsx([
        HEADER + ["Có điện thoại thông minh", "VNeID"],
        # Same ID, name now spelt with a different middle name: updated, not duplicated.
        [1, "Nguyễn Hữu An", "05/03/1970", "Nam", "Kinh", "044070000123", "0912345678", "Thôn Thử 111", "Chủ hộ",
         "x", "Mức 2"],
        # No ID: matched by name + year + village; gains an ID number.
        [2, "NGUYEN VAN BINH", "1999", "Nam", "Kinh", "044099001111", "", "Thôn Thử 111", "Con", "có", "1"],
        [3, "Nguyễn Văn Cường", "01/01/2020", "Nam", "Kinh", "", "", "Thôn Thử 111", "Con", "", ""],
    ])
    plan = importer.plan(scenario.c11, updated, "ds2.xlsx", today=TODAY)
    assert plan.problems == []
    assert {r.values["full_name"]: r.status for r in plan.rows} == {
        "Nguyễn Hữu An": "updated", "Nguyen Van Binh": "updated", "Nguyễn Văn Cường": "new"}
    importer.commit(scenario.commune_officer, scenario.c11, plan, only_valid=False)
    assert Person.objects.count() == 6
    an = Person.objects.get(id_last4="0123")
    assert an.full_name == "Nguyễn Hữu An" and an.has_smartphone and an.vneid_level == 2
    binh = Person.objects.get(name_folded="nguyen van binh")
    assert binh.full_name == "Nguyễn Văn Bình"  # the register keeps its diacritics
    assert binh.id_last4 == "1111" and binh.vneid_level == 1
    assert Person.objects.get(full_name="Nguyễn Văn Cường").household == an.household
    log = AuditLog.objects.get(action="update", object_id=str(an.uuid))
    assert log.after["full_name"] == "Nguyễn Hữu An" and "044070000123" not in str(log.before) + str(log.after)


@pytest.mark.parametrize(
    "row, column, reason",
    [
        (["Lê Văn A", "31/02/1980", "Nam", "Kinh", "", "", "Thôn Thử 111"], "B", "There is no such date."),
        (["Lê Văn B", "1980", "Nam", "Kinh", "12345", "", "Thôn Thử 111"], "E", "12 digits"),
        (["Lê Văn C", "1980", "Nam", "Kinh", "", "12345", "Thôn Thử 111"], "F", "phone"),
        (["Lê Văn D", "1980", "Nam", "Kinh", "", "", "Thôn Không Có"], "G", "No open village"),
        (["Lê Văn E", "1980", "Nam", "Người Sao Hỏa", "", "", "Thôn Thử 111"], "D", "54 ethnic groups"),
        (["Lê Văn F", "01/01/2090", "Nam", "Kinh", "", "", "Thôn Thử 111"], "B", "future"),
        (["Lê Văn G", "1980", "Không rõ", "Kinh", "", "", "Thôn Thử 111"], "C", "Nữ"),
    ],
    ids=["impossible-date", "malformed-id", "malformed-phone", "unknown-village", "unknown-ethnicity",
         "future-date", "unknown-sex"],
)
def test_a_bad_row_is_reported_with_row_column_value_and_reason_and_never_half_stored(scenario, row, column, reason):
    header = ["Họ tên", "Ngày sinh", "Giới tính", "Dân tộc", "CCCD", "SĐT", "Thôn"]
    data = xlsx([header, ["Trần Văn Tốt", "1990", "Nam", "Kinh", "", "", "Thôn Thử 111"], row])
    plan = importer.plan(scenario.c11, data, "f.xlsx", today=TODAY)
    assert len(plan.problems) == 1, plan.problems
    number, letter, header_text, _value, message = plan.problems[0]
    assert number == 3 and letter == column and header_text == header[ord(column) - 65]
    assert reason in message
    assert plan.counts()["invalid"] == 1 and plan.counts()["new"] == 1
    with pytest.raises(ValueError):
        importer.commit(scenario.commune_officer, scenario.c11, plan, only_valid=False)
    assert not Person.objects.exists()
    importer.commit(scenario.commune_officer, scenario.c11, plan, only_valid=True)
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Trần Văn Tốt"]


def test_a_malformed_id_number_is_masked_in_the_problem_report(scenario):
    data = xlsx([["Họ tên", "Năm sinh", "CCCD", "Thôn"], ["Lê Văn B", 1980, "0441750004", "Thôn Thử 111"]])
    plan = importer.plan(scenario.c11, data, "f.xlsx", today=TODAY)
    assert plan.problems[0][3] == "•••••••004"


def test_a_duplicate_id_within_the_file_is_reported_on_the_second_row(scenario):
    data = xlsx([["Họ tên", "Năm sinh", "CCCD", "Thôn"], ["Lê Văn A", 1980, "044080000001", "Thôn Thử 111"],
                 ["Lê Văn Khác", 1981, "044080000001", "Thôn Thử 111"]])
    plan = importer.plan(scenario.c11, data, "f.xlsx", today=TODAY)
    assert [(p[0], p[1]) for p in plan.problems] == [(3, "C")]
    assert "row 2" in plan.problems[0][4] and "044080000001" not in str(plan.problems)


def test_households_can_be_given_by_code_or_by_head_name(scenario):
    by_code = xlsx([["Mã hộ", "Họ tên", "Năm sinh", "Thôn", "Địa chỉ"],
                    ["H01", "Lò Văn Páo", 1960, "Thôn Thử 111", "Số 5"], ["H02", "Lò Thị Mỷ", 1962, "Thôn Thử 111", ""],
                    ["H01", "Lò Văn Chứ", 1990, "Thôn Thử 111", ""]])
    importer.commit(scenario.commune_officer, scenario.c11, importer.plan(scenario.c11, by_code, "a.xlsx"),
                    only_valid=False)
    pao = Person.objects.get(full_name="Lò Văn Páo")
    assert pao.household.code == "H01" and pao.household.address == "Số 5"
    assert Person.objects.get(full_name="Lò Văn Chứ").household == pao.household
    by_head = csv_bytes([["Họ tên chủ hộ", "Họ và tên", "Năm sinh", "Thôn"],
                         ["Vàng A Sử", "Vàng A Sử", 1970, "Thôn Thử 112"], ["Vàng A Sử", "Vàng Thị Dua", 1972, "Thôn Thử 112"]])
    importer.commit(scenario.commune_officer, scenario.c11, importer.plan(scenario.c11, by_head, "b.csv"),
                    only_valid=False)
    su = Person.objects.get(full_name="Vàng A Sử")
    assert su.household.head == su and Person.objects.get(full_name="Vàng Thị Dua").household == su.household


def test_a_year_of_birth_under_nam_or_nu_gives_the_sex(scenario):
    data = xlsx([["Họ và tên", "Năm sinh", None, "Thôn"], [None, "Nam", "Nữ", None],
                 ["Đinh Văn Lâm", 1950, None, "Thôn Thử 111"], ["Đinh Thị Sen", None, 1955, "Thôn Thử 111"]])
    plan = importer.plan(scenario.c11, data, "f.xlsx", today=TODAY)
    assert plan.problems == []
    assert [(r.values["full_name"], r.values["sex"], r.values["birth_year"]) for r in plan.rows] == [
        ("Đinh Văn Lâm", "M", 1950), ("Đinh Thị Sen", "F", 1955)]


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "password"),
        (b"%PDF-1.4 \x00\x01\x02 binary", "neither XLSX nor"),
        ("Cột A,Cột B\n1,2\n".encode(), "No header row"),
    ],
    ids=["empty", "password-protected", "not-a-table", "no-header"],
)
def test_a_file_that_cannot_be_read_gets_a_clear_message_and_writes_nothing(scenario, data, expected):
    plan = importer.plan(scenario.c11, data, "list.xlsx" if data.startswith(b"\xd0") else "list.csv")
    assert expected in plan.file_error
    with pytest.raises(ValueError):
        importer.commit(scenario.commune_officer, scenario.c11, plan, only_valid=True)
    assert not Person.objects.exists()


def test_a_file_over_the_size_limit_is_refused(scenario, settings):
    settings.IMPORT_MAX_BYTES = 1000
    plan = importer.plan(scenario.c11, messy_list(), "ds.xlsx")
    assert "limit" in plan.file_error


def test_importing_after_the_preview_matches_against_the_register_as_it_is_then(scenario):
    from binhdan.people import services

    data = xlsx([["Họ tên", "Năm sinh", "Thôn"], ["Lò Văn Páo", 1961, "Thôn Thử 111"]])
    first = importer.plan(scenario.c11, data, "a.xlsx", cache_key="job-1")
    assert first.counts()["new"] == 1
    services.save_person(scenario.commune_officer, Person(), village=scenario.v111,
                         data={"full_name": "Lò Văn Páo", "birth_year": 1961})
    second = importer.plan(scenario.c11, b"not read again", "a.xlsx", cache_key="job-1")
    assert second.counts()["new"] == 0 and second.counts()["unchanged"] == 1
    importer.commit(scenario.commune_officer, scenario.c11, second, only_valid=False)
    importer.forget("job-1")
    assert Person.objects.count() == 1


def test_the_indicator_counters_agree_with_a_recount_after_imports_edits_and_departures(scenario):
    from binhdan.kpi import reconcile
    from binhdan.people import services

    importer.commit(scenario.commune_officer, scenario.c11,
                    importer.plan(scenario.c11, messy_list(), "ds.xlsx", today=TODAY), only_valid=False)
    villages = [scenario.v111.pk, scenario.v112.pk]
    assert reconcile.run(villages=villages, fix=False, record=False).differences == 0
    an = Person.objects.get(id_last4="0123")
    services.save_person(scenario.commune_officer, an, village=scenario.v112, data={"vneid_level": 2,
                                                                                    "has_bank_account": True})
    services.end_person(scenario.commune_officer, Person.objects.get(full_name="Hồ Thị Nhoi"),
                        on=datetime.date(2026, 10, 1), reason="moved")
    check = reconcile.run(villages=villages, fix=False, record=False)
    assert check.differences == 0 and check.counters > 0
