"""The demo commune: villages, organisations, one account per role, households and people."""

from __future__ import annotations

import random

from django.db import transaction

from binhdan.accounts.models import RoleAssignment, User
from binhdan.core.roles import Role
from binhdan.geo.models import AdminUnit, Kind, Level, Organisation
from binhdan.geo.services import next_village_code

DEMO_PASSWORD = "binhdan-demo"
VILLAGE_NAMES = [
    "Tân An", "Phú Mỹ", "Đông Thành", "Tây Sơn", "Hòa Bình", "An Lạc", "Thượng Đồng", "Hạ Lũy", "Bắc Sơn",
    "Nam Hải", "Trung Hậu", "Xuân Lộc", "Phước Thọ", "Vĩnh Hòa", "Lộc Điền", "Cát Sơn", "Hiền Lương",
    "Thủy Ba", "Mỹ Hội", "Linh Đơn", "Tiên Mỹ", "Đức Xá", "Hồ Xá", "Bến Hải",
]
ORGANISATIONS = [
    ("peoples_committee", "Ủy ban nhân dân {c}"),
    ("culture_society_office", "Phòng Văn hóa – Xã hội {c}"),
    ("public_service_centre", "Trung tâm Phục vụ hành chính công {c}"),
    ("fatherland_front", "Ủy ban Mặt trận Tổ quốc Việt Nam {c}"),
    ("youth_union", "Đoàn Thanh niên {c}"),
    ("womens_union", "Hội Liên hiệp Phụ nữ {c}"),
    ("farmers_union", "Hội Nông dân {c}"),
    ("veterans_association", "Hội Cựu chiến binh {c}"),
    ("elderly_association", "Hội Người cao tuổi {c}"),
    ("police", "Công an {c}"),
    ("school", "Trường Tiểu học {c}"),
    ("school", "Trường Trung học cơ sở {c}"),
    ("health_station", "Trạm Y tế {c}"),
    ("cooperative", "Hợp tác xã Nông nghiệp {c}"),
]
DEMO_ACCOUNTS = [
    # username, role, where ("nation" | "province" | "commune" | "village"), full name, organisation kind
    ("quantri", Role.SYSTEM_ADMIN, "nation", "Quản trị hệ thống", None),
    ("tinh", Role.PROVINCE_OFFICER, "province", "Cán bộ tỉnh", None),
    ("xa", Role.COMMUNE_OFFICER, "commune", "Cán bộ xã", "culture_society_office"),
    ("doanthanhnien", Role.ORGANISATION_OFFICER, "commune", "Bí thư Đoàn xã", "youth_union"),
    ("totruong", Role.TEAM_LEADER, "village", "Tổ trưởng Tổ công nghệ số", "youth_union"),
    ("thanhvien", Role.TEAM_MEMBER, "village", "Thành viên Tổ công nghệ số", "youth_union"),
    ("hocvien", Role.LEARNER, "village", "Học viên", None),
]


def short_name(commune: AdminUnit) -> str:
    for prefix in ("Xã ", "Phường ", "Đặc khu "):
        if commune.name.startswith(prefix):
            return commune.name
    return commune.name


@transaction.atomic
def make_villages(commune: AdminUnit, count: int, rng: random.Random) -> list[AdminUnit]:
    existing = list(AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE).order_by("code"))
    names = list(VILLAGE_NAMES)
    rng.shuffle(names)
    taken = {v.name for v in existing}
    units = existing[:]
    i = 0
    while len(units) < count:
        base = names[i % len(names)]
        suffix = "" if i < len(names) else f" {i // len(names) + 1}"
        i += 1
        kind = Kind.THON if commune.kind == Kind.COMMUNE else Kind.TO_DAN_PHO
        name = f"{'Thôn' if kind == Kind.THON else 'Tổ dân phố'} {base}{suffix}"
        if name in taken:
            continue
        village = AdminUnit(code=next_village_code(commune), name=name, level=Level.VILLAGE, kind=kind, parent=commune)
        village.save()
        taken.add(name)
        units.append(village)
    return units[:count] if count else units


@transaction.atomic
def make_organisations(commune: AdminUnit) -> list[Organisation]:
    made = []
    for kind, pattern in ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(
            unit=commune, name=pattern.format(c=short_name(commune)), defaults={"kind": kind}
        )
        made.append(org)
    return made


@transaction.atomic
def make_accounts(commune: AdminUnit, village: AdminUnit) -> list[tuple[str, str, str]]:
    """One account per role; returns (username, role label, unit name)."""
    province = commune.province
    nation = AdminUnit.objects.get(level=Level.NATION)
    where = {"nation": nation, "province": province, "commune": commune, "village": village}
    rows = []
    for username, role, place, full_name, org_kind in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
        if created:
            user.set_password(DEMO_PASSWORD)
            if role == Role.SYSTEM_ADMIN:
                user.is_staff = user.is_superuser = True
            user.save()
        org = Organisation.objects.filter(unit=commune, kind=org_kind).first() if org_kind else None
        RoleAssignment.objects.get_or_create(user=user, unit=where[place], role=role, defaults={"organisation": org})
        rows.append((username, str(role.label), where[place].name))
    return rows
