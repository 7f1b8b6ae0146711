"""Credentials in URLs are masked wherever they would be shown or logged."""

from __future__ import annotations

import io
import logging

import pytest

from bot.redact import MaskCredentials, mask_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql+asyncpg://bot:hunter2@db:5432/mentor",
            "postgresql+asyncpg://bot:***@db:5432/mentor",
        ),
        ("http://proxy:p@ss@127.0.0.1:3128", "http://proxy:***@127.0.0.1:3128"),
        (
            "postgresql+asyncpg://postgres@127.0.0.1/mentor",
            "postgresql+asyncpg://postgres@127.0.0.1/mentor",
        ),
        ("sqlite+aiosqlite:////data/mentorbot.db", "sqlite+aiosqlite:////data/mentorbot.db"),
    ],
)
def test_mask_url_hides_only_the_password(url: str, shown: str):
    """The password, even one holding an '@', becomes ***; the rest stays readable."""
    assert mask_url(url) == shown


def test_the_filter_masks_messages_arguments_and_tracebacks():
    """A record's formatted message and its exception text both lose the password."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(MaskCredentials())
    logger = logging.getLogger("tests.redact")
    logger.addHandler(handler)
    try:
        logger.warning("request to %s", "http://proxy:hunter2@host/v1")
        try:
            raise ConnectionError("cannot reach https://u:hunter2@host")
        except ConnectionError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    assert "hunter2" not in out.getvalue()
    assert "http://proxy:***@host/v1" in out.getvalue() and "https://u:***@host" in out.getvalue()
