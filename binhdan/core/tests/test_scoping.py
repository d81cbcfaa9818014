"""Who sees what: every console page and API endpoint, with an outsider from another province."""

import pytest
from django.urls import reverse

from binhdan.core import audit
from binhdan.core.models import AuditLog
from binhdan.geo.models import AdminUnit


@pytest.fixture
def audit_rows(scenario):
    """One audit row in each of C11 and C21."""
    own = audit.record(scenario.commune_officer, "update", scenario.v111, before={"name": "a"}, after={"name": "b"})
    other = audit.record(scenario.outsider, "update", scenario.v211, before={"name": "a"}, after={"name": "b"})
    return own, other


def test_commune_officer_sees_own_villages_on_the_commune_page(client, scenario):
    client.force_login(scenario.commune_officer)
    page = client.get(reverse("console:unit", args=["C11"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thôn Thử 111" in html and "Thôn Thử 112" in html
    assert "Đoàn Thanh niên xã 11" in html


@pytest.mark.parametrize("code", ["C12", "V121", "C21", "V211", "P2", "P1", "VN"])
def test_commune_officer_gets_404_for_units_outside_the_commune(client, scenario, code):
    client.force_login(scenario.commune_officer)
    assert client.get(reverse("console:unit", args=[code])).status_code == 404
    assert client.get(reverse("unit-detail", args=[code])).status_code == 404


def test_commune_officer_gets_404_for_another_communes_organisation_and_audit(client, scenario, audit_rows):
    own, other = audit_rows
    client.force_login(scenario.commune_officer)
    assert client.get(reverse("console:organisation", args=[scenario.youth11.uuid])).status_code == 200
    assert client.get(reverse("console:organisation", args=[scenario.youth12.uuid])).status_code == 404
    assert client.get(reverse("console:audit-detail", args=[own.uuid])).status_code == 200
    assert client.get(reverse("console:audit-detail", args=[other.uuid])).status_code == 404
    assert client.get(reverse("organisation-detail", args=[scenario.youth21.uuid])).status_code == 404
    assert client.get(reverse("audit-detail", args=[other.uuid])).status_code == 404
    listing = client.get(reverse("console:audit")).content.decode()
    assert str(own.uuid) in listing and str(other.uuid) not in listing


def test_province_officer_sees_every_commune_of_the_province_only(client, scenario):
    client.force_login(scenario.province_officer)
    html = client.get(reverse("console:unit", args=["P1"])).content.decode()
    assert "Xã Thử 11" in html and "Xã Thử 12" in html
    assert client.get(reverse("console:unit", args=["V122"])).status_code == 200
    assert client.get(reverse("console:unit", args=["C21"])).status_code == 404
    codes = {row["code"] for row in client.get(reverse("unit-list")).json()["results"]}
    assert codes == {"P1", "C11", "C12", "V111", "V112", "V121", "V122"}


def test_outsider_sees_and_changes_nothing_of_the_first_province(client, scenario, audit_rows):
    own, _ = audit_rows
    client.force_login(scenario.outsider)
    for url in [
        reverse("console:unit", args=["C11"]),
        reverse("console:unit", args=["V111"]),
        reverse("console:organisation", args=[scenario.youth11.uuid]),
        reverse("console:audit-detail", args=[own.uuid]),
        reverse("unit-detail", args=["C11"]),
        reverse("organisation-detail", args=[scenario.youth11.uuid]),
        reverse("audit-detail", args=[own.uuid]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("console:village-create", args=["C11"]),
        reverse("console:village-edit", args=["V111"]),
        reverse("console:unit-close", args=["V111"]),
        reverse("console:village-import", args=["C11"]),
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "Thôn Mới", "kind": "thon", "valid_to": "01/01/2026"}).status_code == 403
    response = client.patch(reverse("unit-detail", args=["V111"]), {"name": "Hacked"}, content_type="application/json")
    assert response.status_code == 403
    response = client.post(reverse("unit-list"), {"parent": "C11", "name": "Thôn Lạ"}, content_type="application/json")
    assert response.status_code == 403
    assert not AdminUnit.objects.filter(name__in=["Hacked", "Thôn Lạ", "Thôn Mới"]).exists()
    listed = {row["code"] for row in client.get(reverse("unit-list")).json()["results"]}
    assert listed == {"C21", "V211", "V212"}
    orgs = client.get(reverse("organisation-list")).json()["results"]
    assert [o["name"] for o in orgs] == ["Đoàn Thanh niên xã 21"]
    audits = client.get(reverse("audit-list")).json()["results"]
    assert str(own.uuid) not in {a["id"] for a in audits}


def test_team_member_can_read_but_not_change_their_village(client, scenario):
    client.force_login(scenario.team_member)
    assert client.get(reverse("console:unit", args=["V111"])).status_code == 200
    assert client.get(reverse("console:unit", args=["C11"])).status_code == 404
    assert client.post(reverse("console:village-edit", args=["V111"]), {"name": "X", "kind": "thon"}).status_code == 403
    assert client.get(reverse("console:audit")).status_code == 200
    assert "Thôn Thử" not in client.get(reverse("console:audit")).content.decode()


def test_learner_has_no_console_scope(client, scenario):
    client.force_login(scenario.learner)
    assert client.get(reverse("console:unit", args=["V111"])).status_code == 404
    assert client.get(reverse("unit-list")).json()["results"] == []


def test_anonymous_visitors_are_sent_to_sign_in_and_the_api_refuses_them(client, scenario):
    response = client.get(reverse("console:unit", args=["C11"]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.get(reverse("unit-list")).status_code in (401, 403)


def test_commune_officer_adds_edits_and_closes_a_village_with_an_audit_trail(client, scenario):
    client.force_login(scenario.commune_officer)
    response = client.post(reverse("console:village-create", args=["C11"]), {"name": "  bản  nà  lừa ", "kind": "ban"})
    assert response.status_code == 302
    village = AdminUnit.objects.get(parent=scenario.c11, name="Bản Nà Lừa")
    assert village.path == "/VN/P1/C11/" + village.code + "/"
    duplicate = client.post(reverse("console:village-create", args=["C11"]), {"name": "Ban Na Lua", "kind": "ban"})
    assert duplicate.status_code == 200 and "already exists" in duplicate.content.decode() or "đã có" in duplicate.content.decode()
    client.post(reverse("console:village-edit", args=[village.code]), {"name": "Bản Nà Lừa Mới", "kind": "ban"})
    client.post(reverse("console:unit-close", args=[village.code]), {"valid_to": "01/07/2026"})
    village.refresh_from_db()
    assert village.name == "Bản Nà Lừa Mới" and village.valid_to.isoformat() == "2026-07-01"
    actions = list(AuditLog.objects.filter(object_id=str(village.pk)).order_by("at", "id").values_list("action", flat=True))
    assert actions == ["create", "update", "update"]
    assert AuditLog.objects.filter(object_id=str(village.pk), user=scenario.commune_officer).count() == 3


def test_commune_officer_creates_a_village_through_the_api(client, scenario):
    client.force_login(scenario.commune_officer)
    response = client.post(reverse("unit-list"), {"parent": "C11", "name": "Thôn Mới", "kind": "thon"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["parent"] == "C11"
    assert client.post(reverse("unit-list"), {"parent": "C12", "name": "Thôn Mới"},
                       content_type="application/json").status_code == 403


def test_unit_list_api_keeps_a_fixed_number_of_queries(client, scenario, django_assert_max_num_queries):
    client.force_login(scenario.province_officer)
    for i in range(30):
        AdminUnit(code=f"V11X{i}", name=f"Thôn Thêm {i}", level=3, kind="thon", parent=scenario.c11).save()
    with django_assert_max_num_queries(6):
        assert client.get(reverse("unit-list")).status_code == 200


def test_console_unit_page_keeps_a_fixed_number_of_queries(client, scenario, django_assert_max_num_queries):
    client.force_login(scenario.commune_officer)
    client.get(reverse("console:unit", args=["C11"]))
    for i in range(30):
        AdminUnit(code=f"V11Y{i}", name=f"Thôn Thêm {i}", level=3, kind="thon", parent=scenario.c11).save()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("console:unit", args=["C11"])).status_code == 200


def test_commune_officer_adds_and_edits_an_organisation_and_the_outsider_cannot(client, scenario):
    from binhdan.geo.models import Organisation

    client.force_login(scenario.commune_officer)
    response = client.post(reverse("console:organisation-create", args=["C11"]),
                           {"kind": "school", "name": "Trường Tiểu học Thử", "phone": "", "active": "on"})
    assert response.status_code == 302
    school = Organisation.objects.get(name="Trường Tiểu học Thử")
    assert (school.province_id, school.commune_id) == (scenario.p1.pk, scenario.c11.pk)
    again = client.post(reverse("console:organisation-create", args=["C11"]),
                        {"kind": "school", "name": "Trường Tiểu học Thử", "active": "on"})
    assert again.status_code == 200 and not again.context["form"].is_valid()
    client.post(reverse("console:organisation-edit", args=[school.uuid]),
                {"kind": "school", "name": "Trường Tiểu học Thử Mới", "active": "on"})
    school.refresh_from_db()
    assert school.name == "Trường Tiểu học Thử Mới"
    assert AuditLog.objects.filter(object_id=str(school.uuid)).count() == 2
    client.force_login(scenario.outsider)
    assert client.post(reverse("console:organisation-edit", args=[school.uuid]),
                       {"kind": "school", "name": "X", "active": "on"}).status_code == 403
    assert client.post(reverse("console:organisation-create", args=["C11"]),
                       {"kind": "school", "name": "Y", "active": "on"}).status_code == 403
    school.refresh_from_db()
    assert school.name == "Trường Tiểu học Thử Mới"


def test_the_unit_page_leads_to_every_section(client, scenario):
    client.force_login(scenario.commune_officer)
    html = client.get(reverse("console:unit", args=["C11"])).content.decode()
    for url in [reverse("kpi:dashboard", args=["C11"]), reverse("people:list", args=["C11"]),
                reverse("outreach:commune", args=["C11"]), reverse("learning:officer_stats"),
                reverse("campaigns:index")]:
        assert f'href="{url}"' in html, url
        assert client.get(url).status_code == 200, url


def test_team_members_find_their_field_pages_from_the_console(client, scenario):
    client.force_login(scenario.team_member)
    response = client.get(reverse("console:index"))
    assert response.status_code == 200
    assert reverse("outreach:home") in response.content.decode()


def test_lists_filter_by_a_known_choice_and_ignore_an_unknown_one(client, scenario, audit_rows):
    own, _ = audit_rows
    created = audit.record(scenario.commune_officer, "create", scenario.v112, after={"name": "x"})
    client.force_login(scenario.commune_officer)
    only_created = client.get(reverse("console:audit"), {"action": "create"}).content.decode()
    assert str(created.uuid) in only_created and str(own.uuid) not in only_created
    unknown = client.get(reverse("console:audit"), {"action": "drop table"}).content.decode()
    assert str(created.uuid) in unknown and str(own.uuid) in unknown
    schools = client.get(reverse("console:organisations"), {"kind": "school"}).content.decode()
    assert "Đoàn Thanh niên xã 11" not in schools
    assert "Đoàn Thanh niên xã 11" in client.get(reverse("console:organisations")).content.decode()
