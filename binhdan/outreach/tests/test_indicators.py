"""Every outreach change moves the indicator counters exactly as a recount from scratch does."""

import json
import uuid

import pytest
from django.utils import timezone

from binhdan.conftest import login
from binhdan.kpi import reconcile
from binhdan.kpi.models import Counter
from binhdan.outreach import services
from binhdan.outreach.tests.conftest import session_record

pytestmark = pytest.mark.django_db


def counter(village, code):
    row = Counter.objects.filter(village=village, indicator=code, slice="").first()
    return row.numerator if row else 0


def test_field_work_keeps_the_counters_equal_to_a_recount(field_data, client):
    f = field_data
    reconcile.run(fix=True)  # the fixture wrote its people straight to the database, without counters
    assert reconcile.run().ok
    login(client, f.s.team_member)
    new_person = {"kind": "person", "id": str(uuid.uuid4()), "full_name": "Vi Văn Mới", "birth_year": 1960,
                  "village": "V112"}
    level_two = ("l1.a", "l1.b", "l2.a", "l2.b")
    records = [
        new_person,
        session_record(f.people["hoa"], observed=level_two, covered=()),
        session_record(f.people["hoa"]),  # second session of Hoa: not a new person coached
        session_record(f.people["lan"], observed=(), covered=("l1.a",)),
        {**session_record(f.people["lan"]), "person": new_person["id"]},
        {"kind": "visit", "id": str(uuid.uuid4()), "household": str(f.hh["binh"].uuid), "status": "visited",
         "date": timezone.localdate().isoformat(), "base_version": 0},
        session_record(f.people["xa"]),  # rejected: its counts must not move
    ]
    results = client.post("/api/outreach/field/sync/", json.dumps({"records": records}),
                          content_type="application/json").json()["results"]
    assert [r["status"] for r in results] == ["created"] * 6 + ["rejected"]
    assert counter(f.s.v111, "coaching_sessions") == 2 and counter(f.s.v112, "coaching_sessions") == 2
    assert counter(f.s.v111, "people_coached") == 1 and counter(f.s.v112, "people_coached") == 2
    digital = Counter.objects.get(village=f.s.v111, indicator="digital_households", slice="")
    assert digital.numerator == 1  # Hoa's household became a "Gia đình số"
    code = results[1]["code"]
    services.confirm_session(code)
    services.confirm_session(code)  # confirming twice counts once
    assert counter(f.s.v111, "confirmed_sessions") == 1
    klass = services.save_class(f.s.team_member, None, name="Lớp số", kind="class", village=f.s.v111,
                                venue="Nhà văn hóa", skills=[])
    services.enrol(f.s.team_member, klass, f.people["binh"])
    services.record_meeting(f.s.team_member, klass, date=timezone.localdate(), minutes=60,
                            attendance=[(f.people["binh"], ["l1.a"])])
    services.record_device(f.s.team_member, household=f.hh["binh"], donor="Đoàn xã", device="Điện thoại",
                           condition="used", given_on=timezone.localdate())
    services.recognise_champion(f.s.commune_officer, f.member, on=timezone.localdate(), by=f.s.youth11)
    team2 = services.create_team(f.s.commune_officer, f.s.c11, name="Tổ 113", villages=[f.s.v113],
                                 founded_on=timezone.localdate())
    assert Counter.objects.get(village=f.s.v113, indicator="villages_with_team", slice="").numerator == 1
    services.update_team(f.s.commune_officer, f.team, villages=[f.s.v111])
    services.close_team(f.s.commune_officer, team2)
    assert counter(f.s.v111, "classes_held") == 1 and counter(f.s.v111, "devices_given") == 1
    result = reconcile.run()
    assert result.ok, result.details
