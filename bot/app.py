"""The composition root: settings -> content, database, services -> router -> adapters."""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sqlalchemy.ext.asyncio import AsyncEngine

from bot import platforms
from bot.checks import StartupProblem
from bot.core.clock import Clock, OffsetClock, SystemClock
from bot.core.commands import Router, build_actions, build_commands
from bot.core.db import create_engine, session_factory, upgrade
from bot.core.delivery.dispatcher import Dispatcher, pass_time
from bot.core.metrics import NoMetrics
from bot.core.ports import Adapter, Messenger, Metrics
from bot.core.process_lock import AlreadyRunning, lock_sqlite
from bot.core.publishing.announce import Announcements
from bot.core.publishing.sync import content_watcher, open_content, read_checked
from bot.core.services import ContentStore, Services
from bot.runtime import DeliveryScheduler, Service, serve
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.mentor import MentorService
    from bot.platforms.console import ConsoleAdapter

log = logging.getLogger(__name__)


@dataclass
class App:
    engine: AsyncEngine
    services: Services
    router: Router
    dispatcher: Dispatcher
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    metrics: Metrics = field(default_factory=NoMetrics)

    async def close(self) -> None:
        for close in self.closers:
            await close()
        await self.engine.dispose()


async def build_app(settings: Settings, clock: Clock) -> App:
    """Check the content directory, migrate the database, pick the content revision to use
    (importing the directory when it changed), and wire the services."""
    # Reading files is blocking I/O (and a FIFO could hang): off the event loop.
    files = await asyncio.to_thread(read_checked, settings.content_dir)
    engine = create_engine(settings.resolved_database_url)
    try:
        await upgrade(engine)
        db = session_factory(engine)
        content, version = await open_content(db, files, clock)
    except Exception:
        await engine.dispose()
        raise
    metrics = build_metrics(settings)
    services = Services(
        db=db,
        content=ContentStore(content, settings.content_dir, version),
        clock=clock,
        default_timezone=settings.default_timezone,
        metrics=metrics,
    )
    mentor = build_mentor(settings, services)
    services.mentor = mentor
    dispatcher = Dispatcher(
        engine, services.content, clock, pacing_limit=settings.pacing_limit, metrics=metrics
    )
    router = Router(services, build_commands(), build_actions())
    app = App(engine, services, router, dispatcher, metrics=metrics)
    app.closers.append(mentor.aclose)
    return app


def build_metrics(settings: Settings) -> Metrics:
    """Prometheus metrics when the ops server will serve them; otherwise none are kept."""
    if settings.ops_port is None:
        return NoMetrics()
    from bot.ops import PrometheusMetrics

    return PrometheusMetrics()


async def start_ops(
    settings: Settings, app: App, scheduler: DeliveryScheduler, adapters: list[Adapter]
) -> Service:
    """The ops server, already listening, as a side service for the runtime. Raises
    OpsUnavailable when its port cannot be used."""
    from bot.ops import HealthSources, OpsServer, PrometheusMetrics

    assert isinstance(app.metrics, PrometheusMetrics), "build_app keeps metrics for the server"
    server = OpsServer(
        settings.ops_host,
        settings.ops_port or 0,
        HealthSources(app.engine, scheduler, adapters),
        app.metrics,
    )
    await server.start()
    return server.serve


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
        metrics=services.metrics,
    )


def console_adapter(
    app: App,
    clock: OffsetClock,
    stdin: TextIO,
    stdout: TextIO,
    *,
    interactive: bool = False,
    files_dir: Path | None = None,
) -> ConsoleAdapter:
    """The console with its DMs: they print in line, and `/wait` sends what falls due. Files
    it is sent (the stats chart) are saved in `files_dir`, the working directory by default."""
    from bot.platforms.console import ConsoleAdapter

    async def wait(delta: timedelta) -> None:
        await pass_time(app.dispatcher, clock, delta)

    adapter = ConsoleAdapter(
        app.router,
        clock,
        stdin,
        stdout,
        pass_time=wait,
        interactive=interactive,
        files_dir=files_dir,
    )
    app.dispatcher.add_messenger(adapter.messenger)
    return adapter


def create_adapter(name: str, app: App, settings: Settings) -> Adapter:
    """A networked platform's adapter; its SDK is imported only now."""
    module = importlib.import_module(f"bot.platforms.{name}")
    return module.create_adapter(app, settings)


def create_messenger(name: str, settings: Settings) -> Messenger:
    module = importlib.import_module(f"bot.platforms.{name}")
    return module.create_messenger(settings)


async def run(
    settings: Settings,
    requested: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """`mentorbot run`: the configured platforms (or the console), with daily delivery."""
    names, notes = platforms.select(settings, requested)
    for note in notes:
        print(note, file=sys.stderr)
    try:
        lock = lock_sqlite(settings.resolved_database_url)
    except AlreadyRunning as error:
        print(f"mentorbot: {error}", file=sys.stderr)
        return 2
    refusals: list[BaseException] = []
    try:
        clock = OffsetClock() if platforms.CONSOLE in names else SystemClock()
        app = await build_app(settings, clock)
        try:
            adapters: list[Adapter] = []
            for name in names:
                if name == platforms.CONSOLE:
                    stdin = stdin or sys.stdin
                    if stdin.isatty():
                        # Someone is typing: a log line per command would land in between.
                        logging.getLogger("bot.core.commands.router").setLevel(logging.WARNING)
                    adapters.append(
                        console_adapter(
                            app, clock, stdin, stdout or sys.stdout, interactive=stdin.isatty()
                        )
                    )
                else:
                    adapters.append(create_adapter(name, app, settings))
            announcements = Announcements.configured(
                app.services, settings.announce_channel, adapters
            )
            watcher = content_watcher(
                app.services.content,
                app.services.db,
                settings.content_poll_seconds,
                also=announcements.send if announcements else None,
            )
            settle_memory()
            return await serve_app(settings, app, adapters=adapters, services=[watcher])
        finally:
            await app.close()
    except* StartupProblem as group:
        refusals.extend(group.exceptions)
    finally:
        if lock is not None:
            lock.release()
        log.info("mentorbot stopped")
    return _explain(refusals)


async def work(settings: Settings) -> int:
    """`mentorbot worker`: only sends due deliveries, through the platforms' REST APIs."""
    if settings.uses_sqlite:
        print(
            "mentorbot worker needs PostgreSQL: on SQLite the one `mentorbot run` sends every "
            "delivery itself. Point DATABASE_URL at PostgreSQL to run workers beside it.",
            file=sys.stderr,
        )
        return 2
    names, notes = platforms.configured(settings)
    for note in notes:
        print(note, file=sys.stderr)
    if not names:
        print(
            "mentorbot worker sends DMs through Discord or Slack: set DISCORD_TOKEN or "
            "SLACK_BOT_TOKEN.",
            file=sys.stderr,
        )
        return 2
    app = await build_app(settings, SystemClock())
    refusals: list[BaseException] = []
    try:
        messengers = [create_messenger(name, settings) for name in names]
        # A messenger holding a connection pool is closed after the last tick.
        app.closers.extend(m.aclose for m in messengers if hasattr(m, "aclose"))
        for messenger in messengers:
            # A messenger that logs in (Discord's) does it now: a bad token stops the worker
            # at start, not at every DM.
            if hasattr(messenger, "open"):
                await messenger.open()
        log.info("worker %s sending for %s", app.dispatcher.worker, ", ".join(names))
        watcher = content_watcher(
            app.services.content, app.services.db, settings.content_poll_seconds
        )
        return await serve_app(settings, app, messengers=messengers, services=[watcher])
    except* StartupProblem as group:
        refusals.extend(group.exceptions)
    finally:
        await app.close()
        log.info("mentorbot worker stopped")
    return _explain(refusals)


async def serve_app(
    settings: Settings,
    app: App,
    adapters: list[Adapter] | None = None,
    messengers: list[Messenger] | None = None,
    services: list[Service] | None = None,
    stop: asyncio.Event | None = None,
) -> int:
    """The runtime with the delivery scheduler, the given side services and, when its port is
    set, the ops server: `run` gives it adapters, `worker` messengers. Exit status 2 when the
    ops port is taken."""
    adapters = adapters or []
    scheduler = DeliveryScheduler(app.dispatcher, settings.delivery_tick_seconds, app.metrics)
    services = list(services or [])
    if settings.ops_port is not None:
        from bot.ops import OpsUnavailable

        try:
            services.append(await start_ops(settings, app, scheduler, adapters))
        except OpsUnavailable as error:
            print(f"mentorbot: {error}", file=sys.stderr)
            return 2
    await serve(
        app.dispatcher,
        settings.delivery_tick_seconds,
        adapters,
        messengers or [],
        services,
        stop,
        scheduler=scheduler,
    )
    return 0


def settle_memory() -> None:
    """What start-up built (modules, content, the lesson index) lives as long as the process:
    frozen out of the collector's reach, it is not rescanned at every full collection, and
    collections come less often. Before this, a collection during a burst of commands held
    every acknowledgement up for up to a few hundred milliseconds (docs/performance.md)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def _explain(refusals: list[BaseException]) -> int:
    """A platform refused to start: say why, once, and exit 2."""
    for error in refusals:
        print(f"mentorbot: {error}", file=sys.stderr)
    return 2
