"""The coaching log: sessions with observed skills count as achievements; bad input is refused."""

import datetime

import pytest
from django.utils import timezone

from binhdan.core.models import AuditLog
from binhdan.kpi.levels import digital_households, person_levels
from binhdan.learning.models import Achievement
from binhdan.outreach import services
from binhdan.outreach.models import CoachingSession, SessionSkill
from binhdan.outreach.services import OutreachError

pytestmark = pytest.mark.django_db


def log(f, person, user=None, **kw):
    args = {"skills": [{"code": "l1.a", "observed": True}, {"code": "l1.b", "observed": False}],
            "date": timezone.localdate(), "minutes": 20}
    args.update(kw)
    return services.log_session(user or f.s.team_member, person=person, **args)


def test_observed_skill_records_an_achievement_verified_by_the_member(field_data):
    f = field_data
    outcome = log(f, f.people["hoa"])
    session = outcome.obj
    assert outcome.status == "created"
    achievement = Achievement.objects.get(person=f.people["hoa"])
    assert achievement.method == Achievement.Method.OBSERVED
    assert achievement.verified_by == f.s.team_member
    assert achievement.skill.code == "l1.a"
    assert (achievement.province_id, achievement.commune_id, achievement.village_id) == (
        f.s.p1.pk, f.s.c11.pk, f.s.v111.pk)
    assert session.member == f.member and session.team == f.team
    assert SessionSkill.objects.filter(session=session, observed=False).get().skill.code == "l1.b"
    assert AuditLog.objects.filter(model="outreach.coachingsession", object_id=str(session.uuid)).exists()
    assert AuditLog.objects.filter(model="learning.achievement", object_id=str(achievement.uuid)).exists()


def test_household_becomes_digital_when_a_member_reaches_level_two(field_data):
    f = field_data
    hoa = f.people["hoa"]
    assert digital_households([f.hh["hoa"].pk]) == set()
    log(f, hoa, skills=[{"code": c, "observed": True} for c in ("l1.a", "l1.b", "l2.a", "l2.b")])
    assert person_levels([hoa.pk]) == {hoa.pk: 2}
    assert digital_households([f.hh["hoa"].pk]) == {f.hh["hoa"].pk}


def test_member_reaches_the_villages_their_team_covers(field_data):
    f = field_data
    assert log(f, f.people["lan"]).status == "created"  # V112: covered by the team, not the role


def test_session_for_a_person_outside_the_members_villages_is_refused(field_data):
    f = field_data
    for key in ("cuc", "xa"):
        with pytest.raises(OutreachError) as err:
            log(f, f.people[key])
        assert err.value.code == "scope"
    assert not CoachingSession.objects.exists()
    assert not Achievement.objects.exists()


def test_outsider_cannot_log_a_session_for_our_people(field_data):
    f = field_data
    with pytest.raises(OutreachError):
        log(f, f.people["hoa"], user=f.s.outsider)
    assert not CoachingSession.objects.exists()


@pytest.mark.parametrize("change, code", [
    ({"date": timezone.localdate() + datetime.timedelta(days=1)}, "future"),
    ({"minutes": 0}, "minutes"),
    ({"minutes": -5}, "minutes"),
    ({"minutes": 1441}, "minutes"),
    ({"skills": [{"code": "l9.nope", "observed": True}]}, "skill"),
    ({"skills": []}, "skill"),
    ({"mode": "moon"}, "mode"),
])
def test_impossible_sessions_are_refused_with_a_clear_message(field_data, english, change, code):
    f = field_data
    with pytest.raises(OutreachError) as err:
        log(f, f.people["hoa"], **change)
    assert err.value.code == code
    assert err.value.message
    assert not CoachingSession.objects.exists() and not Achievement.objects.exists()


def test_unknown_skill_message_names_the_skill(field_data, english):
    with pytest.raises(OutreachError) as err:
        log(field_data, field_data.people["hoa"], skills=[{"code": "l9.nope", "observed": True}])
    assert "l9.nope" in err.value.message and "does not exist" in err.value.message


def test_a_session_sent_twice_is_stored_once(field_data):
    f = field_data
    first = log(f, f.people["hoa"], uid="7b0a2d7e-0000-4000-8000-000000000001")
    again = log(f, f.people["hoa"], uid="7b0a2d7e-0000-4000-8000-000000000001")
    assert (first.status, again.status) == ("created", "duplicate")
    assert CoachingSession.objects.count() == 1 and Achievement.objects.count() == 1


def test_learner_confirms_a_session_with_its_short_code(field_data, client):
    f = field_data
    session = log(f, f.people["hoa"]).obj
    response = client.post("/doi/xac-nhan/", {"code": session.confirm_code.lower(), "via": "qr"})
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.confirmed and session.confirmed_via == "qr"


def test_a_wrong_code_confirms_nothing(field_data, client):
    f = field_data
    session = log(f, f.people["hoa"]).obj
    response = client.post("/doi/xac-nhan/", {"code": "ZZZZZZZZ"})
    assert response.status_code == 200
    session.refresh_from_db()
    assert not session.confirmed


def test_record_observed_achievement_for_a_person(field_data, skills):
    f = field_data
    a = services.record_observed_achievement(f.s.team_member, f.people["binh"], skills["l2.a"], evidence="x")
    assert a.method == "observed" and a.person == f.people["binh"] and a.village_id == f.s.v111.pk
    assert AuditLog.objects.filter(object_id=str(a.uuid)).exists()


def test_a_person_added_in_the_field_can_be_coached(field_data):
    f = field_data
    outcome = services.add_person(f.s.team_member, full_name="vi thi moi", village=f.s.v112, birth_year=1948,
                                  sex="F", address="Số 7, Thôn Thử 112")
    person = outcome.obj
    assert person.full_name == "Vi Thi Moi" and person.village_id == f.s.v112.pk and person.household_id
    assert log(f, person).status == "created"


def test_a_person_cannot_be_added_in_a_village_that_is_not_the_members(field_data):
    f = field_data
    with pytest.raises(OutreachError):
        services.add_person(f.s.team_member, full_name="Người Lạ", village=f.s.v121)
