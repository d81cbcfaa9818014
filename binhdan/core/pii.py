"""Personal data: ID numbers as keyed hashes, phones encrypted at rest, masked display.

- A national ID number (12-digit CCCD or old 9-digit CMND) is never stored. We keep
  `id_hash(number)` (HMAC-SHA256 keyed with settings.PII_HASH_KEY), to recognise the same
  person across imports, and its last four digits, to show "•••• 1234".
- A phone number is normalised to +84…, encrypted with AES-256-GCM under a key derived
  from settings.PII_ENCRYPTION_KEY, and shown masked ("09xx xxx 678") unless revealed.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import re

from django.conf import settings

_NON_DIGITS = re.compile(r"[\s.\-_/()]+")
# The first three digits of a CCCD are the code of the province of birth registration.
_CCCD_PROVINCES = frozenset(range(1, 97))


class PIIError(ValueError):
    """A value that is not a valid ID number or phone number."""


# --- ID numbers -----------------------------------------------------------------------------

def normalise_id(value) -> str:
    """Digits of a CCCD/CMND as typed or as a spreadsheet number (leading zero restored).

    Raises PIIError with a short English reason (translated by the caller).
    """
    if value is None:
        return ""
    if isinstance(value, float):
        if not value.is_integer():
            raise PIIError("not a whole number")
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        # A number cell loses leading zeros. CCCD numbers start with a province code
        # 001–096, so 10 or 11 digits were a CCCD; 8 digits were a CMND.
        if len(text) in (10, 11):
            text = text.zfill(12)
        elif len(text) == 8:
            text = text.zfill(9)
    else:
        text = _NON_DIGITS.sub("", str(value)).strip()
    if not text:
        return ""
    if not text.isdigit():
        raise PIIError("contains characters other than digits")
    if len(text) == 11:  # a text cell that still lost its zero, e.g. typed without it
        text = "0" + text
    if len(text) == 12:
        if int(text[:3]) not in _CCCD_PROVINCES:
            raise PIIError("the first three digits are not a province code")
        return text
    if len(text) == 9:
        return text
    raise PIIError("must have 12 digits (CCCD) or 9 digits (CMND)")


@functools.lru_cache(maxsize=4)
def _hasher(secret: str):
    key = hashlib.sha256(b"binhdan-id-hash\x00" + secret.encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def keyed_hash(value: str) -> str:
    """Keyed hash (hex) of a normalised value: finds a record without storing the value in clear."""
    mac = _hasher(settings.PII_HASH_KEY).copy()
    mac.update(value.encode())
    return mac.hexdigest()


def id_hash(number: str) -> str:
    """Keyed hash of a normalised ID number; the same number always gives the same hash."""
    return keyed_hash(number)


def id_last4(number: str) -> str:
    return number[-4:]


def mask_id(last4: str) -> str:
    return f"•••• {last4}" if last4 else ""


# --- phones ---------------------------------------------------------------------------------

def normalise_phone(value) -> str:
    """+84 followed by the national number, from 09…, +84…, 84…, with spaces, dots or dashes,
    or a spreadsheet number that lost its leading zero. Raises PIIError."""
    if value is None:
        return ""
    if isinstance(value, float):
        if not value.is_integer():
            raise PIIError("not a whole number")
        value = int(value)
    text = _NON_DIGITS.sub("", str(value)).strip()
    if not text:
        return ""
    plus = text.startswith("+")
    digits = text[1:] if plus else text
    if not digits.isdigit():
        raise PIIError("contains characters other than digits")
    if plus:
        if not digits.startswith("84"):
            raise PIIError("not a Vietnamese number")
        national = digits[2:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    elif len(digits) in (9, 10) and isinstance(value, int):
        national = digits  # a number cell: the leading zero was lost
    elif len(digits) == 9 and digits[0] in "35789":
        national = digits
    else:
        raise PIIError("does not look like a phone number")
    if national.startswith("0"):
        raise PIIError("does not look like a phone number")
    if len(national) == 9 and national[0] in "35789":
        return "+84" + national
    if len(national) == 10 and national[0] == "2":  # landline with area code
        return "+84" + national
    raise PIIError("a mobile number has 10 digits starting with 03, 05, 07, 08 or 09")


def national_phone(e164: str) -> str:
    """+84912345678 → 0912345678."""
    return "0" + e164[3:] if e164.startswith("+84") else e164


def mask_phone(e164: str) -> str:
    """+84912345678 → "09xx xxx 678" (only the network prefix and last three digits)."""
    if not e164:
        return ""
    national = national_phone(e164)
    middle = "x" * (len(national) - 5)
    return f"{national[:2]}{middle[:2]} {middle[2:]} {national[-3:]}".replace("  ", " ")


def format_phone(e164: str) -> str:
    """+84912345678 → "0912 345 678"."""
    national = national_phone(e164)
    if len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return national


# --- encryption at rest ---------------------------------------------------------------------

_VERSION = "g1:"


@functools.lru_cache(maxsize=4)
def _aead(secret: str):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = hashlib.sha256(b"binhdan-pii-encryption\x00" + secret.encode()).digest()
    return AESGCM(key)


def encrypt(plain: str, context: str = "") -> str:
    """AES-256-GCM; a fresh random nonce each time. `context` is bound as associated data."""
    if not plain:
        return ""
    nonce = os.urandom(12)
    sealed = _aead(settings.PII_ENCRYPTION_KEY).encrypt(nonce, plain.encode(), context.encode() or None)
    return _VERSION + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str, context: str = "") -> str:
    if not token:
        return ""
    if not token.startswith(_VERSION):
        raise PIIError("unknown ciphertext format")
    raw = base64.urlsafe_b64decode(token[len(_VERSION):].encode())
    return _aead(settings.PII_ENCRYPTION_KEY).decrypt(raw[:12], raw[12:], context.encode() or None).decode()
