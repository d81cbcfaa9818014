import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from binhdan.accounts import throttle
from binhdan.core.testing.scenario import PASSWORD


def _sign_in(client, username, password, address="10.0.0.1"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_officer_signs_in_with_username_and_password_and_lands_on_their_unit(client, scenario):
    response = _sign_in(client, "commune_officer", PASSWORD)
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302 and follow["Location"] == reverse("console:unit", args=["C11"])


def test_passwords_are_hashed_with_argon2(db):
    from django.conf import settings as project_settings
    from django.contrib.auth.hashers import make_password
    from django.test import override_settings

    from binhdan import settings as configured

    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=configured.PASSWORD_HASHERS):
        assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
        assert make_password("a long passphrase").startswith("argon2")


def test_a_wrong_password_gets_a_vietnamese_message(client, scenario):
    response = _sign_in(client, "commune_officer", "wrong")
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()


def test_repeated_failures_lock_the_account_from_that_address_even_for_the_right_password(client, scenario):
    for _ in range(settings.LOGIN_THROTTLE["pair_limit"]):
        _sign_in(client, "commune_officer", "wrong")
    response = _sign_in(client, "commune_officer", PASSWORD)
    assert response.status_code == 429
    assert "Thử lại sau" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_attacker_elsewhere_cannot_lock_the_real_user_out_for_long(client, scenario):
    limits = settings.LOGIN_THROTTLE
    for i in range(limits["account_limit"]):
        _sign_in(client, "commune_officer", "wrong", address=f"10.9.{i // 200}.{i % 200}")
    # The account-wide lock is short (minutes), the per-address lock longer.
    assert throttle.locked_for("commune_officer", "192.168.1.5") <= limits["account_lock_s"]
    assert limits["account_lock_s"] < limits["pair_lock_s"]
    # Once the short lock has passed, the real user signs in from their own address.
    caches["default"].delete(throttle._key("lock-account", "commune_officer"))
    assert _sign_in(client, "commune_officer", PASSWORD, address="192.168.1.5").status_code == 302


def test_one_address_trying_many_accounts_is_locked(client, scenario):
    limit = settings.LOGIN_THROTTLE["address_limit"]
    for i in range(limit):
        _sign_in(client, f"nobody{i}", "wrong", address="10.7.7.7")
    assert _sign_in(client, "commune_officer", PASSWORD, address="10.7.7.7").status_code == 429
    assert _sign_in(client, "commune_officer", PASSWORD, address="10.7.7.8").status_code == 302


def test_a_success_clears_the_failures_of_that_account(client, scenario):
    for _ in range(settings.LOGIN_THROTTLE["pair_limit"] - 1):
        _sign_in(client, "commune_officer", "wrong")
    assert _sign_in(client, "commune_officer", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.LOGIN_THROTTLE["pair_limit"] - 1):
        _sign_in(client, "commune_officer", "wrong")
    assert _sign_in(client, "commune_officer", PASSWORD).status_code == 302


def test_the_throttle_works_on_redis_shared_by_all_processes(client, scenario):
    import os

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running")
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                               "LOCATION": url}}):
        caches["default"].clear()
        for _ in range(settings.LOGIN_THROTTLE["pair_limit"]):
            _sign_in(client, "commune_officer", "wrong")
        assert redis.Redis.from_url(url).keys("*login:lock-pair*")
        assert _sign_in(client, "commune_officer", PASSWORD).status_code == 429
        caches["default"].clear()


def test_sign_out_requires_post_and_ends_the_session(client, scenario):
    client.force_login(scenario.commune_officer)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session
