import pytest
from django.utils import translation


@pytest.fixture
def english():
    """Messages in English, for tests that assert on a reason's wording."""
    with translation.override("en"):
        yield
