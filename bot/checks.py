"""Start-up checks: each problem the operator can fix becomes one line naming the setting.

`mentorbot` calls these before it starts anything, so a wrong MENTORBOT_DATA_DIR or an
unreachable DATABASE_URL ends in one clear line and exit status 2, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from bot.redact import mask_credentials, mask_url
from bot.settings import Settings

# Long enough for a server across the world, short enough that a typo does not look like a hang.
CONNECT_SECONDS = 10


class StartupProblem(Exception):
    """A setting that keeps the bot from starting; the message is one line and names it."""


def where(settings: Settings) -> str:
    """The setting that chose the database, as it may be shown: `DATABASE_URL=…:***@…`."""
    if settings.database_url:
        return f"DATABASE_URL={mask_url(settings.database_url)}"
    return f"MENTORBOT_DATA_DIR={settings.data_dir}"


def check_data_dir(settings: Settings) -> None:
    """The SQLite file's folder exists, or can be made, and takes new files."""
    from bot.core.db import sqlite_file

    file = sqlite_file(settings.resolved_database_url)
    if file is None:
        return
    folder = file.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StartupProblem(
            f"{where(settings)}: the folder {folder} does not exist and cannot be created "
            f"({_reason(error)}); point it at a folder the bot may write to"
        ) from None
    try:
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as error:
        raise StartupProblem(
            f"{where(settings)}: the bot cannot write in {folder} ({_reason(error)}); "
            "point it at a folder the bot may write to"
        ) from None


async def check_database(settings: Settings) -> None:
    """The database answers and is one: connect, and read its list of tables."""
    from sqlalchemy import inspect

    from bot.core.db import create_engine

    check_data_dir(settings)
    engine = create_engine(settings.resolved_database_url)
    try:
        async with (
            unreachable_as_problem(settings),
            asyncio.timeout(CONNECT_SECONDS),
            engine.connect() as connection,
        ):
            await connection.run_sync(lambda c: inspect(c).has_table("alembic_version"))
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def unreachable_as_problem(settings: Settings) -> AsyncIterator[None]:
    """Turns a database that refuses, is missing or does not answer into a StartupProblem."""
    from sqlalchemy.exc import DBAPIError

    try:
        yield
    except TimeoutError:
        raise StartupProblem(
            f"{where(settings)}: the database did not answer within {CONNECT_SECONDS} s; "
            "check the host and port and that the server is running"
        ) from None
    except (OSError, DBAPIError) as error:
        raise StartupProblem(
            f"{where(settings)}: the database cannot be used ({_reason(error)}); "
            "check the URL, the credentials and that the server is running"
        ) from None


def ready_to_run(settings: Settings) -> None:
    """Everything `mentorbot run` needs from the settings that the settings alone cannot show."""
    asyncio.run(check_database(settings))


def _reason(error: BaseException) -> str:
    """The cause in a few words: the driver's own message, first line only, URLs masked."""
    cause = getattr(error, "orig", None) or error
    text = getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
    return mask_credentials(text.strip().splitlines()[0] if text.strip() else text)


def sqlite_missing(settings: Settings) -> Path | None:
    """The SQLite file the settings name, if it does not exist yet."""
    from bot.core.db import sqlite_file

    file = sqlite_file(settings.resolved_database_url)
    return file if file is not None and not file.exists() else None
