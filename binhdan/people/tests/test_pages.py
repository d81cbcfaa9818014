import datetime

import pytest
from django.urls import reverse

from binhdan.conftest import login
from binhdan.core.models import AuditLog
from binhdan.people import services
from binhdan.people.models import Household, ImportJob, Person
from binhdan.people.tests.conftest import HOA_ID, HOA_PHONE
from binhdan.people.tests.helpers import read_xlsx, xlsx

pytestmark = pytest.mark.usefixtures("english")


def names(response):
    return [p.full_name for p in response.context["page"]]


def test_a_commune_officer_sees_the_village_list_with_ids_and_phones_masked(client, population):
    login(client, _user(population, "commune_officer"))
    response = client.get(reverse("people:list", args=["V111"]))
    assert response.status_code == 200
    assert names(response) == ["Đỗ Văn Dũng", "Lê Minh", "Nguyễn Thị Hoà"]
    html = response.content.decode()
    assert "•••• 0456" in html and "09xx xxx 321" in html
    assert HOA_ID not in html and "987654321" not in html and "0987 654 321" not in html
    assert response.context["summary"]["people"] == 3 and response.context["summary"]["households"] == 1


def _user(population, name):
    from binhdan.accounts.models import User

    return User.objects.get(username=name)


@pytest.mark.parametrize("query", ["nguyen thi hoa", "NGUYEN THI HOA", "Nguyễn thị hoà", "  nguyen  thi hoa ", "thi ho"])
def test_search_ignores_diacritics_case_and_spacing(client, population, query):
    login(client, _user(population, "commune_officer"))
    response = client.get(reverse("people:list", args=["C11"]), {"q": query})
    assert names(response) == ["Nguyễn Thị Hoà"]


def test_d_matches_the_letter_dj(client, population):
    login(client, _user(population, "commune_officer"))
    assert names(client.get(reverse("people:list", args=["C11"]), {"q": "do van dung"})) == ["Đỗ Văn Dũng"]
    assert names(client.get(reverse("people:list", args=["C11"]), {"q": "đỗ"})) == ["Đỗ Văn Dũng"]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"segment": "is_farmer"}, ["Đỗ Văn Dũng"]),
        ({"segment": "elderly"}, ["Đỗ Văn Dũng"]),
        ({"segment": "is_trader"}, ["Trần Thị Lan"]),
        ({"age": "0-14"}, ["Lê Minh"]),
        ({"age": "36-59"}, ["Nguyễn Thị Hoà", "Trần Thị Lan"]),
        ({"sex": "M"}, ["Đỗ Văn Dũng", "Lê Minh"]),
        ({"ethnicity": "02"}, ["Lê Minh"]),
        ({"digital": "vneid2"}, ["Nguyễn Thị Hoà"]),
        ({"digital": "smartphone"}, ["Nguyễn Thị Hoà"]),
        ({"village": "V112"}, ["Trần Thị Lan"]),
    ],
)
def test_the_commune_list_filters_by_segment_age_sex_ethnicity_digital_status_and_village(
        client, population, params, expected):
    login(client, _user(population, "commune_officer"))
    assert names(client.get(reverse("people:list", args=["C11"]), params)) == expected


def test_the_village_list_keeps_a_fixed_number_of_queries_whatever_the_number_of_rows(
        client, population, django_assert_num_queries, scenario):
    login(client, scenario.commune_officer)
    url = reverse("people:list", args=["C11"])
    client.get(url)
    with django_assert_num_queries(10) as small:
        response = client.get(url, {"q": "thi"})
    assert len(response.context["page"]) == 2
    for i in range(40):
        services.save_person(scenario.admin, Person(), village=scenario.v112,
                             data={"full_name": f"Vũ Thị An {chr(65 + i % 26)}", "birth_year": 1940 + i}, phone=f"0912000{i:03d}", new_household=True)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url, {"q": "thi"})
    assert response.context["page"].paginator.count == 42


def test_the_household_list_keeps_a_fixed_number_of_queries(client, population, django_assert_num_queries,
                                                             scenario):
    login(client, scenario.commune_officer)
    url = reverse("people:households", args=["C11"])
    client.get(url)
    with django_assert_num_queries(8) as small:
        response = client.get(url)
    assert len(response.context["page"]) == 1  # Hoà's household (Lan has none)
    for i in range(10):
        services.save_person(scenario.admin, Person(), village=scenario.v111,
                             data={"full_name": f"Chủ Hộ {chr(65 + i)}", "birth_year": 1970, "relation": "head"},
                             new_household=True)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 11


def test_a_team_member_sees_their_village_masked_and_cannot_reveal_edit_or_export(client, population, scenario):
    login(client, scenario.team_member)
    response = client.get(reverse("people:list", args=["V111"]))
    assert response.status_code == 200 and "09xx xxx 321" in response.content.decode()
    assert not response.context["can_reveal"] and not response.context["can_change"]
    hoa = population["hoa"]
    page = client.get(reverse("people:person", args=[hoa.uuid]))
    assert page.status_code == 200 and "987654321" not in page.content.decode()
    assert b'name="reveal"' not in page.content
    assert client.post(reverse("people:person", args=[hoa.uuid]), {"reveal": "phone"}).status_code == 403
    assert client.get(reverse("people:person-edit", args=[hoa.uuid])).status_code == 403
    assert client.get(reverse("people:export", args=["V111"])).status_code == 403
    assert client.get(reverse("people:list", args=["C11"])).status_code == 404  # outside their village
    assert not AuditLog.objects.filter(action="reveal").exists()


def test_a_commune_officer_reveals_a_phone_and_the_reveal_is_audited_without_the_number(client, population,
                                                                                        scenario):
    login(client, scenario.commune_officer)
    hoa = population["hoa"]
    response = client.post(reverse("people:person", args=[hoa.uuid]), {"reveal": "phone"})
    assert response.status_code == 200 and HOA_PHONE in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    entry = AuditLog.objects.get(action="reveal")
    assert entry.user == scenario.commune_officer and entry.object_id == str(hoa.uuid)
    assert "987654321" not in str([entry.before, entry.after, entry.note, entry.object_repr])


def test_a_province_officer_sees_masked_values_only(client, population, scenario):
    login(client, scenario.province_officer)
    assert client.post(reverse("people:person", args=[population["hoa"].uuid]),
                       {"reveal": "phone"}).status_code == 403
    assert client.get(reverse("people:export", args=["C11"]), {"full": "1"}).status_code == 403
    response = client.get(reverse("people:export", args=["C11"]))
    sheets = read_xlsx(response.content)
    flat = str(sheets)
    assert "09xx xxx 321" in flat and "987654321" not in flat and HOA_ID not in flat and "•••• 0456" in flat


def test_export_lists_households_and_people_in_scope_and_full_phones_only_when_asked_by_a_revealing_role(
        client, population, scenario):
    login(client, scenario.commune_officer)
    response = client.get(reverse("people:export", args=["C11"]), {"full": "1"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    sheets = read_xlsx(response.content)
    households, people = list(sheets.values())
    assert [row[0] for row in people[1:]] == ["Đỗ Văn Dũng", "Lê Minh", "Nguyễn Thị Hoà", "Trần Thị Lan"]
    assert "0987 654 321" in str(people) and HOA_ID not in str(sheets) and "Phạm Văn Xa" not in str(sheets)
    assert len(households) == 2
    assert AuditLog.objects.filter(action="export", note__contains="unmasked").count() == 1


def test_adding_a_person_validates_like_the_importer(client, scenario):
    login(client, scenario.commune_officer)
    url = reverse("people:person-create", args=["V111"])
    bad = client.post(url, {"full_name": "Lê Văn A", "birth": "31/02/1980", "ethnicity": "01", "village": "V111",
                            "id_number": "12345", "phone": "12", "vneid_level": "0"})
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert "There is no such date." in errors["birth"][0] and "12 digits" in errors["id_number"][0]
    assert "phone" in errors["phone"][0]
    assert not Person.objects.exists()
    good = client.post(url, {"full_name": "  LÊ VĂN   AN ", "birth": "1980", "ethnicity": "01", "village": "V111",
                             "id_number": "044 080 000 789", "phone": "0912.000.111", "vneid_level": "2",
                             "new_household": "on", "relation": "head", "has_smartphone": "on",
                             "consent_at": "01/11/2026"})
    person = Person.objects.get()
    assert good.status_code == 302 and good["Location"] == reverse("people:person", args=[person.uuid])
    assert person.full_name == "Lê Văn An" and person.birth_year == 1980 and person.id_last4 == "0789"
    assert person.phone() == "+84912000111" and person.household.head == person
    assert person.consent_at == datetime.date(2026, 11, 1) and person.consent_source == "paper"
    assert "044080000789" not in str(list(AuditLog.objects.values_list("before", "after", "note")))
    again = client.post(url, {"full_name": "Le Van An", "birth": "1980", "ethnicity": "01", "village": "V111",
                              "vneid_level": "0"})
    assert "already registered" in again.context["form"].errors["full_name"][0]


def test_editing_keeps_the_id_and_phone_when_left_blank(client, population, scenario):
    login(client, scenario.commune_officer)
    hoa = population["hoa"]
    response = client.post(reverse("people:person-edit", args=[hoa.uuid]), {
        "full_name": "Nguyễn Thị Hòa", "birth": "12/08/1975", "ethnicity": "01", "village": "V111",
        "household": str(hoa.household.uuid), "relation": "head", "vneid_level": "2", "uses_zalo": "on"})
    assert response.status_code == 302
    hoa.refresh_from_db()
    assert hoa.full_name == "Nguyễn Thị Hòa" and hoa.uses_zalo and hoa.id_last4 == "0456"
    assert hoa.phone() == HOA_PHONE
    change = AuditLog.objects.filter(action="update", object_id=str(hoa.uuid)).latest("at")
    assert change.after["full_name"] == "Nguyễn Thị Hòa" and "phone_encrypted" not in change.after


def test_a_person_who_moves_away_stops_being_counted_and_keeps_their_history(client, population, scenario):
    login(client, scenario.commune_officer)
    dung = population["dung"]
    response = client.post(reverse("people:person-end", args=[dung.uuid]),
                           {"on": "01/10/2026", "reason": "moved", "note": "to Hà Nội"})
    assert response.status_code == 302
    listing = client.get(reverse("people:list", args=["V111"]))
    assert listing.context["summary"]["people"] == 2 and "Đỗ Văn Dũng" not in names(listing)
    assert names(client.get(reverse("people:list", args=["V111"]), {"status": "ended"})) == ["Đỗ Văn Dũng"]
    page = client.get(reverse("people:person", args=[dung.uuid]))
    assert "01/10/2026" in page.content.decode() and len(page.context["history"]) == 2
    hoa = population["hoa"]
    services.end_person(scenario.commune_officer, hoa, on=datetime.date(2026, 10, 2), reason="deceased")
    assert Household.objects.get(pk=hoa.household_id).head is None


def _import_file():
    return xlsx([["DANH SÁCH NHÂN KHẨU"], [], ["STT", "Họ và tên", "Năm sinh", "Số CCCD", "Thôn"],
                 [1, "Nguyễn Thị Hoà", 1975, HOA_ID, "Thôn Thử 111"],
                 [2, "Bùi Văn Mới", "03/04/1988", "", "thon thu 112"],
                 [3, "Bùi Văn Lỗi", "31/02/1980", "", "thon thu 112"]])


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Background tasks are enqueued when the transaction commits; run them, as a worker would."""

    def post(client, url, data=None, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **kw)

    return post


def test_an_officer_imports_a_list_through_the_pages(client, population, scenario, run_tasks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, scenario.commune_officer)
    upload = SimpleUploadedFile("ds.xlsx", _import_file())
    response = run_tasks(client, reverse("people:import-start", args=["C11"]), {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("people:import", args=[job.uuid])
    page = client.get(response["Location"])
    html = page.content.decode()
    assert job.uuid and page.context["job"].counts == {
        "new": 1, "updated": 0, "unchanged": 1, "invalid": 1, "rows": 3, "households_new": 0, "problems": 1}
    assert "There is no such date." in html and "31/02/1980" in html and "Họ và tên" in html
    problems = read_xlsx(client.get(reverse("people:import-problems", args=[job.uuid])).content)
    assert list(problems.values())[0][1] == [6, "C", "Năm sinh", "31/02/1980", "There is no such date."]
    refused = run_tasks(client, page.request["PATH_INFO"], {"action": "commit"}, follow=True)
    assert "only the valid rows" in refused.content.decode() and Person.objects.count() == 5
    run_tasks(client, page.request["PATH_INFO"], {"action": "commit", "only_valid": "1"})
    job.refresh_from_db()
    assert job.status == "done" and bytes(job.data) == b"" and Person.objects.count() == 6
    assert Person.objects.filter(name_folded="nguyen thi hoa").count() == 1
    assert AuditLog.objects.filter(action="import", object_id=str(job.uuid)).exists()
    new = Person.objects.get(full_name="Bùi Văn Mới")
    assert "added by the import of ds.xlsx" in client.get(reverse("people:person", args=[new.uuid])).content.decode()
    # The same file again: nobody is duplicated.
    run_tasks(client, reverse("people:import-start", args=["C11"]), {"file": SimpleUploadedFile("ds.xlsx", _import_file())})
    second = ImportJob.objects.latest("created_at")
    assert second.counts["new"] == 0 and second.counts["unchanged"] == 2


def test_the_officer_can_change_the_detected_column_mapping(client, scenario, run_tasks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, scenario.commune_officer)
    data = xlsx([["Họ và tên", "Ghi chú", "Thôn"], ["Lò Văn Páo", "1961", "Thôn Thử 111"]])
    run_tasks(client, reverse("people:import-start", args=["C11"]), {"file": SimpleUploadedFile("a.xlsx", data)})
    job = ImportJob.objects.get()
    assert "birth_year" not in job.mapping
    run_tasks(client, reverse("people:import", args=[job.uuid]),
                {"action": "mapping", "map-full_name": "0", "map-birth_year": "1", "map-village": "2"})
    job.refresh_from_db()
    assert job.mapping == {"full_name": 0, "birth_year": 1, "village": 2} and job.status == "previewed"
    run_tasks(client, reverse("people:import", args=[job.uuid]), {"action": "commit"})
    assert Person.objects.get().birth_year == 1961


def test_an_import_started_from_a_village_page_needs_no_village_column(client, scenario, run_tasks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, scenario.commune_officer)
    data = xlsx([["Họ tên", "Năm sinh"], ["Lò Thị Mỷ", 1970]])
    run_tasks(client, reverse("people:import-start", args=["V112"]), {"file": SimpleUploadedFile("a.xlsx", data),
                                                                "village": "V112"})
    job = ImportJob.objects.get()
    run_tasks(client, reverse("people:import", args=[job.uuid]), {"action": "commit"})
    assert Person.objects.get().village == scenario.v112


@pytest.mark.parametrize("data, message", [(b"", "empty"), (b"\xd0\xcf\x11\xe0" + b"\0" * 64, "password")])
def test_a_bad_file_gets_a_clear_message_and_nothing_is_written(client, scenario, data, message, run_tasks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, scenario.commune_officer)
    response = run_tasks(client, reverse("people:import-start", args=["C11"]),
                         {"file": SimpleUploadedFile("a.xlsx", data)})
    if response.status_code == 302:
        response = client.get(response["Location"])
        assert response.context["job"].status == "failed"
    assert message in response.content.decode()
    assert not Person.objects.exists()


def _pages(population):
    hoa = population["hoa"]
    job = ImportJob(filename="x.xlsx", data=b"", status="previewed", counts={"new": 0, "invalid": 0})
    job.set_place(hoa.commune)
    job.save()
    return [
        ("get", reverse("people:list", args=["C11"])), ("get", reverse("people:list", args=["V111"])),
        ("get", reverse("people:households", args=["V111"])), ("get", reverse("people:person", args=[hoa.uuid])),
        ("get", reverse("people:household", args=[hoa.household.uuid])),
        ("get", reverse("people:import", args=[job.uuid])), ("get", reverse("people:import-problems", args=[job.uuid])),
        ("get", reverse("people:export", args=["C11"])), ("get", reverse("people:import-start", args=["C11"])),
        ("get", reverse("people:person-create", args=["V111"])),
        ("get", reverse("people:person-edit", args=[hoa.uuid])),
        ("get", reverse("people:person-end", args=[hoa.uuid])),
        ("post", reverse("people:person", args=[hoa.uuid])),
        ("post", reverse("people:person-edit", args=[hoa.uuid])),
        ("post", reverse("people:person-end", args=[hoa.uuid])),
        ("post", reverse("people:import", args=[job.uuid])),
    ]


def test_an_outsider_from_another_province_sees_and_changes_nothing(client, population, scenario):
    login(client, scenario.outsider)
    before = (Person.objects.count(), AuditLog.objects.count())
    for method, url in _pages(population):
        payload = {"reveal": "phone", "action": "commit", "full_name": "X", "on": "01/01/2026", "reason": "moved"}
        response = getattr(client, method)(url, payload) if method == "post" else client.get(url)
        expected = {404} if method == "get" and "sua" not in url and "ket-thuc" not in url and "them" not in url \
            and "xuat" not in url and url.endswith("/nhap/") is False else {403, 404}
        assert response.status_code in expected, (method, url, response.status_code)
        assert population["hoa"].full_name.encode() not in response.content
    assert (Person.objects.count(), AuditLog.objects.count()) == before
    population["hoa"].refresh_from_db()
    assert population["hoa"].valid_to is None


def test_an_anonymous_visitor_is_sent_to_sign_in(client, population):
    for _method, url in _pages(population):
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap" in response["Location"] or "login" in response["Location"]


def test_a_village_page_links_to_its_households_and_people(client, scenario):
    login(client, scenario.team_member)
    response = client.get(reverse("console:unit", args=["V111"]))
    assert reverse("people:list", args=["V111"]) in response.content.decode()


def test_pages_and_problems_are_in_vietnamese_by_default(scenario, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.utils import translation

    browser = Client()
    login(browser, scenario.commune_officer)
    listing = browser.get(reverse("people:list", args=["V111"])).content.decode()
    assert "Nhân khẩu" in listing and "Tìm theo tên" in listing and "Tình trạng số" in listing
    data = xlsx([["Họ và tên", "Ngày sinh", "Thôn"], ["Lê Văn A", "31/02/1980", "Thôn Thử 111"]])
    with translation.override("vi"), django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("people:import-start", args=["C11"]),
                                {"file": SimpleUploadedFile("a.xlsx", data)})
    page = browser.get(response["Location"]).content.decode()
    assert "Không có ngày này." in page and "31/02/1980" in page and "Ngày sinh" in page


def test_no_id_number_or_phone_reaches_the_logs_or_the_audit_trail(client, scenario, caplog, run_tasks):
    import logging

    from django.core.files.uploadedfile import SimpleUploadedFile

    caplog.set_level(logging.DEBUG)
    login(client, scenario.commune_officer)
    data = xlsx([["Họ tên", "Năm sinh", "CCCD", "SĐT", "Thôn"],
                 ["Lò Văn Páo", 1961, "044061000777", "0977 123 456", "Thôn Thử 111"],
                 ["Lò Văn Sai", 1962, "04406100077", "0977 12", "Thôn Thử 111"]])
    response = run_tasks(client, reverse("people:import-start", args=["C11"]), {"file": SimpleUploadedFile("a.xlsx", data)})
    run_tasks(client, response["Location"], {"action": "commit", "only_valid": "1"})
    person = Person.objects.get()
    client.post(reverse("people:person", args=[person.uuid]), {"reveal": "phone"})
    client.get(f"/api/people/{person.uuid}/")
    trail = str(list(AuditLog.objects.values_list("before", "after", "note", "object_repr", "object_id")))
    for secret in ("044061000777", "977123456", "0977 123 456", "04406100077"):
        assert secret not in caplog.text and secret not in trail
    assert AuditLog.objects.filter(action="reveal", object_id=str(person.uuid)).exists()
