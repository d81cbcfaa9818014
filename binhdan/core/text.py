"""Text folding: lower case without diacritics, so "nguyen van a" finds "Nguyễn Văn A"."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(value: str | None) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d), collapse white space."""
    if not value:
        return ""
    text = unicodedata.normalize("NFD", str(value))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D").lower()
    return _SPACES.sub(" ", text).strip()


def clean_name(value: str | None) -> str:
    """Tidy a person or place name: NFC, single spaces, title case if written in capitals."""
    if not value:
        return ""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()
    if text.isupper() or text.islower():
        text = " ".join(word[:1].upper() + word[1:].lower() for word in text.split(" "))
    return text
