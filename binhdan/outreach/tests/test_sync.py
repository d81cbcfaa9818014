"""Field sync: a queue made offline arrives once; bad records are rejected with reasons;
conflicting edits are kept and shown."""

import datetime
import json
import uuid

import pytest
from django.utils import timezone

from binhdan.conftest import login
from binhdan.learning.models import Achievement
from binhdan.outreach.models import CoachingSession, HouseholdStatus, HouseholdVisit, SyncConflict
from binhdan.outreach.tests.conftest import session_record
from binhdan.people.models import Person

pytestmark = pytest.mark.django_db
SYNC = "/api/outreach/field/sync/"


def post(client, records):
    return client.post(SYNC, data=json.dumps({"records": records}), content_type="application/json")


def visit_record(hh, status="visited", base=0, **extra):
    rec = {"kind": "visit", "id": str(uuid.uuid4()), "household": str(hh.uuid), "status": status,
           "date": timezone.localdate().isoformat(), "base_version": base}
    rec.update(extra)
    return rec


def test_a_queue_made_offline_arrives_once_even_when_sent_twice(field_data, client):
    f = field_data
    login(client, f.s.team_member)
    new_person = {"kind": "person", "id": str(uuid.uuid4()), "full_name": "Vi Văn Mới", "birth_year": 1950,
                  "sex": "M", "village": f.s.v112.code}
    records = [
        session_record(f.people["hoa"]),
        session_record(f.people["lan"], observed=("l1.a", "l1.b")),
        visit_record(f.hh["hoa"]),
        visit_record(f.hh["lan"], status="follow_up",
                     follow_up_on=(timezone.localdate() + datetime.timedelta(days=7)).isoformat()),
        {**session_record(Person(uuid=new_person["id"])), "person": new_person["id"]},
        new_person,  # listed after the session that names it: the server orders the kinds
    ]
    first = post(client, records)
    assert first.status_code == 200, first.content
    assert [r["status"] for r in first.json()["results"]] == ["created"] * 6
    assert first.json()["summary"] == {"created": 6}
    counts = (CoachingSession.objects.count(), Achievement.objects.count(), HouseholdVisit.objects.count(),
              Person.objects.count())
    assert counts == (3, 4, 2, 7)
    again = post(client, records)
    assert again.status_code == 200
    assert {r["status"] for r in again.json()["results"]} == {"duplicate"}
    assert (CoachingSession.objects.count(), Achievement.objects.count(), HouseholdVisit.objects.count(),
            Person.objects.count()) == counts
    assert HouseholdStatus.objects.get(household=f.hh["lan"]).status == "follow_up"


def test_a_corrupted_batch_keeps_the_good_records_and_rejects_the_bad_with_reasons(field_data, client, english):
    f = field_data
    login(client, f.s.team_member)
    client.cookies["django_language"] = "en"
    good = session_record(f.people["hoa"])
    records = [
        good,
        session_record(f.people["binh"], date=timezone.localdate() + datetime.timedelta(days=2)),
        session_record(f.people["binh"], minutes=0),
        session_record(f.people["binh"], minutes=2000),
        session_record(f.people["binh"], observed=("l7.nothing",)),
        session_record(f.people["cuc"]),  # same commune, not the member's villages
        session_record(f.people["xa"]),  # other province
        {"kind": "session", "id": "not-a-uuid", "person": str(f.people["hoa"].uuid)},
        {"kind": "teleport", "id": str(uuid.uuid4())},
        "garbage",
        visit_record(f.hh["xa"]),
        visit_record(f.hh["binh"], status="follow_up"),  # no follow-up date
        good,  # the same record twice in one batch
    ]
    response = post(client, records)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created"] + ["rejected"] * 11 + ["duplicate"]
    reasons = [r.get("reason", "") for r in results]
    assert "future" in reasons[1]
    assert "1440" in reasons[2] and "1440" in reasons[3]
    assert "l7.nothing" in reasons[4]
    assert reasons[5] == reasons[6] == "This person is not in your villages."
    assert reasons[10] == "This household is not in your villages."
    assert "follow-up" in reasons[11]
    assert CoachingSession.objects.count() == 1 and Achievement.objects.count() == 1
    assert not HouseholdVisit.objects.exists()


def test_a_batch_that_is_not_a_list_is_refused(field_data, client):
    login(client, field_data.s.team_member)
    assert client.post(SYNC, data="{not json", content_type="application/json").status_code == 400
    assert client.post(SYNC, data=json.dumps({"records": "x"}), content_type="application/json").status_code == 400
    assert not CoachingSession.objects.exists()


def test_a_visit_made_on_an_older_version_is_kept_as_a_conflict_and_shown(field_data, client):
    f = field_data
    login(client, f.s.team_leader)
    assert post(client, [visit_record(f.hh["binh"], status="visited", base=0)]).json()["results"][0]["status"] \
        == "created"
    login(client, f.s.team_member)
    late = visit_record(f.hh["binh"], status="nobody_home", base=0, note="went at noon")
    result = post(client, [late]).json()["results"][0]
    assert result["status"] == "conflict"
    assert result["server"]["status"] == "visited" and result["server"]["version"] == 1
    status = HouseholdStatus.objects.get(household=f.hh["binh"])
    assert status.status == "visited" and status.version == 1  # the newer change stays
    kept = HouseholdVisit.objects.get(uuid=late["id"])
    assert kept.conflict and kept.status == "nobody_home"  # the member's record is not lost
    conflict = SyncConflict.objects.get(user=f.s.team_member)
    assert conflict.sent["status"] == "nobody_home"
    page = client.get("/doi/xem-lai/")
    assert "nobody_home" in page.content.decode() and "went at noon" in page.content.decode()
    # sent again: still one visit, still one conflict
    assert post(client, [late]).json()["results"][0]["status"] == "conflict"
    assert HouseholdVisit.objects.filter(uuid=late["id"]).count() == 1 and SyncConflict.objects.count() == 1
    # the member reviews it
    client.post("/doi/xem-lai/", {"conflict": str(conflict.uuid)})
    conflict.refresh_from_db()
    assert conflict.resolved_at is not None


def test_an_edit_to_a_session_changed_meanwhile_is_kept_as_a_conflict(field_data, client):
    f = field_data
    login(client, f.s.team_member)
    rec = session_record(f.people["hoa"])
    post(client, [rec])
    edit = {"kind": "session_edit", "id": rec["id"], "base_version": 1, "minutes": 45}
    assert post(client, [edit]).json()["results"][0]["status"] == "updated"
    stale = {"kind": "session_edit", "id": rec["id"], "base_version": 1, "minutes": 10, "note": "late edit"}
    result = post(client, [stale]).json()["results"][0]
    assert result["status"] == "conflict" and result["server"]["minutes"] == 45
    session = CoachingSession.objects.get(uuid=rec["id"])
    assert (session.minutes, session.version) == (45, 2)
    assert SyncConflict.objects.get(user=f.s.team_member).sent["note"] == "late edit"


def test_outsider_syncs_nothing_into_our_villages(field_data, client):
    f = field_data
    login(client, f.s.outsider)
    results = post(client, [session_record(f.people["hoa"]), visit_record(f.hh["hoa"])]).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert not CoachingSession.objects.exists() and not HouseholdVisit.objects.exists()


def test_learners_and_anonymous_users_cannot_sync(field_data, client):
    f = field_data
    assert post(client, [session_record(f.people["hoa"])]).status_code == 403
    login(client, f.s.learner)
    assert post(client, [session_record(f.people["hoa"])]).status_code == 403
    assert client.get("/api/outreach/field/bundle/").status_code == 403
    assert not CoachingSession.objects.exists()


def test_the_bundle_holds_the_members_villages_with_masked_data_only(field_data, client, django_assert_num_queries):
    f = field_data
    hoa = f.people["hoa"]
    hoa.set_phone("+84912345678")
    hoa.set_id_number("001090012345")
    hoa.save()
    login(client, f.s.team_member)
    with django_assert_num_queries(10):
        response = client.get("/api/outreach/field/bundle/")
    data = response.json()
    assert {v["code"] for v in data["villages"]} == {"V111", "V112"}
    names = {p["name"] for p in data["people"]}
    assert {"Nguyễn Thị Hoa", "Phạm Thị Lan"} <= names and "Hoàng Thị Cúc" not in names and "Đỗ Văn Xa" not in names
    body = response.content.decode()
    assert "0912345678" not in body and "+84912345678" not in body and "001090012345" not in body
    assert "09xx xxx 678" in body
    assert [s["code"] for s in data["skills"]] == ["l1.a", "l1.b", "l2.a", "l2.b"]


def test_the_outsiders_bundle_has_none_of_our_people(field_data, client):
    login(client, field_data.s.outsider)
    data = client.get("/api/outreach/field/bundle/").json()
    assert not {p["name"] for p in data["people"]} & {"Nguyễn Thị Hoa", "Phạm Thị Lan", "Lê Văn Bình"}
    assert not {h["code"] for h in data["households"]} & {"V111-001", "V112-001"}


def test_sync_queries_do_not_grow_per_record_beyond_a_fixed_number(field_data, client, django_assert_max_num_queries):
    f = field_data
    login(client, f.s.team_member)
    records = [session_record(f.people["hoa"]) for _ in range(10)]
    with django_assert_max_num_queries(40 + 10 * 12):
        assert post(client, records).status_code == 200
    assert CoachingSession.objects.count() == 10
