import pytest
from django.core.cache import cache


@pytest.fixture
def scenario(db):
    from binhdan.core.testing.scenario import build

    return build()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def login(client, user):
    client.force_login(user)
    return client
