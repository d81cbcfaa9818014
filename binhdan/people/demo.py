"""Deterministic, realistic demo population for one commune (bulk inserts)."""

from __future__ import annotations

import datetime
import random
import uuid

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from binhdan.core import pii
from binhdan.core.text import fold
from binhdan.people import bulk
from binhdan.people.models import Household, Person

SURNAMES = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 5), ("Phan", 4.5), ("Vũ", 3.9),
            ("Võ", 3), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5),
            ("Huỳnh", 2), ("Đinh", 0.8), ("Trương", 0.8), ("Mai", 0.5), ("Cao", 0.4), ("Lương", 0.4), ("Tạ", 0.3)]
MIDDLE_M = ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Đình", "Ngọc"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Mai", "Diệu", "Bích"]
GIVEN_M = ["Anh", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Hiếu", "Hòa", "Khánh", "Long", "Nam", "Phúc", "Quân",
           "Sơn", "Thắng", "Tuấn", "Việt", "Trung", "Tài", "Lộc", "Đạt", "Hoàng", "Kiên", "Lâm", "Minh", "Tâm",
           "Thịnh", "Vinh", "Toàn", "Hưng", "Phong", "Quang", "Thành", "Trí", "Bảo", "Duy", "Khoa", "Nhân"]
GIVEN_F = ["Hoa", "Hà", "Hằng", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngọc", "Nhung", "Phương", "Thảo", "Trang",
           "Tuyết", "Vân", "Yến", "Hạnh", "Hoà", "Loan", "Thủy", "Dung", "Oanh", "Huệ", "Liên", "Hiền", "Thu",
           "Nhàn", "Quyên", "Trâm", "Vy", "My", "Chi", "Giang", "Lụa", "Sen", "Xuân", "Tâm", "Diệp"]
# Names as they are commonly written in some ethnic minority communities.
MINORITY_NAMES = {
    "08": (["Giàng", "Sùng", "Vàng", "Thào", "Lý", "Hầu", "Má", "Mùa"], ["A"], ["Thị"],
           ["Páo", "Chứ", "Sử", "Dình", "Lềnh", "Chính", "Thào", "Vư"], ["Mỷ", "Dua", "Chở", "Pằng", "Mai", "Sua", "Dế"]),
    "09": (["Triệu", "Bàn", "Đặng", "Lý", "Phùng", "Chảo"], ["Văn", "Tả", "Láo"], ["Thị", "Mùi"],
           ["Phủ", "Sành", "Chòi", "Quẩy", "Lở", "Kiềm"], ["Mẩy", "Phấy", "Nhất", "Mây", "Xuân"]),
    "23": (["Hồ", "Hồ", "Hồ", "Lê", "Nguyễn"], ["Văn"], ["Thị"],
           ["Ú", "Khâm", "Chiêng", "Pỏi", "Thoong", "Chăn", "Vai"], ["Nhoi", "Lim", "Thon", "Mơi", "Xa", "Chiêng"]),
    "31": (["Hồ", "Kăn", "Pả", "Căn"], ["Văn"], ["Thị"], ["Ngoan", "Dầm", "Prang", "Kăn"], ["Pia", "Xoong", "Ly"]),
    "02": (["Hoàng", "Nông", "Lương", "Ma", "Hà", "Lục", "Bế"], ["Văn", "Đức"], ["Thị"],
           ["Pao", "Chiến", "Thắng", "Lợi", "Sằn", "Tuyên"], ["Slao", "Mây", "Nhàn", "Thơm", "Hoa"]),
}
# Ethnic composition by province code (approximate shares), else a generic default.
ETHNIC_MIX = {
    "44": [("01", 96.5), ("23", 2.5), ("31", 0.8), ("44", 0.2)],  # Quảng Trị
    "15": [("01", 36), ("08", 24), ("02", 15), ("09", 14), ("25", 4), ("07", 3), ("35", 2), ("03", 2)],  # Lào Cai
}
DEFAULT_MIX = [("01", 90), ("02", 3), ("06", 3), ("03", 2), ("07", 2)]


def _pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights)[0]


def person_name(rng: random.Random, sex: str, ethnicity: str, surname: str | None = None) -> str:
    if ethnicity in MINORITY_NAMES:
        surnames, mid_m, mid_f, given_m, given_f = MINORITY_NAMES[ethnicity]
        surname = surname or rng.choice(surnames)
        middle = rng.choice(mid_m if sex == "M" else mid_f)
        given = rng.choice(given_m if sex == "M" else given_f)
    else:
        surname = surname or _pick(rng, SURNAMES)
        middle = rng.choice(MIDDLE_M if sex == "M" else MIDDLE_F)
        given = rng.choice(GIVEN_M if sex == "M" else GIVEN_F)
    return f"{surname} {middle} {given}"


def _birth(rng: random.Random, age: int, today: datetime.date) -> tuple[datetime.date | None, int]:
    # A birthday between `age` and `age + 1` years ago, so the person is exactly `age` today.
    try:
        last_birthday = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        last_birthday = today.replace(year=today.year - age, day=28)
    day = last_birthday - datetime.timedelta(days=rng.randrange(365))
    if rng.random() < 0.08:  # some lists only know the year of birth
        return None, day.year
    return day, day.year


def _segments(rng: random.Random, age: int, person: dict) -> None:
    if 6 <= age <= 18 or (18 < age <= 22 and rng.random() < 0.35):
        person["is_student"] = True
    elif 22 <= age <= 60:
        r = rng.random()
        if r < 0.04:
            person["is_official"] = True
        elif r < 0.22:
            person["is_worker"] = True
        elif r < 0.30:
            person["is_trader"] = True
        elif r < 0.75:
            person["is_farmer"] = True
    elif age > 60 and rng.random() < 0.4:
        person["is_farmer"] = True
    if rng.random() < 0.03:
        person["has_disability"] = True


MOBILE_PREFIXES = ["086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039", "088", "091",
                   "094", "083", "084", "085", "081", "082", "089", "090", "093", "070", "079", "077", "076", "078",
                   "092", "056", "058"]


def _digital(rng: random.Random, age: int, person: dict, minority: bool) -> None:
    """Digital status by age, a little lower in ethnic-minority households (as surveys find)."""
    gap = 0.15 if minority else 0.0
    if age < 12:
        return
    smartphone = {age < 16: 0.45, 16 <= age < 40: 0.9, 40 <= age < 60: 0.75, age >= 60: 0.35}[True] - gap
    person["has_smartphone"] = rng.random() < smartphone
    if age >= 14:
        r = rng.random()
        level2 = (0.6 if age < 60 else 0.35) - gap
        person["vneid_level"] = 2 if r < level2 else 1 if r < level2 + 0.2 else 0
    if person.get("has_smartphone"):
        person["uses_zalo"] = rng.random() < 0.85
        person["uses_email"] = rng.random() < (0.6 if age < 35 else 0.25)
        person["has_bank_account"] = 18 <= age and rng.random() < (0.75 if age < 60 else 0.4) - gap


def _id_number(rng: random.Random, province_code: str, sex: str, birth_year: int) -> str:
    """A CCCD-shaped number: province code, sex and century digit, year, six digits."""
    century = 0 if birth_year < 2000 else 2
    return f"{int(province_code):03d}{century + (1 if sex == 'F' else 0)}{birth_year % 100:02d}" \
           f"{rng.randrange(1_000_000):06d}"


def seed_people(commune, villages, people: int, seed: int, today: datetime.date | None = None) -> dict:
    """Households and people spread over the villages; returns counts."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    mix = ETHNIC_MIX.get(commune.province.code if commune.province_id else "", DEFAULT_MIX)
    province_id, commune_id = commune.province_id, commune.pk
    plans = []  # (village, household, [members])
    made = 0
    n_house = 0
    while made < people:
        village = villages[n_house % len(villages)]
        n_house += 1
        ethnicity = _pick(rng, mix)
        size = min(people - made, rng.choices([1, 2, 3, 4, 5, 6, 7], weights=[8, 18, 22, 26, 15, 8, 3])[0])
        head_age = rng.randint(24, 82)
        head_sex = "M" if rng.random() < 0.72 else "F"
        head_name = person_name(rng, head_sex, ethnicity)
        surname = head_name.split(" ")[0]
        members = [("head", head_sex, head_age, head_name)]
        if size >= 2:
            spouse_sex = "F" if head_sex == "M" else "M"
            members.append(("spouse", spouse_sex, max(18, head_age + rng.randint(-6, 4)),
                            person_name(rng, spouse_sex, ethnicity)))
        for _ in range(size - len(members)):
            if head_age > 55 and rng.random() < 0.35:
                sex = "M" if rng.random() < 0.5 else "F"
                members.append(("grandchild", sex, rng.randint(0, 17), person_name(rng, sex, ethnicity, surname)))
            elif head_age < 45 and rng.random() < 0.15:
                sex = "M" if rng.random() < 0.4 else "F"
                members.append(("parent", sex, min(98, head_age + rng.randint(22, 32)),
                                person_name(rng, sex, ethnicity)))
            else:
                sex = "M" if rng.random() < 0.51 else "F"
                age = max(0, head_age - rng.randint(20, 36))
                members.append(("child", sex, age, person_name(rng, sex, ethnicity, surname)))
        number = rng.randint(1, 250)
        household = {
            "uuid": uuid.uuid4(), "province_id": province_id,
            "commune_id": commune_id, "village_id": village.pk, "code": f"{village.code}-{n_house:05d}",
            "address": f"Số {number}, {village.name}",
        }
        plans.append((household, ethnicity, members))
        made += len(members)

    now = timezone.now()
    province_code = commune.province.code if commune.province_id else ""
    province_code = province_code if province_code.isdigit() and 1 <= int(province_code) <= 96 else "44"
    consent_from = datetime.date(2025, 9, 1)
    with transaction.atomic():
        bulk.insert(Household, [p[0] for p in plans], now=now)
        ids = dict(Household.objects.filter(commune_id=commune_id, created_at=now).values_list("uuid", "pk"))
        batch: list[dict] = []
        seen_ids: set[str] = set()
        for household, ethnicity, members in plans:
            for relation, sex, age, name in members:
                birth_date, birth_year = _birth(rng, age, today)
                person = {
                    "province_id": province_id, "commune_id": commune_id, "village_id": household["village_id"],
                    "household_id": ids[household["uuid"]], "relation": relation, "full_name": name,
                    "name_folded": fold(name), "sex": sex, "birth_date": birth_date, "birth_year": birth_year,
                    "ethnicity": ethnicity, "valid_from": today,
                }
                _segments(rng, age, person)
                _digital(rng, age, person, ethnicity != "01")
                if age >= 14 and rng.random() < 0.92:
                    number = _id_number(rng, province_code, sex, birth_year)
                    if number not in seen_ids:
                        seen_ids.add(number)
                        person["id_hash"], person["id_last4"] = pii.id_hash(number), number[-4:]
                if age >= 16 and (person.get("has_smartphone") or rng.random() < 0.3):
                    phone = "+84" + rng.choice(MOBILE_PREFIXES)[1:] + f"{rng.randrange(10_000_000):07d}"
                    person["phone_encrypted"] = pii.encrypt(phone, "phone")
                    person["phone_masked"] = pii.mask_phone(phone)
                if age >= 16 and rng.random() < 0.7:
                    person["consent_at"] = consent_from + datetime.timedelta(days=rng.randrange(400))
                    person["consent_source"] = rng.choice(["commune_list", "paper", "paper", "verbal"])
                person["uuid"] = uuid.uuid4()
                batch.append(person)
        bulk.insert(Person, batch, now=now)
        heads = Person.objects.filter(household=OuterRef("pk"), relation="head").values("pk")[:1]
        Household.objects.filter(commune_id=commune_id, head__isnull=True).update(head=Subquery(heads))
    return {"households": len(plans), "people": made}
