"""The Slack connection: one Bolt AsyncApp, reached over Socket Mode when SLACK_APP_TOKEN is
set and over HTTP at /slack/events otherwise (Bolt checks each request's signature there)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.checks import StartupProblem
from bot.core.commands import Router
from bot.core.messages import Message
from bot.core.services import Services
from bot.platforms.slack.handlers import AckFirst, Handlers
from bot.platforms.slack.home import HomeTab
from bot.platforms.slack.messenger import SlackMessenger
from bot.platforms.slack.people import People
from bot.platforms.slack.web import SlackWeb
from bot.settings import Settings

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# How long a stop waits for acknowledged requests still being answered.
FINISH_SECONDS = 10.0


class SlackAdapter:
    platform = "slack"

    def __init__(self, router: Router, services: Services, settings: Settings) -> None:
        if settings.slack_bot_token is None:
            raise StartupProblem("Slack needs SLACK_BOT_TOKEN (the bot token, xoxb-…)")
        if settings.slack_app_token is None and settings.slack_signing_secret is None:
            raise StartupProblem(
                "Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)"
            )
        self.app_token = settings.slack_app_token
        self.host, self.port = settings.slack_host, settings.slack_port
        self.web = SlackWeb(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
        self.messenger = SlackMessenger(self.web)
        self.handlers = Handlers(
            router,
            self.web,
            People(self.web.client, settings.slack_moderators),
            HomeTab(services, self.web.client),
        )
        secret = settings.slack_signing_secret
        with _quiet_about_the_token():
            self.bolt = AsyncApp(
                name="mentorbot",
                client=self.web.client,
                signing_secret=secret.get_secret_value() if secret else "",
                # Socket Mode's connection is authenticated by the app token instead.
                request_verification_enabled=self.app_token is None,
            )
        self.handlers.register(self.bolt)
        self._socket: _SocketMode | None = None
        self._listening = False

    async def announce(self, channel: str, message: Message) -> None:
        """A post for everyone in a community channel (new lessons), by id or by name; a public
        channel needs no invitation (chat:write.public)."""
        await self.web.post(channel, replace(message, private=False))

    def connected(self) -> bool:
        if self._socket is not None:
            session = self._socket.client.current_session
            return session is not None and not session.closed
        return self._listening

    async def run(self, stop: asyncio.Event) -> None:
        await self._check_bot_token()
        try:
            if self.app_token is not None:
                await self._socket_mode(stop)
            else:
                await self._http(stop)
        finally:
            await self._finish()

    async def _check_bot_token(self) -> None:
        try:
            identity = await self.web.client.auth_test()
        except SlackApiError as error:
            raise StartupProblem(
                f"Slack refused SLACK_BOT_TOKEN ({error.response.get('error')}); "
                "copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page"
            ) from None
        log.info("Slack: signed in as %s in %s", identity.get("user"), identity.get("team"))

    async def _http(self, stop: asyncio.Event) -> None:
        events = web.Application()
        events.router.add_post(EVENTS_PATH, self._request)
        runner = web.AppRunner(events, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except OSError as error:
            await runner.cleanup()
            raise StartupProblem(
                f"Slack (HTTP mode) cannot listen on {self.host}:{self.port}: {error.strerror}. "
                "Set MENTORBOT_SLACK_HOST and MENTORBOT_SLACK_PORT to a free address."
            ) from None
        self._listening = True
        log.info("Slack (HTTP mode) listening on %s:%d%s", self.host, self.port, EVENTS_PATH)
        try:
            await stop.wait()
        finally:
            self._listening = False
            await runner.cleanup()

    async def _request(self, request: web.Request) -> web.Response:
        """One request over HTTP: Bolt checks its signature (401 when forged or stale) and
        dispatches it; the response is the acknowledgement."""
        with self.handlers.acks.acknowledging():
            response = await self.bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def _socket_mode(self, stop: asyncio.Event) -> None:
        handler = _SocketMode(
            self.bolt,
            self.app_token.get_secret_value(),
            web_client=self.web.client,
            acks=self.handlers.acks,
        )
        try:
            # Asked here rather than inside connect(), which retries a refused token forever.
            handler.client.wss_uri = await handler.client.issue_new_wss_url()
        except SlackApiError as error:
            await handler.close_async()
            raise StartupProblem(
                f"Slack refused SLACK_APP_TOKEN ({error.response.get('error')}); use an "
                "app-level token (xapp-…) with the connections:write scope"
            ) from None
        self._socket = handler
        await handler.connect_async()
        log.info("Slack (Socket Mode) connected")
        try:
            await stop.wait()
        finally:
            await handler.close_async()

    async def _finish(self) -> None:
        running = set(self.handlers.running)
        if running:
            await asyncio.wait(running, timeout=FINISH_SECONDS)


class _SocketMode(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler, each envelope counted until its acknowledgement is sent."""

    def __init__(self, *args: Any, acks: AckFirst, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.acks = acks

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:
        with self.acks.acknowledging():
            await super().handle(client, req)


class _SameToken(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


@contextlib.contextmanager
def _quiet_about_the_token() -> Iterator[None]:
    """Bolt reads SLACK_BOT_TOKEN from the environment too and warns that the client's token
    (the same one, from the settings) wins; there is nothing for an operator to do about it."""
    bolt_log = logging.getLogger(f"slack_bolt.{AsyncApp.__name__}")
    quiet = _SameToken()
    bolt_log.addFilter(quiet)
    try:
        yield
    finally:
        bolt_log.removeFilter(quiet)
