import datetime
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from binhdan.core import pii
from binhdan.core.text import fold
from binhdan.people import parsing
from binhdan.people.demo import GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M, SURNAMES

pytestmark = pytest.mark.usefixtures("english")
VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"


@given(st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " \t-'", max_size=40))
def test_the_fast_fold_agrees_with_the_reference_fold(text):
    assert parsing.fold_fast(text) == fold(text)
    assert parsing.fold_fast(unicodedata.normalize("NFD", text)) == fold(text)


def test_the_fast_fold_agrees_on_every_demo_name():
    words = [s for s, _w in SURNAMES] + MIDDLE_M + MIDDLE_F + GIVEN_M + GIVEN_F
    assert [parsing.fold_fast(w) for w in words] == [fold(w) for w in words]
    assert parsing.fold_fast("  NGUYỄN   Thị HOÀ ") == "nguyen thi hoa"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("05/03/1970", (datetime.date(1970, 3, 5), 1970)), ("5-3-1970", (datetime.date(1970, 3, 5), 1970)),
        ("1970-03-05", (datetime.date(1970, 3, 5), 1970)), (datetime.datetime(1970, 3, 5), (datetime.date(1970, 3, 5), 1970)),
        (25569, (datetime.date(1970, 1, 1), 1970)), (25569.5, (datetime.date(1970, 1, 1), 1970)),
        (1970, (None, 1970)), ("1970", (None, 1970)), ("03/1970", (None, 1970)), ("", (None, None)),
        ("05/03/70", (datetime.date(1970, 3, 5), 1970)),
    ],
)
def test_birth_dates_are_read_in_every_way_lists_write_them(value, expected):
    assert parsing.parse_birth(value, datetime.date(2026, 11, 22)) == expected


@pytest.mark.parametrize("value", ["31/02/1980", "30/13/1980", "hôm qua", "1850", "01/01/2099"])
def test_impossible_or_implausible_birth_dates_are_refused(value):
    with pytest.raises(parsing.Invalid):
        parsing.parse_birth(value, datetime.date(2026, 11, 22))


@pytest.mark.parametrize(
    "value, expected",
    [(44070000123, "044070000123"), (1070000123, "001070000123"), ("044 070 000 123", "044070000123"),
     ("44070000123", "044070000123"), (12345678, "012345678"), ("123456789", "123456789"), (None, "")],
)
def test_id_numbers_get_their_lost_leading_zeros_back(value, expected):
    assert parsing.parse_id_number(value) == expected


@pytest.mark.parametrize("value", ["12345", "0440700001234", "ABC070000123", "999070000123", 1.5])
def test_malformed_id_numbers_are_refused(value):
    with pytest.raises(parsing.Invalid):
        parsing.parse_id_number(value)


@pytest.mark.parametrize(
    "value", ["0912345678", "0912.345.678", "0912 345 678", "+84 912 345 678", "84912345678", 912345678,
              "(+84) 912-345-678"])
def test_phones_are_normalised_to_plus_84(value):
    assert parsing.parse_phone(value) == "+84912345678"


@pytest.mark.parametrize("value", ["12345", "+1 415 555 0100", "0112345678", "09123456789", "abc"])
def test_malformed_phones_are_refused(value):
    with pytest.raises(parsing.Invalid):
        parsing.parse_phone(value)


def test_phones_are_masked_as_09xx_xxx_678_and_encrypted_differently_each_time():
    assert pii.mask_phone("+84912345678") == "09xx xxx 678"
    first, second = pii.encrypt("+84912345678", "phone"), pii.encrypt("+84912345678", "phone")
    assert first != second and "912345678" not in first
    assert pii.decrypt(first, "phone") == pii.decrypt(second, "phone") == "+84912345678"


def test_the_id_hash_is_keyed(settings):
    one = pii.id_hash("044070000123")
    settings.PII_HASH_KEY = "another key"
    assert pii.id_hash("044070000123") != one and len(one) == 64


@pytest.mark.parametrize(
    "value, code",
    [("Kinh", "01"), ("KINH", "01"), ("Bru - Vân Kiều", "23"), ("Vân Kiều", "23"), ("Tà Ôi", "31"), ("ta-oi", "31"),
     ("H'Mông", "08"), ("Mông", "08"), ("Khơ Me", "05"), ("Khmer", "05"), ("Ê Đê", "12"), ("dân tộc Tày", "02"),
     (54, "54"), ("Chứt", "44")],
)
def test_ethnic_groups_are_recognised_in_any_spelling(value, code):
    assert parsing.parse_ethnicity(value) == code


@pytest.mark.parametrize(
    "value, relation",
    [("Chủ hộ", "head"), ("CH", "head"), ("vợ", "spouse"), ("Chồng", "spouse"), ("con trai", "child"),
     ("Con dâu", "child_in_law"), ("Mẹ", "parent"), ("cháu nội", "grandchild"), ("em gái", "sibling"),
     ("Ở nhờ", "other")],
)
def test_relations_to_the_head_are_recognised(value, relation):
    assert parsing.parse_relation(value) == relation


def test_occupations_give_segments():
    assert parsing.parse_segments("Nông dân") == {"is_farmer"}
    assert parsing.parse_segments("Cán bộ, công chức") == {"is_official"}
    assert parsing.parse_segments("HỌC SINH") == {"is_student"}
    assert parsing.parse_segments("Công nhân KCN") == {"is_worker"}
    assert parsing.parse_segments("Tự do") == set()
