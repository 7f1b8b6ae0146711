"""Log set-up for the `mentorbot` process: one line per event, readable text or JSON.

JSON lines carry the event's ids as fields (`platform`, `user`, `member`, `command`,
`outcome`, …, passed as `extra=` by the code that logs), so a log collector can filter on them.
Messages at INFO name members and platform users by id and never hold tokens, message bodies
or members' questions.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# What every LogRecord has; anything else on a record came in through `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}
# Only the warnings of these libraries matter to an operator. Alembic narrates every start-up
# and APScheduler every job run (a failed tick is logged by the bot). The HTTP stack logs every
# request's URL (proxy credentials in ANTHROPIC_BASE_URL); at DEBUG the SDK logs whole request
# bodies and aiosqlite every statement with its values: members' questions and names, which
# forget-me cannot take back.
_QUIET = (
    "alembic",
    "apscheduler",
    "aiohttp.access",
    "matplotlib",
    "httpx",
    "httpcore",
    "anthropic",
    "aiosqlite",
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the extras and,
    for an error, the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        # A filter may have set exc_text already (masking what it holds); keep its version.
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str, log_format: str = "text") -> None:
    """Log to stderr at `level`, as text or JSON lines, with URL passwords masked."""
    from bot.redact import MaskCredentials

    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(MaskCredentials())
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    # The platform SDKs log whole requests, answers and gateway events at DEBUG (messages,
    # profiles, interaction tokens); their connection news at INFO is worth keeping.
    quietest = max(root.getEffectiveLevel(), logging.INFO)
    for name in ("discord", "slack_sdk", "slack_bolt"):
        logging.getLogger(name).setLevel(quietest)
