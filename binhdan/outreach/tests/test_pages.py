"""The member's pages, the commune's pages and the API: what each persona sees and changes,
with query counts pinned."""

import datetime
import io
import uuid

import openpyxl
import pytest
from django.utils import timezone

from binhdan.conftest import login
from binhdan.learning.models import Achievement
from binhdan.outreach import services
from binhdan.outreach.models import ClassMeeting, CoachingSession, CommunityClass, DeviceGift, HouseholdStatus

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def session(f, person, **kw):
    args = {"skills": [{"code": "l1.a", "observed": True}], "date": TODAY(), "minutes": 20}
    args.update(kw)
    return services.log_session(kw.pop("user", f.s.team_member), person=person, **args).obj


def test_member_finds_people_of_their_villages_without_accents(field_data, client):
    login(client, field_data.s.team_member)
    html = client.get("/doi/ghi-nhan/?q=nguyen thi hoa").content.decode()
    assert "Nguyễn Thị Hoa" in html
    html = client.get("/doi/ghi-nhan/?q=thi").content.decode()
    assert "Phạm Thị Lan" in html and "Hoàng Thị Cúc" not in html


def test_member_logs_a_session_with_the_plain_form(field_data, client):
    f = field_data
    login(client, f.s.team_member)
    uid = uuid.uuid4()
    data = {"action": "session", "uid": str(uid), "person": str(f.people["binh"].uuid), "mode": "home",
            "date": TODAY().isoformat(), "minutes": "15", "skill": ["l1.a", "l1.b"], "observed": ["l1.b"]}
    response = client.post("/doi/ghi-nhan/", data)
    assert response.status_code == 302
    again = client.post("/doi/ghi-nhan/", data)  # a double tap on "Save"
    assert again.status_code == 302
    assert CoachingSession.objects.count() == 1
    assert list(Achievement.objects.values_list("skill__code", flat=True)) == ["l1.b"]
    page = client.get(response["Location"])
    assert page.status_code == 200 and "<svg" in page.content.decode()


def test_the_plain_form_shows_why_a_session_is_refused(field_data, client, english):
    f = field_data
    login(client, f.s.team_member)
    response = client.post("/doi/ghi-nhan/?lang=en", {
        "action": "session", "uid": str(uuid.uuid4()), "person": str(f.people["binh"].uuid), "mode": "home",
        "date": (TODAY() + datetime.timedelta(days=3)).isoformat(), "minutes": "15", "skill": ["l1.a"]},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert not CoachingSession.objects.exists()
    assert "bad-box" in response.content.decode()


def test_member_adds_a_person_met_in_the_field(field_data, client):
    f = field_data
    login(client, f.s.team_member)
    response = client.post("/doi/ghi-nhan/", {"action": "person", "uid": str(uuid.uuid4()), "full_name": "Vi Thị Mới",
                                              "birth_year": "1951", "sex": "F", "village": "V112"})
    assert response.status_code == 302 and "?person=" in response["Location"]


def test_visit_list_by_street_with_digital_households(field_data, client, django_assert_num_queries):
    f = field_data
    session(f, f.people["hoa"], skills=[{"code": c, "observed": True} for c in ("l1.a", "l1.b", "l2.a", "l2.b")])
    login(client, f.s.team_member)
    with django_assert_num_queries(13):
        response = client.get("/doi/tham-ho/?thon=V111")
    html = response.content.decode()
    assert "Ngõ 1, Thôn Thử 111" in html and "Ngõ 2, Thôn Thử 111" in html
    assert html.count("tag ok") == 1  # only Hoa's household is a "Gia đình số"
    assert "Phạm Thị Lan" not in html  # other village, other tab


def test_member_records_a_visit_and_a_follow_up_with_the_plain_form(field_data, client):
    f = field_data
    login(client, f.s.team_member)
    follow = (TODAY() + datetime.timedelta(days=5)).isoformat()
    response = client.post(f"/doi/tham-ho/{f.hh['binh'].uuid}/", {
        "uid": str(uuid.uuid4()), "base_version": "0", "thon": "V111", "status": "follow_up",
        "date": TODAY().isoformat(), "follow_up_on": follow})
    assert response.status_code == 302
    status = HouseholdStatus.objects.get(household=f.hh["binh"])
    assert status.status == "follow_up" and status.follow_up_on.isoformat() == follow
    assert "Lê Văn Bình" in client.get("/doi/tham-ho/hen-lai/").content.decode()
    left = client.get("/doi/tham-ho/?thon=V111&con-lai=1").content.decode()
    assert "Lê Văn Bình" in left


def test_outsider_sees_and_changes_nothing_on_the_members_pages(field_data, client):
    f = field_data
    s = session(f, f.people["hoa"])
    klass = services.save_class(f.s.team_member, None, name="Cầm tay chỉ app", kind="class", village=f.s.v111,
                                venue="Nhà văn hóa", skills=[])
    login(client, f.s.outsider)
    assert "Nguyễn Thị Hoa" not in client.get("/doi/ghi-nhan/?q=hoa").content.decode()
    assert client.get("/doi/tham-ho/?thon=V111").status_code == 404
    assert client.post(f"/doi/tham-ho/{f.hh['hoa'].uuid}/", {"status": "visited"}).status_code == 403
    assert client.get(f"/doi/ghi-nhan/{s.uuid}/").status_code == 404
    assert client.get(f"/doi/lop/{klass.uuid}/").status_code == 404
    assert "Nguyễn Thị Hoa" not in client.get("/doi/tham-ho/hen-lai/").content.decode()
    assert "Cầm tay chỉ app" not in client.get("/doi/lop/").content.decode()
    assert client.get("/doi/thiet-bi/?ho=" + str(f.hh["hoa"].uuid)).content.decode().count("Nguyễn Thị Hoa") == 0
    assert client.get("/doi/xa/C11/").status_code == 404
    assert client.get("/doi/xa/C11/xlsx/").status_code == 404
    for url in ("/api/outreach/sessions/", "/api/outreach/visits/", "/api/outreach/classes/",
                "/api/outreach/devices/"):
        assert client.get(url).json()["count"] == 0
    assert client.get(f"/api/outreach/sessions/{s.uuid}/").status_code == 404
    post = client.post("/api/outreach/sessions/", {"id": str(uuid.uuid4()), "person": str(f.people["hoa"].uuid),
                                                   "date": TODAY().isoformat(), "minutes": 10,
                                                   "skills": [{"code": "l1.a", "observed": True}]},
                       content_type="application/json")
    assert post.status_code == 403
    assert CoachingSession.objects.count() == 1


def test_learners_have_no_team_pages(field_data, client):
    login(client, field_data.s.learner)
    for url in ("/doi/", "/doi/ghi-nhan/", "/doi/tham-ho/", "/doi/lop/", "/doi/thiet-bi/", "/doi/to/"):
        assert client.get(url).status_code == 403, url


def test_a_class_meeting_with_observed_skills_records_achievements(field_data, client):
    f = field_data
    login(client, f.s.team_member)
    response = client.post("/doi/lop/moi/", {"name": "Lão nông công nghệ", "kind": "club", "village": "V111",
                                             "venue": "Nhà văn hóa thôn", "schedule": "Tối thứ Bảy",
                                             "skills": ["l1.a", "l2.a"]})
    assert response.status_code == 302
    klass = CommunityClass.objects.get()
    assert klass.team == f.team and list(klass.tutors.all()) == [f.member]
    for key in ("hoa", "binh"):
        client.post(f"/doi/lop/{klass.uuid}/", {"action": "enrol", "person": str(f.people[key].uuid)})
    assert klass.learners.count() == 2
    hoa = f.people["hoa"].uuid
    response = client.post(f"/doi/lop/{klass.uuid}/", {
        "action": "meeting", "uid": str(uuid.uuid4()), "date": TODAY().isoformat(), "minutes": "90",
        "present": [str(hoa), str(f.people["binh"].uuid)], f"obs-{hoa}": ["l2.a"]})
    assert response.status_code == 302
    meeting = ClassMeeting.objects.get()
    assert meeting.attendance.count() == 2
    achievement = Achievement.objects.get()
    assert (achievement.person, achievement.skill.code, achievement.method) == (f.people["hoa"], "l2.a", "observed")


def test_a_class_meeting_is_synced_once(field_data, client):
    import json

    f = field_data
    klass = services.save_class(f.s.team_member, None, name="Lớp học số cộng đồng", kind="class", village=f.s.v111,
                                venue="Hội trường", skills=[])
    services.enrol(f.s.team_member, klass, f.people["hoa"])
    login(client, f.s.team_member)
    rec = {"kind": "meeting", "id": str(uuid.uuid4()), "class": str(klass.uuid), "date": TODAY().isoformat(),
           "minutes": 60, "attendance": [{"person": str(f.people["hoa"].uuid), "observed": ["l1.a"]}]}
    body = json.dumps({"records": [rec]})
    first = client.post("/api/outreach/field/sync/", body, content_type="application/json").json()
    again = client.post("/api/outreach/field/sync/", body, content_type="application/json").json()
    assert (first["results"][0]["status"], again["results"][0]["status"]) == ("created", "duplicate")
    assert ClassMeeting.objects.count() == 1 and Achievement.objects.count() == 1


def test_member_records_a_device_given_to_a_household(field_data, client):
    f = field_data
    login(client, f.s.team_member)
    assert "Lê Văn Bình" in client.get("/doi/thiet-bi/?q=binh").content.decode()
    response = client.post(f"/doi/thiet-bi/?ho={f.hh['binh'].uuid}", {
        "uid": str(uuid.uuid4()), "household": str(f.hh["binh"].uuid), "recipient": str(f.people["binh"].uuid),
        "donor": "Đoàn Thanh niên xã", "device": "Điện thoại Android cũ", "condition": "refurbished",
        "given_on": TODAY().isoformat()})
    assert response.status_code == 302
    gift = DeviceGift.objects.get()
    assert gift.recipient == f.people["binh"] and gift.village_id == f.s.v111.pk
    with pytest.raises(services.OutreachError):
        services.record_device(f.s.team_member, household=f.hh["xa"], donor="x", device="y", condition="used",
                               given_on=TODAY())


def test_commune_sees_activity_and_flags_for_what_looks_padded(field_data, client, django_assert_max_num_queries):
    f = field_data
    hoa, binh, lan = f.people["hoa"], f.people["binh"], f.people["lan"]
    session(f, hoa, start_time="08:00", minutes=60)
    session(f, binh, start_time="08:30", minutes=30)  # overlaps the first
    for _ in range(3):
        session(f, lan, skills=[{"code": "l1.b", "observed": False}])  # the same skill again and again
    services.assign_member(f.s.team_leader, f.member, villages=[f.s.v111])  # V112 is not theirs any more
    CoachingSession.objects.filter(person=hoa).first()
    services.confirm_session(CoachingSession.objects.filter(person=hoa).get().confirm_code)
    login(client, f.s.commune_officer)
    client.cookies["django_language"] = "en"
    with django_assert_max_num_queries(25):
        response = client.get("/doi/xa/C11/")
    html = response.content.decode()
    assert response.status_code == 200
    rows = response.context["rows"]
    member = next(r for r in rows if r["member"] == f.member)
    assert (member["sessions"], member["people"], member["observed"], member["confirmed"]) == (2 + 3, 3, 2, 1)
    assert member["rate"] == 20
    flags = " ".join(member["flags"])
    assert "2 overlapping sessions" in flags and "outside the member's villages" in flags
    assert len(member["flags"]) == 3  # overlap, repeated, outside their villages
    leader = next(r for r in rows if r["member"] == f.leader)
    assert leader["inactive"] and leader["sessions"] == 0
    assert "Tổ trưởng" in html
    villages = {v["village"].code: v for v in response.context["villages"]}
    assert villages["V111"]["households"] == 2


def test_too_many_observed_skills_in_one_sitting_is_flagged(field_data, settings):
    from binhdan.outreach import reports

    settings.OUTREACH_PLAUSIBILITY = {"max_observed_per_session": 2}
    f = field_data
    session(f, f.people["hoa"], skills=[{"code": c, "observed": True} for c in ("l1.a", "l1.b", "l2.a")])
    rows = reports.member_activity(f.s.c11, TODAY() - datetime.timedelta(days=7), TODAY())
    member = next(r for r in rows if r["member"] == f.member)
    assert len(member["flags"]) == 1


def test_commune_exports_the_teams_work_to_xlsx(field_data, client):
    f = field_data
    session(f, f.people["hoa"])
    login(client, f.s.commune_officer)
    response = client.get("/doi/xa/C11/xlsx/")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 3
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert any(r[1] == "Thành viên" and r[3] == 1 for r in rows[1:])


def test_team_member_cannot_open_the_commune_pages(field_data, client):
    login(client, field_data.s.team_member)
    assert client.get("/doi/xa/C11/").status_code == 404


def test_api_lists_pin_their_queries(field_data, client, django_assert_num_queries):
    f = field_data
    for key in ("hoa", "binh", "lan"):
        session(f, f.people[key])
    login(client, f.s.team_member)
    with django_assert_num_queries(7):
        data = client.get("/api/outreach/sessions/").json()
    assert data["count"] == 3
    with django_assert_num_queries(8):
        assert client.get("/api/outreach/teams/").json()["count"] == 1


def test_the_service_worker_is_served_for_the_team_pages(client):
    response = client.get("/doi/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/doi/"
    assert response["Content-Type"].startswith("application/javascript")
    assert "caches.match" in response.content.decode()


def test_member_sees_only_the_households_the_leader_assigned(field_data, client):
    f = field_data
    services.assign_member(f.s.team_leader, f.member, villages=[f.s.v111], households=[f.hh["binh"]])
    login(client, f.s.team_member)
    html = client.get("/doi/tham-ho/?thon=V111&cua-toi=1").content.decode()
    assert "Lê Văn Bình" in html and "Nguyễn Thị Hoa" not in html
    assert "Nguyễn Thị Hoa" in client.get("/doi/tham-ho/?thon=V111").content.decode()


def test_the_class_pages_are_kept_for_offline_use(field_data, client):
    f = field_data
    klass = services.save_class(f.s.team_member, None, name="Cầm tay chỉ app", kind="class", village=f.s.v111,
                                venue="Nhà văn hóa", skills=[])
    login(client, f.s.team_member)
    response = client.get("/doi/ghi-nhan/")
    assert f"/doi/lop/{klass.uuid}/" in response.context["offline_pages"]
    assert "/doi/tham-ho/?thon=V112" in response.context["offline_pages"]


def test_the_leader_sees_the_teams_week_and_households_covered(field_data, client):
    f = field_data
    session(f, f.people["hoa"])
    services.record_visit(f.s.team_member, household=f.hh["binh"], status="visited", date=TODAY())
    login(client, f.s.team_leader)
    response = client.get(f"/doi/to/{f.team.uuid}/")
    assert response.status_code == 200
    week = response.context["weeks"][0]
    assert (week["sessions"], week["people"], week["visits"]) == (1, 1, 1)
    covered = {r["village"].code: r for r in response.context["covered"]}
    assert set(covered) == {"V111", "V112"} and covered["V111"]["reached"] == 1


def test_refusals_are_in_vietnamese_by_default(field_data):
    import json

    from django.test import Client

    client = Client()
    login(client, field_data.s.team_member)
    rec = {"kind": "session", "id": str(uuid.uuid4()), "person": str(field_data.people["xa"].uuid),
           "date": TODAY().isoformat(), "minutes": 10, "skills": [{"code": "l1.a", "observed": True}]}
    result = client.post("/api/outreach/field/sync/", json.dumps({"records": [rec]}),
                         content_type="application/json").json()["results"][0]
    assert result["reason"] == "Người này không thuộc địa bàn của bạn."
