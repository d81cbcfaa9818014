import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone, translation

from binhdan.learning.models import Level, Skill
from binhdan.outreach import services
from binhdan.people.models import Household, Person


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The scenario makes eight accounts; a fast hasher keeps these tests quick (not a security test)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def skills(db):
    """Two levels of two skills each: reaching level 2 needs all four."""
    made = {}
    for pos, code in enumerate(("1", "2")):
        level = Level.objects.create(code=code, position=pos, title=f"Cấp {code} — Thử")
        for i, name in enumerate(("a", "b")):
            made[f"l{code}.{name}"] = Skill.objects.create(code=f"l{code}.{name}", level=level, position=i,
                                                           title=f"Kỹ năng {code}{name}")
    return made


def make_household(village, code, address, *names):
    hh = Household(code=code, address=address)
    hh.set_place(village)
    hh.save()
    people = []
    for i, name in enumerate(names):
        p = Person(full_name=name, birth_year=1950 + i * 10, household=hh, relation="head" if i == 0 else "child")
        p.set_place(village)
        p.save()
        people.append(p)
    if people:
        hh.head = people[0]
        hh.save()
    return hh, people


@dataclass
class Field:
    s: object
    team: object
    leader: object
    member: object
    hh: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    skills: dict = field(default_factory=dict)


@pytest.fixture
def field_data(scenario, skills):
    """A team in C11 covering V111 and V112 (V113, also in C11, is not covered); households in
    V111, V112, V121 (another commune of the province) and V211 (the other province)."""
    from binhdan.geo.models import AdminUnit, Kind, Level

    s = scenario
    s.units["v113"] = AdminUnit(code="V113", name="Thôn Thử 113", level=Level.VILLAGE, kind=Kind.THON, parent=s.c11)
    s.units["v113"].save()
    hh, people = {}, {}
    for key, village, code, address, names in [
        ("hoa", s.v111, "V111-001", "Số 3, Ngõ 1, Thôn Thử 111", ("Nguyễn Thị Hoa", "Trần Văn Nam")),
        ("binh", s.v111, "V111-002", "Số 5, Ngõ 2, Thôn Thử 111", ("Lê Văn Bình",)),
        ("lan", s.v112, "V112-001", "Số 1, Thôn Thử 112", ("Phạm Thị Lan",)),
        ("cuc", s.v121, "V121-001", "Số 9, Thôn Thử 121", ("Hoàng Thị Cúc",)),
        ("xa", s.v211, "V211-001", "Số 2, Thôn Thử 211", ("Đỗ Văn Xa",)),
    ]:
        hh[key], members = make_household(village, code, address, *names)
        people[key] = members[0]
        if len(members) > 1:
            people["nam"] = members[1]
    team = services.create_team(s.commune_officer, s.c11, name="Tổ công nghệ số thôn 111", villages=[s.v111, s.v112],
                                founded_on=timezone.localdate() - datetime.timedelta(days=30),
                                organisation=s.youth11)
    leader = services.add_member(s.commune_officer, team, full_name="Tổ trưởng", account=s.team_leader,
                                 role="leader")
    member = services.add_member(s.commune_officer, team, full_name="Thành viên", account=s.team_member)
    for u in (s.team_leader, s.team_member):
        services._forget_scope(u)
    return Field(s=s, team=team, leader=leader, member=member, hh=hh, people=people, skills=skills)



def session_record(person, *, uid=None, observed=("l1.a",), covered=("l1.b",), date=None, minutes=20, **extra):
    import uuid

    rec = {"kind": "session", "id": str(uid or uuid.uuid4()), "person": str(person.uuid),
           "date": (date or timezone.localdate()).isoformat(), "minutes": minutes, "mode": "home",
           "skills": [{"code": c, "observed": True} for c in observed] + [{"code": c, "observed": False}
                                                                           for c in covered]}
    rec.update(extra)
    return rec
