import shutil
from pathlib import Path

import pytest

from binhdan.learning import services

FIXTURE = Path(__file__).resolve().parent / "content" / "vi"
REAL = Path(__file__).resolve().parents[3] / "content" / "vi"


@pytest.fixture
def content(tmp_path) -> Path:
    """A writable copy of the fixture curriculum."""
    target = tmp_path / "content" / "vi"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture
def curriculum(db):
    services.load_curriculum(FIXTURE)
    from binhdan.learning.models import Level

    return Level.objects.get(code="1")


@pytest.fixture
def learner(scenario, curriculum):
    """A learner in village V111 with PIN 123456."""
    return services.create_learner(full_name="Nguyễn Thị Hoa", phone="0912345678", pin="123456",
                                   unit=scenario.v111)


def right_choice(item) -> list[str]:
    """The shown index of the right option of an attempt item (what a learner who knows would tick)."""
    correct = item.question_version.correct_set()
    return [str(shown) for shown, original in enumerate(item.order) if original in correct]


def wrong_choice(item) -> list[str]:
    correct = item.question_version.correct_set()
    return [next(str(shown) for shown, original in enumerate(item.order) if original not in correct)]
