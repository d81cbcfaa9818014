"""Sign-in throttling per account+address, per account and per address.

The per-account lock is short, so an attacker who guesses at a real user's account
cannot keep that user out for long; the same account from the same address, and one
address trying many accounts, are locked for longer. Counters live in the cache
(Redis in production), so every app process sees the same counts.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"login:{kind}:{digest}"


def _limits():
    return settings.LOGIN_THROTTLE


def locked_for(username: str, address: str) -> int:
    """Seconds until this account may try again from this address (0 = may try now)."""
    now = time.time()
    keys = [_key("lock-pair", username.lower(), address), _key("lock-account", username.lower()),
            _key("lock-address", address)]
    until = max((cache.get(k) or 0) for k in keys)
    return max(0, int(until - now + 0.999))


def _bump(kind: str, parts: tuple[str, ...], limit: int, lock_s: int, window_s: int) -> None:
    key = _key(kind, *parts)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window_s)
        count = 1
    if count >= limit:
        cache.set(_key("lock-" + kind, *parts), time.time() + lock_s, lock_s)
        cache.delete(key)


def register_failure(username: str, address: str) -> None:
    c = _limits()
    user = username.lower()
    _bump("pair", (user, address), c["pair_limit"], c["pair_lock_s"], c["window_s"])
    _bump("account", (user,), c["account_limit"], c["account_lock_s"], c["window_s"])
    _bump("address", (address,), c["address_limit"], c["address_lock_s"], c["window_s"])


def register_success(username: str, address: str) -> None:
    cache.delete_many([_key("pair", username.lower(), address), _key("account", username.lower())])
