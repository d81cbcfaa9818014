"""The canonical test scenario: two provinces × two communes × two villages, named personas.

    nation VN
    ├── province P1 (code "P1")         ├── province P2 (code "P2")
    │   ├── commune C11 ── V111, V112   │   ├── commune C21 ── V211, V212
    │   └── commune C12 ── V121, V122   │   └── commune C22 ── V221, V222

Personas: admin (system admin at the nation), province_officer (P1), commune_officer (C11),
org_officer (C11, Youth Union), team_leader and team_member (V111), learner (V111),
outsider (commune officer of C21, in the other province).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from binhdan.accounts.models import RoleAssignment, User
from binhdan.core.roles import Role
from binhdan.geo.models import AdminUnit, Kind, Level, Organisation

PASSWORD = "correct horse battery staple"


@dataclass
class Scenario:
    nation: AdminUnit
    units: dict[str, AdminUnit] = field(default_factory=dict)
    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name):
        for bucket in ("units", "users", "orgs"):
            values = self.__dict__.get(bucket, {})
            if name in values:
                return values[name]
        raise AttributeError(name)


def _unit(code, name, level, kind, parent=None):
    unit = AdminUnit(code=code, name=name, level=level, kind=kind, parent=parent)
    unit.save()
    return unit


def _user(username, role, unit, org=None, **extra):
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=username.replace("_", " "),
                                    **extra)
    RoleAssignment.objects.create(user=user, unit=unit, role=role, organisation=org)
    return user


def build() -> Scenario:
    nation = AdminUnit.objects.filter(level=Level.NATION).first() or _unit("VN", "Việt Nam", Level.NATION,
                                                                           Kind.NATION)
    s = Scenario(nation=nation)
    for p in (1, 2):
        province = _unit(f"P{p}", f"Tỉnh Thử {p}", Level.PROVINCE, Kind.PROVINCE, nation)
        s.units[f"p{p}"] = province
        for c in (1, 2):
            commune = _unit(f"C{p}{c}", f"Xã Thử {p}{c}", Level.COMMUNE, Kind.COMMUNE, province)
            s.units[f"c{p}{c}"] = commune
            for v in (1, 2):
                s.units[f"v{p}{c}{v}"] = _unit(f"V{p}{c}{v}", f"Thôn Thử {p}{c}{v}", Level.VILLAGE, Kind.THON,
                                               commune)
            org = Organisation(unit=commune, kind=Organisation.Kind.YOUTH_UNION, name=f"Đoàn Thanh niên xã {p}{c}")
            org.save()
            s.orgs[f"youth{p}{c}"] = org
    s.users["admin"] = _user("admin", Role.SYSTEM_ADMIN, nation, is_staff=True, is_superuser=True)
    s.users["province_officer"] = _user("province_officer", Role.PROVINCE_OFFICER, s.p1)
    s.users["commune_officer"] = _user("commune_officer", Role.COMMUNE_OFFICER, s.c11)
    s.users["org_officer"] = _user("org_officer", Role.ORGANISATION_OFFICER, s.c11, s.youth11)
    s.users["team_leader"] = _user("team_leader", Role.TEAM_LEADER, s.v111, s.youth11)
    s.users["team_member"] = _user("team_member", Role.TEAM_MEMBER, s.v111, s.youth11)
    s.users["learner"] = _user("learner", Role.LEARNER, s.v111)
    s.users["outsider"] = _user("outsider", Role.COMMUNE_OFFICER, s.c21)
    return s
