import pytest
from django.core.cache import cache


@pytest.fixture
def scenario(db):
    from binhdan.core.testing.scenario import build

    return build()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Argon2 is deliberately slow; tests hash with a fast hasher (one test checks Argon2 itself)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def login(client, user):
    client.force_login(user)
    return client
