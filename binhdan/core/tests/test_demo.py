import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from binhdan.accounts.models import User
from binhdan.core.demo import DEMO_PASSWORD
from binhdan.geo.models import AdminUnit, Organisation
from binhdan.people.models import Household, Person


@pytest.fixture
def units(db):
    call_command("load_units", province=["44", "15"], stdout=io.StringIO())


def _seed(**options):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def test_seed_demo_builds_a_realistic_commune_and_prints_one_account_per_role(units):
    out = _seed(commune="19363", villages=6, people=1500, seed=3)
    commune = AdminUnit.objects.get(code="19363")
    assert AdminUnit.objects.filter(parent=commune).count() == 6
    assert Person.objects.filter(commune=commune).count() == 1500
    households = Household.objects.filter(commune=commune)
    assert households.filter(head__isnull=True).count() == 0
    assert 2.5 < 1500 / households.count() < 4.5
    people = list(Person.objects.filter(commune=commune))
    today = datetime.date.today()
    ages = [p.age(today) for p in people]
    assert all(a is not None and 0 <= a <= 110 for a in ages)
    assert 0.1 < sum(a >= 60 for a in ages) / len(ages) < 0.45
    assert {p.sex for p in people} == {"M", "F"}
    assert any("ễ" in p.full_name or "ị" in p.full_name or "ạ" in p.full_name for p in people)
    assert sum(p.ethnicity == "01" for p in people) / len(people) > 0.8  # Quảng Trị is mostly Kinh
    assert any(p.is_student for p in people) and any(p.is_farmer for p in people)
    assert any(p.is_official for p in people) and any(p.is_trader for p in people)
    assert Organisation.objects.filter(unit=commune, kind="youth_union").exists()
    from binhdan.kpi import reconcile
    from binhdan.kpi.query import indicator_rows

    rows = {r["code"]: r for r in indicator_rows(commune)}
    assert 0 < rows["adults_basic_skills"]["numerator"] < rows["adults_basic_skills"]["denominator"]
    assert 0 < rows["adults_national"]["numerator"] < rows["adults_basic_skills"]["numerator"]
    in_2026 = {r["code"]: r for r in indicator_rows(commune, year=2026)}
    assert in_2026["adults_basic_skills"]["target"] == 100.0  # plan 001's 2026 target, inherited from the province
    assert reconcile.run(record=False).ok
    for username in ["quantri", "tinh", "xa", "doanthanhnien", "totruong", "thanhvien", "hocvien"]:
        assert username in out
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)


def test_seed_demo_is_deterministic(units):
    _seed(commune="19363", villages=3, people=300, seed=11, no_accounts=True)
    first = list(Person.objects.order_by("pk").values_list("full_name", "birth_year", "sex", "village__name"))
    Person.objects.all().delete()
    Household.objects.all().delete()
    AdminUnit.objects.filter(level=3).delete()
    _seed(commune="19363", villages=3, people=300, seed=11, no_accounts=True)
    second = list(Person.objects.order_by("pk").values_list("full_name", "birth_year", "sex", "village__name"))
    assert first == second


def test_seed_demo_uses_the_provinces_ethnic_groups(units):
    lao_cai_commune = AdminUnit.objects.filter(province__code="15", level=2).order_by("code").first()
    _seed(commune=lao_cai_commune.code, villages=4, people=800, seed=5, no_accounts=True)
    groups = set(Person.objects.filter(commune=lao_cai_commune).values_list("ethnicity", flat=True))
    assert {"01", "08"} <= groups  # Kinh and Mông


def test_seed_demo_rejects_an_unknown_commune_code_and_writes_nothing(units):
    with pytest.raises(CommandError, match="99999"):
        _seed(commune="99999")
    assert not Person.objects.exists() and not User.objects.exists()


def test_seed_demo_refuses_a_commune_that_already_has_people(units):
    _seed(commune="19363", villages=2, people=50, no_accounts=True)
    with pytest.raises(CommandError):
        _seed(commune="19363", villages=2, people=50)
    assert Person.objects.count() == 50


def test_demo_commune_officer_sees_vinh_linh_and_nothing_of_another_commune(client, units):
    _seed(commune="19363", villages=4, people=200)
    other = AdminUnit.objects.filter(province__code="44", level=2).exclude(code="19363").first()
    other_org = Organisation.objects.create(unit=other, kind="youth_union", name="Đoàn Thanh niên xã khác")
    client.post(reverse("accounts:login"), {"username": "xa", "password": DEMO_PASSWORD})
    page = client.get(reverse("console:unit", args=["19363"]))
    assert page.status_code == 200
    for village in AdminUnit.objects.filter(parent__code="19363"):
        assert village.name in page.content.decode()
    assert client.get(reverse("console:unit", args=[other.code])).status_code == 404
    assert client.get(reverse("console:organisation", args=[other_org.uuid])).status_code == 404
    assert client.get(reverse("unit-detail", args=[other.code])).status_code == 404
    assert client.get(reverse("organisation-detail", args=[other_org.uuid])).status_code == 404
