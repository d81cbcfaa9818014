import pytest

from binhdan.conftest import login
from binhdan.core.models import AuditLog
from binhdan.people import services
from binhdan.people.models import Person
from binhdan.people.tests.conftest import HOA_ID, HOA_PHONE

pytestmark = pytest.mark.usefixtures("english")


def test_the_people_endpoint_lists_people_in_scope_with_masked_values_only(client, population, scenario):
    login(client, scenario.commune_officer)
    data = client.get("/api/people/", {"commune": "C11"}).json()
    assert [p["full_name"] for p in data["results"]] == ["Đỗ Văn Dũng", "Lê Minh", "Nguyễn Thị Hoà", "Trần Thị Lan"]
    hoa = next(p for p in data["results"] if p["full_name"] == "Nguyễn Thị Hoà")
    assert hoa["id"] == str(population["hoa"].uuid) and hoa["id_masked"] == "•••• 0456"
    assert hoa["phone_masked"] == "09xx xxx 321" and hoa["vneid_level"] == 2 and hoa["village"] == "V111"
    body = str(data)
    assert HOA_ID not in body and "987654321" not in body and "id_hash" not in body and "phone_encrypted" not in body


def test_the_people_endpoint_searches_without_diacritics_and_filters(client, population, scenario):
    login(client, scenario.commune_officer)
    assert [p["full_name"] for p in client.get("/api/people/", {"q": "nguyen thi hoa"}).json()["results"]] == [
        "Nguyễn Thị Hoà"]
    assert [p["full_name"] for p in client.get("/api/people/", {"segment": "is_student"}).json()["results"]] == [
        "Lê Minh"]
    assert client.get("/api/people/", {"village": "V112"}).json()["count"] == 1


def test_the_people_endpoint_keeps_a_fixed_number_of_queries(client, population, scenario,
                                                              django_assert_num_queries):
    login(client, scenario.commune_officer)
    client.get("/api/people/")
    with django_assert_num_queries(5) as few:
        client.get("/api/people/")
    for i in range(20):
        services.save_person(scenario.admin, Person(), village=scenario.v112,
                             data={"full_name": f"Hà Văn {chr(65 + i)}", "birth_year": 1970}, new_household=True)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/api/people/")
    assert response.json()["count"] == 24


def test_the_households_endpoint_keeps_a_fixed_number_of_queries(client, population, scenario,
                                                                  django_assert_num_queries):
    login(client, scenario.commune_officer)
    client.get("/api/households/")
    with django_assert_num_queries(5) as few:
        first = client.get("/api/households/").json()
    assert first["results"][0]["head_name"] == "Nguyễn Thị Hoà" and first["results"][0]["members"] == 3
    for i in range(10):
        services.save_person(scenario.admin, Person(), village=scenario.v112,
                             data={"full_name": f"Hà Văn {chr(65 + i)}", "birth_year": 1970, "relation": "head"},
                             new_household=True)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/api/households/").json()["count"] == 11


def test_an_officer_adds_and_changes_a_person_through_the_api_with_the_importers_checks(client, scenario):
    login(client, scenario.commune_officer)
    bad = client.post("/api/people/", {"full_name": "Lê Văn A", "birth": "31/02/1980", "village": "V111",
                                       "id_number": "123"}, content_type="application/json")
    assert bad.status_code == 400
    assert "There is no such date." in bad.json()["birth"][0] and "12 digits" in bad.json()["id_number"][0]
    made = client.post("/api/people/", {"full_name": "LÊ VĂN AN", "birth": "05/03/1970", "village": "V111",
                                        "id_number": "044070000123", "phone": "0912 345 678",
                                        "has_smartphone": True}, content_type="application/json")
    assert made.status_code == 201, made.json()
    person = Person.objects.get()
    assert made.json()["id"] == str(person.uuid) and made.json()["full_name"] == "Lê Văn An"
    assert made.json()["phone_masked"] == "09xx xxx 678" and "044070000123" not in made.content.decode()
    changed = client.patch(f"/api/people/{person.uuid}/", {"vneid_level": 2}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["vneid_level"] == 2
    person.refresh_from_db()
    assert person.has_smartphone and person.id_last4 == "0123" and person.phone() == "+84912345678"
    ended = client.post(f"/api/people/{person.uuid}/end/", {"on": "2026-10-01", "reason": "deceased"},
                        content_type="application/json")
    assert ended.status_code == 200 and ended.json()["end_reason"] == "deceased"


def test_only_a_revealing_role_gets_the_full_phone_and_each_reveal_is_audited(client, population, scenario):
    url = f"/api/people/{population['hoa'].uuid}/reveal/"
    login(client, scenario.team_member)
    assert client.post(url).status_code == 403
    login(client, scenario.province_officer)
    assert client.post(url).status_code == 403
    login(client, scenario.commune_officer)
    response = client.post(url)
    assert response.status_code == 200 and response.json()["phone"] == HOA_PHONE
    assert AuditLog.objects.filter(action="reveal", user=scenario.commune_officer).count() == 1


def test_a_team_member_reads_their_village_but_cannot_change_anyone(client, population, scenario):
    login(client, scenario.team_member)
    assert client.get("/api/people/").json()["count"] == 3
    hoa = population["hoa"]
    assert client.patch(f"/api/people/{hoa.uuid}/", {"full_name": "X"},
                        content_type="application/json").status_code == 403
    assert client.post("/api/people/", {"full_name": "X Y", "village": "V111"},
                       content_type="application/json").status_code == 403


def test_an_outsider_from_another_province_sees_and_changes_nothing_through_the_api(client, population, scenario):
    login(client, scenario.outsider)
    hoa = population["hoa"]
    assert [p["full_name"] for p in client.get("/api/people/").json()["results"]] == ["Phạm Văn Xa"]
    assert client.get("/api/households/").json()["count"] == 0
    assert client.get(f"/api/people/{hoa.uuid}/").status_code == 404
    assert client.get(f"/api/households/{hoa.household.uuid}/").status_code == 404
    assert client.patch(f"/api/people/{hoa.uuid}/", {"full_name": "X"},
                        content_type="application/json").status_code == 403
    assert client.post(f"/api/people/{hoa.uuid}/reveal/").status_code == 403
    assert client.post(f"/api/people/{hoa.uuid}/end/", {"on": "2026-01-01", "reason": "moved"},
                       content_type="application/json").status_code == 403
    assert client.post("/api/people/", {"full_name": "X Y", "village": "V111"},
                       content_type="application/json").status_code == 403
    hoa.refresh_from_db()
    assert hoa.full_name == "Nguyễn Thị Hoà" and hoa.valid_to is None
    assert not AuditLog.objects.filter(user=scenario.outsider).exists()


def test_an_anonymous_client_gets_nothing(client, population):
    assert client.get("/api/people/").status_code in (401, 403)
    assert client.get("/api/households/").status_code in (401, 403)
