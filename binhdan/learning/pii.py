"""Phone numbers of learners: normalised, looked up by keyed hash, stored encrypted, shown masked.

Small private helpers; the project-wide module for personal data is binhdan.core.pii.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

_NON_DIGITS = re.compile(r"\D+")


def normalise_phone(value: str | None) -> str | None:
    """"+84 912 345 678", "0912.345.678" → "0912345678"; None if it is not a Vietnamese number."""
    digits = _NON_DIGITS.sub("", value or "")
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if len(digits) != 10 or not digits.startswith("0"):
        return None
    return digits


def phone_hash(phone: str) -> str:
    return hmac.new(settings.PII_HASH_KEY.encode(), ("phone:" + phone).encode(), hashlib.sha256).hexdigest()


def _fernet() -> Fernet:
    key = hashlib.sha256(settings.PII_ENCRYPTION_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def mask_phone(phone: str) -> str:
    """"0912345678" → "091•••••78"."""
    if not phone:
        return ""
    return phone[:3] + "•" * (len(phone) - 5) + phone[-2:]


def mask_name(full_name: str) -> str:
    """"Nguyễn Thị Hoa" → "Nguyễn T. H." (family name in full, then initials)."""
    words = (full_name or "").split()
    if not words:
        return ""
    return " ".join([words[0]] + [w[0].upper() + "." for w in words[1:]])
