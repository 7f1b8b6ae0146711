"""Credentials never reach the terminal or the log: every URL is shown with its password masked."""

from __future__ import annotations

import logging
import re

MASK = "***"
# scheme://user:password@host — the password runs to the last "@" before the path.
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:)[^\s/]*@")


def mask_credentials(text: str) -> str:
    """The text with the password of every URL in it replaced by ***."""
    return _URL_PASSWORD.sub(lambda m: f"{m['head']}{MASK}@", text)


def mask_url(url: str) -> str:
    """One URL as it may be shown: `postgresql://bot:***@db/mentorbot`."""
    return mask_credentials(url)


class MaskCredentials(logging.Filter):
    """Masks URL passwords in a record's message and traceback, whichever library logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            # A broken format string is the handler's to report; it holds no URL of ours.
            return True
        masked = mask_credentials(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_credentials(record.exc_text)
        return True
