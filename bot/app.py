"""The composition root: settings -> content, database, services -> router -> adapters."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import TYPE_CHECKING, TextIO

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.clock import Clock, OffsetClock
from bot.core.commands import Router, build_actions, build_commands
from bot.core.content import load_content
from bot.core.db import create_engine, session_factory, upgrade
from bot.core.delivery.dispatcher import Dispatcher, pass_time
from bot.core.process_lock import AlreadyRunning, lock_sqlite
from bot.core.services import ContentStore, Services
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.mentor import MentorService
    from bot.platforms.console import ConsoleAdapter

log = logging.getLogger(__name__)

CONSOLE, DISCORD, SLACK = "console", "discord", "slack"


@dataclass
class App:
    engine: AsyncEngine
    services: Services
    router: Router
    dispatcher: Dispatcher
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def close(self) -> None:
        for close in self.closers:
            await close()
        await self.engine.dispose()


async def build_app(settings: Settings, clock: Clock) -> App:
    """Load and check the content, migrate the database, and wire the services."""
    content = await asyncio.to_thread(load_content, settings.content_dir)
    engine = create_engine(settings.resolved_database_url)
    try:
        await upgrade(engine)
    except Exception:
        await engine.dispose()
        raise
    services = Services(
        db=session_factory(engine),
        content=ContentStore(content, settings.content_dir),
        clock=clock,
        default_timezone=settings.default_timezone,
    )
    mentor = build_mentor(settings, services)
    services.mentor = mentor
    dispatcher = Dispatcher(engine, services.content, clock, pacing_limit=settings.pacing_limit)
    app = App(engine, services, Router(services, build_commands(), build_actions()), dispatcher)
    app.closers.append(mentor.aclose)
    return app


def build_mentor(settings: Settings, services: Services) -> MentorService:
    """The mentor: Claude when ANTHROPIC_API_KEY is set, quoted lesson passages otherwise."""
    from bot.mentor import Limits, MentorService, Pacing

    answers = None
    if settings.anthropic_api_key is not None:
        # Imported only here: the SDK takes over a second to import.
        from bot.mentor.llm import AnthropicOptions, create_anthropic

        answers = create_anthropic(
            AnthropicOptions(
                api_key=settings.anthropic_api_key.get_secret_value(),
                model=settings.anthropic_model,
                base_url=settings.anthropic_base_url,
                max_retries=settings.anthropic_max_retries,
                first_token_timeout=settings.ask_first_token_timeout,
                answer_timeout=settings.ask_answer_timeout,
            )
        )
    return MentorService(
        db=services.db,
        content=services.content,
        clock=services.clock,
        answers=answers,
        limits=Limits(settings.ask_daily_quota, settings.ask_daily_token_budget),
        pacing=Pacing(settings.ask_edit_interval),
        default_timezone=settings.default_timezone,
    )


def console_adapter(
    app: App, clock: OffsetClock, stdin: TextIO, stdout: TextIO, *, interactive: bool = False
) -> ConsoleAdapter:
    """The console with its DMs: they print in line, and `/wait` sends what falls due."""
    from bot.platforms.console import ConsoleAdapter, ConsoleMessenger

    async def wait(delta: timedelta) -> None:
        await pass_time(app.dispatcher, clock, delta)

    adapter = ConsoleAdapter(
        app.router, clock, stdin, stdout, pass_time=wait, interactive=interactive
    )
    app.dispatcher.add_messenger(CONSOLE, ConsoleMessenger(adapter.replier.write, clock))
    return adapter


def start_scheduler(app: App, settings: Settings):
    """APScheduler runs the delivery tick in this event loop: once at start (the catch-up after
    downtime), then every MENTORBOT_DELIVERY_TICK_SECONDS."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(app.dispatcher.tick_logged, id="delivery-catch-up")
    scheduler.add_job(
        app.dispatcher.tick_logged,
        "interval",
        seconds=settings.delivery_tick_seconds,
        id="delivery-tick",
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    return scheduler


def select_platforms(settings: Settings, requested: str | None) -> tuple[list[str], list[str]]:
    """Which adapters to start, and the lines that explain the choice to the operator."""
    if requested:
        return [requested], []
    chosen: list[str] = []
    notes: list[str] = []
    if settings.discord_token is not None:
        chosen.append(DISCORD)
    if settings.slack_configured:
        chosen.append(SLACK)
    elif settings.slack_bot_token is not None or settings.slack_app_token is not None:
        missing = "SLACK_APP_TOKEN" if settings.slack_app_token is None else "SLACK_BOT_TOKEN"
        notes.append(f"Slack needs both SLACK_BOT_TOKEN and SLACK_APP_TOKEN; {missing} is not set")
    if not chosen:
        notes.append(
            "no DISCORD_TOKEN or SLACK_BOT_TOKEN/SLACK_APP_TOKEN set: starting the console"
        )
        chosen.append(CONSOLE)
    return chosen, notes


async def run(
    settings: Settings,
    requested: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    platforms, notes = select_platforms(settings, requested)
    for note in notes:
        print(note, file=sys.stderr)
    unavailable = [p for p in platforms if p != CONSOLE]
    if unavailable:
        print(
            f"The {', '.join(unavailable)} adapter is not part of this version yet; "
            "run with --platform console, or unset the platform's tokens.",
            file=sys.stderr,
        )
        return 2
    try:
        lock = lock_sqlite(settings.resolved_database_url)
    except AlreadyRunning as error:
        print(f"mentorbot: {error}", file=sys.stderr)
        return 2
    try:
        clock = OffsetClock()
        app = await build_app(settings, clock)
        try:
            stdin = stdin or sys.stdin
            adapter = console_adapter(
                app, clock, stdin, stdout or sys.stdout, interactive=stdin.isatty()
            )
            scheduler = start_scheduler(app, settings)
            try:
                return await adapter.run()
            finally:
                scheduler.shutdown(wait=False)
        finally:
            await app.close()
    finally:
        if lock is not None:
            lock.release()
