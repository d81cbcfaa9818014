"""A logging filter that redacts anything shaped like an ID number or a phone number."""

import logging
import re

_ID = re.compile(r"(?<![\d.])(?:\d(?:[\s.]?\d){11}|\d(?:[\s.]?\d){8})(?![\d])")
_PHONE = re.compile(r"(?<![\d])(?:\+?84|0)(?:[\s.]?\d){9}(?!\d)")


def redact(text: str) -> str:
    text = _PHONE.sub("[phone]", text)
    return _ID.sub("[id]", text)


class RedactPII(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call must not break the request
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info:
            # A traceback can quote a spreadsheet cell: redact it too, as text.
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = redact(text), None
        return True
