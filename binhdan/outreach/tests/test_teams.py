"""Teams: officers set them up, leaders assign members, champions are recognised; every change
that can move an indicator is audited."""

import datetime

import pytest
from django.utils import timezone

from binhdan.core.models import AuditLog
from binhdan.outreach import services
from binhdan.outreach.models import Champion, Team, TeamMember
from binhdan.outreach.querysets import field_village_ids
from binhdan.outreach.services import OutreachError

pytestmark = pytest.mark.django_db


def test_commune_officer_sets_up_a_team_covering_villages(field_data):
    f = field_data
    assert set(f.team.villages.values_list("code", flat=True)) == {"V111", "V112"}
    assert (f.team.commune_id, f.team.province_id, f.team.status) == (f.s.c11.pk, f.s.p1.pk, "active")
    assert AuditLog.objects.filter(model="outreach.team", object_id=str(f.team.uuid)).count() >= 2


def test_a_team_covers_only_open_villages_of_its_commune(field_data):
    f = field_data
    with pytest.raises(OutreachError):
        services.create_team(f.s.commune_officer, f.s.c11, name="Tổ lạ", villages=[f.s.v121, f.s.v211],
                             founded_on=timezone.localdate())
    with pytest.raises(OutreachError):
        services.create_team(f.s.commune_officer, f.s.c11, name="Tổ trống", villages=[],
                             founded_on=timezone.localdate())


def test_team_member_and_outsider_cannot_set_up_teams(field_data):
    f = field_data
    for user in (f.s.team_member, f.s.outsider, f.s.learner):
        with pytest.raises(OutreachError):
            services.create_team(user, f.s.c11, name="Tổ mới", villages=[f.s.v113],
                                 founded_on=timezone.localdate())
    assert Team.objects.count() == 1


def test_changing_the_villages_moves_the_members_scope(field_data):
    f = field_data
    assert f.s.v112.pk in field_village_ids(f.s.team_member)
    services.update_team(f.s.commune_officer, f.team, villages=[f.s.v111, f.s.v113])
    services._forget_scope(f.s.team_member)
    reach = field_village_ids(f.s.team_member)
    assert f.s.v113.pk in reach and f.s.v112.pk not in reach


def test_closing_a_team_records_the_date_and_ends_its_reach(field_data):
    f = field_data
    on = timezone.localdate() - datetime.timedelta(days=1)
    services.close_team(f.s.commune_officer, f.team, on=on)
    f.team.refresh_from_db()
    assert f.team.status == "closed" and f.team.closed_on == on
    services._forget_scope(f.s.team_member)
    assert field_village_ids(f.s.team_member) == {f.s.v111.pk}  # only the role assignment remains


def test_the_leader_assigns_members_to_villages_and_households(field_data):
    f = field_data
    services.assign_member(f.s.team_leader, f.member, villages=[f.s.v112], households=[f.hh["hoa"]])
    assert list(f.member.villages.values_list("code", flat=True)) == ["V112"]
    assert list(f.member.households.all()) == [f.hh["hoa"]]


def test_a_member_cannot_assign_others_and_nobody_assigns_outside_the_team(field_data):
    f = field_data
    with pytest.raises(OutreachError):
        services.assign_member(f.s.team_member, f.leader, villages=[f.s.v111])
    with pytest.raises(OutreachError):
        services.assign_member(f.s.team_leader, f.member, villages=[f.s.v121])


def test_a_member_is_recognised_as_a_village_digital_champion(field_data):
    f = field_data
    champion = services.recognise_champion(f.s.commune_officer, f.member, on=timezone.localdate(),
                                           by=f.s.youth11)
    assert champion.recognised_by_name == f.s.youth11.name and champion.village_id in {f.s.v111.pk, f.s.v112.pk}
    with pytest.raises(OutreachError):
        services.recognise_champion(f.s.outsider, f.member, on=timezone.localdate(), by_name="Tỉnh lạ")
    assert Champion.objects.count() == 1


def test_a_member_who_leaves_keeps_their_history(field_data):
    f = field_data
    services.end_membership(f.s.team_leader, f.member)
    f.member.refresh_from_db()
    assert not f.member.active and f.member.left_on == timezone.localdate()
    assert TeamMember.objects.filter(pk=f.member.pk).exists()


def test_team_pages_for_the_officer_and_the_leader(field_data, client):
    from binhdan.conftest import login

    f = field_data
    login(client, f.s.commune_officer)
    page = client.get(f"/doi/to/{f.team.uuid}/")
    assert page.status_code == 200 and "Thành viên" in page.content.decode()
    response = client.post("/doi/to/moi/", {"xa": "C11", "name": "Tổ thôn 113", "kind": "youth",
                                            "villages": ["V113"], "founded_on": timezone.localdate().isoformat()})
    team = Team.objects.get(name="Tổ thôn 113")
    assert response.status_code == 302 and team.kind == "youth"
    login(client, f.s.team_leader)
    assert client.get(f"/doi/thanh-vien/{f.member.uuid}/phan-cong/").status_code == 200
    response = client.post(f"/doi/thanh-vien/{f.member.uuid}/phan-cong/", {"villages": ["V112"],
                                                                          "households": "V112-001"})
    assert response.status_code == 302
    assert list(f.member.households.values_list("code", flat=True)) == ["V112-001"]
    assert client.get(f"/doi/to/{f.team.uuid}/sua/").status_code == 403  # the leader does not edit the team


def test_outsider_sees_and_changes_no_team(field_data, client):
    from binhdan.conftest import login

    f = field_data
    login(client, f.s.outsider)
    assert client.get(f"/doi/to/{f.team.uuid}/").status_code == 404
    assert client.get(f"/doi/to/{f.team.uuid}/sua/").status_code == 403
    assert client.post(f"/doi/to/{f.team.uuid}/trang-thai/", {"status": "closed",
                                                              "on": "2026-01-01"}).status_code == 403
    assert client.get(f"/doi/to/{f.team.uuid}/thanh-vien/").status_code == 403
    assert client.post(f"/doi/thanh-vien/{f.member.uuid}/roi-to/").status_code == 403
    assert client.get(f"/doi/thanh-vien/{f.member.uuid}/nguoi-ban-so/").status_code == 403
    assert client.get("/doi/to/moi/?xa=C11").status_code == 403
    assert f.team.name not in client.get("/doi/to/").content.decode()
    assert client.get(f"/api/outreach/teams/{f.team.uuid}/").status_code == 404
    assert client.get("/api/outreach/teams/").json()["count"] == 0
    f.team.refresh_from_db()
    assert f.team.status == "active"
