"""Learners' phone numbers: normalised and encrypted with binhdan.core.pii, looked up by keyed hash,
shown masked; and the masked name printed on the public verification page."""

from __future__ import annotations

from binhdan.core import pii as core_pii

_CONTEXT = "learning.phone"


def normalise_phone(value: str | None) -> str | None:
    """"+84 912 345 678", "0912.345.678" → "0912345678"; None if it is not a Vietnamese number."""
    try:
        e164 = core_pii.normalise_phone(value)
    except core_pii.PIIError:
        return None
    return core_pii.national_phone(e164) if e164 else None


def phone_hash(phone: str) -> str:
    """Keyed hash of a normalised phone: finds the account without storing the number in clear."""
    return core_pii.keyed_hash("phone:" + phone)


def encrypt(phone: str) -> str:
    return core_pii.encrypt(phone, _CONTEXT)


def decrypt(token: str) -> str:
    try:
        return core_pii.decrypt(token, _CONTEXT)
    except Exception:  # a token from another key or format: show nothing rather than fail
        return ""


def mask_phone(phone: str) -> str:
    """"0912345678" → "09xx xxx 678"."""
    if not phone:
        return ""
    return core_pii.mask_phone("+84" + phone[1:] if phone.startswith("0") else phone)


def mask_name(full_name: str) -> str:
    """"Nguyễn Thị Hoa" → "Nguyễn T. H." (family name in full, then initials)."""
    words = (full_name or "").split()
    if not words:
        return ""
    return " ".join([words[0]] + [w[0].upper() + "." for w in words[1:]])
