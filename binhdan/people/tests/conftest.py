import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The scenario's accounts need no slow password hashing in these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english():
    """Messages in English, for tests that assert on a reason's wording."""
    with translation.override("en"):
        yield


HOA_ID = "044175000456"
HOA_PHONE = "+84987654321"


@pytest.fixture
def population(scenario):
    """A few people: a household in V111 (Hoà with an ID number and a phone), one person in
    V112, and one in the other province (V211)."""
    import datetime

    from binhdan.people import services
    from binhdan.people.models import Person

    def add(village, name, **kw):
        data = {"full_name": name, "birth_date": kw.pop("birth_date", None), "birth_year": kw.pop("birth_year", None),
                "sex": kw.pop("sex", "F"), "ethnicity": kw.pop("ethnicity", "01"), "relation": kw.pop("relation", "")}
        data.update({k: v for k, v in kw.items() if k not in ("id_number", "phone", "household", "new_household")})
        return services.save_person(scenario.admin, Person(), village=village, data=data,
                                    id_number=kw.get("id_number"), phone=kw.get("phone"),
                                    household=kw.get("household"), new_household=kw.get("new_household", False))

    hoa = add(scenario.v111, "Nguyễn Thị Hoà", birth_date=datetime.date(1975, 8, 12), id_number=HOA_ID,
              phone=HOA_PHONE, relation="head", new_household=True, has_smartphone=True, vneid_level=2)
    dung = add(scenario.v111, "Đỗ Văn Dũng", birth_year=1950, sex="M", relation="spouse", household=hoa.household,
               is_farmer=True)
    minh = add(scenario.v111, "Lê Minh", birth_year=2012, sex="M", relation="child", household=hoa.household,
               is_student=True, ethnicity="02")
    lan = add(scenario.v112, "Trần Thị Lan", birth_year=1990, phone="0912345678", is_trader=True)
    far = add(scenario.v211, "Phạm Văn Xa", birth_year=1980, sex="M", phone="0933333333")
    return {"hoa": hoa, "dung": dung, "minh": minh, "lan": lan, "far": far}


@pytest.fixture
def client():
    """A browser asking for English pages (one test checks the Vietnamese ones)."""
    from django.conf import settings
    from django.test import Client

    browser = Client()
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return browser
