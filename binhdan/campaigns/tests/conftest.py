import datetime
import io

import pytest
from django.utils import timezone

from binhdan.campaigns import services
from binhdan.campaigns.periods import Period
from binhdan.geo.models import Organisation

Q3 = Period("quarter", 2026, 3)
# Q3 2026 reports are due before 15/09/2026.
ON_TIME = timezone.make_aware(datetime.datetime(2026, 9, 10, 9, 0))
LATE = timezone.make_aware(datetime.datetime(2026, 9, 20, 9, 0))
WRITTEN = datetime.date(2026, 9, 8)


@pytest.fixture
def orgs(scenario):
    """Province departments and commune bodies that plans name as lead and partner units."""
    made = {}
    for key, unit, kind, name in [
        ("culture", scenario.p1, "department", "Sở Văn hóa, Thể thao và Du lịch"),
        ("science", scenario.p1, "department", "Sở Khoa học và Công nghệ"),
        ("board", scenario.p1, "propaganda_board", "Ban Tuyên giáo và Dân vận Tỉnh ủy"),
        ("youth_p1", scenario.p1, "youth_union", "Tỉnh đoàn"),
        ("committee11", scenario.c11, "peoples_committee", "Ủy ban nhân dân Xã Thử 11"),
        ("culture21", scenario.p2, "department", "Sở Văn hóa tỉnh Thử 2"),
    ]:
        org = Organisation(unit=unit, kind=kind, name=name)
        org.save()
        made[key] = org
    return made


def xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.fixture
def q3_report(scenario):
    """The commune officer's draft report of C11 for the third quarter of 2026."""
    return services.create_report(scenario.commune_officer, scenario.c11, Q3, today=WRITTEN)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
