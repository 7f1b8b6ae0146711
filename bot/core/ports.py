"""The seams between the core and the world: who is talking, where replies go, who sends DMs,
the mentor, the clock, what a platform adapter offers the runtime, and where metrics go.

Everything here is a plain dataclass or a Protocol; the core depends on these, adapters and
`bot.mentor` implement them, and `bot.app` wires them together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from bot.core.messages import Form, Message, MessageRef


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


@dataclass(frozen=True)
class Caller:
    """The person behind a command or a click, as the platform reports them."""

    platform: str
    workspace_id: str
    user_id: str
    display_name: str
    is_moderator: bool = False
    # The thread or DM the exchange happens in, so follow-up questions keep their context.
    conversation_id: str | None = None
    # Slack reports a user's zone; Discord does not.
    timezone: str | None = None


@dataclass(frozen=True)
class Recipient:
    """Who a DM goes to, as the platform knows them."""

    platform: str
    workspace_id: str
    user_id: str
    display_name: str
    timezone: str


class Replier(Protocol):
    """Where a handler's answers go: the adapter knows the channel, thread or DM."""

    async def send(self, message: Message) -> MessageRef: ...

    async def edit(self, ref: MessageRef, message: Message) -> None: ...

    async def form(self, form: Form) -> bool:
        """Open `form` for the caller; False where the platform has no forms (the caller
        then gets a typed alternative)."""
        ...


class Outcome(StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"
    RETRY_LATER = "retry_later"


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    reason: str | None = None
    # Seconds to wait before the next attempt, as the platform's Retry-After said.
    retry_after: float = 0.0

    @classmethod
    def sent(cls) -> SendResult:
        return cls(Outcome.SENT)

    @classmethod
    def unreachable(cls, reason: str) -> SendResult:
        return cls(Outcome.UNREACHABLE, reason)

    @classmethod
    def retry_later(cls, retry_after: float, reason: str = "rate limited") -> SendResult:
        return cls(Outcome.RETRY_LATER, reason, max(0.0, retry_after))


# A server error (HTTP 5xx) carries no Retry-After; messengers wait this long.
RETRY_AFTER_SERVER_ERROR = 30.0


@dataclass(frozen=True)
class Rate:
    """How fast a platform takes DMs from one bot."""

    per_second: float
    burst: int
    # Slack limits each workspace separately; Discord limits the bot as a whole.
    per_workspace: bool = False


class Messenger(Protocol):
    """Sends one direct message. Raises only for faults of our own (bad token, a bug).

    `key` names the delivery; a platform that can deduplicate (Discord's nonce, Slack's message
    metadata) uses it so a resend after a crash never shows the member a second copy.
    Refusals that mean "this member cannot get DMs" come back as `SendResult.unreachable`, a
    rate limit or a server error as `SendResult.retry_later`.
    """

    platform: str
    # None: not paced (a Retry-After is still honoured).
    rate: Rate | None

    async def send_dm(self, to: Recipient, message: Message, key: str) -> SendResult: ...


@runtime_checkable
class SentBefore(Protocol):
    """A messenger that can tell whether a delivery's DM is already in the member's DMs (Slack
    finds the key in a message's metadata). The dispatcher asks only when an earlier attempt at
    the same delivery may have posted it: a worker that died before recording its outcome, or a
    send that failed without a clear answer."""

    async def already_sent(self, to: Recipient, key: str) -> bool: ...


class Mentor(Protocol):
    """The AI mentor as the core sees it; `bot.mentor` implements it, the app wires it in."""

    async def ask(self, caller: Caller, question: str, reply: Replier) -> None:
        """Answer the caller's question, streaming the answer into `reply`."""
        ...

    async def feedback(self, caller: Caller, value: str, reply: Replier) -> None:
        """Store a 👍/👎 picked on an answer (`value` comes from the answer's choices)."""
        ...

    async def report(self) -> Message:
        """Usage, feedback and coverage gaps, for moderators."""
        ...


class Announcer(Protocol):
    """Posts in a community channel (a new lesson, say). An adapter that can, offers
    `announce`; `channel` is the platform's own channel id or name."""

    platform: str

    async def announce(self, channel: str, message: Message) -> None: ...


class Adapter(Protocol):
    """A platform connection the runtime starts: it takes commands until `stop` is set, then
    stops taking them and returns. Its `messenger` sends the scheduled DMs."""

    platform: str
    messenger: Messenger

    async def run(self, stop: asyncio.Event) -> None: ...

    def connected(self) -> bool:
        """Whether the platform connection is up (for health checks)."""
        ...


class Metrics(Protocol):
    """Counts and timings for monitoring. The core reports; `bot.ops` keeps them for Prometheus
    when the ops server is on, and `bot.core.metrics.NoMetrics` drops them otherwise. Each call
    costs about a counter increment, so hot paths call it freely."""

    def command(self, name: str, outcome: str, seconds: float) -> None:
        """A command or click was handled: `name` is a registered command or action id,
        `outcome` ok, user_error, error, refused, unknown or cancelled."""
        ...

    def deliveries(self, outcomes: Mapping[str, int], lags: Sequence[float]) -> None:
        """DM outcomes just recorded (sent, retry_later, unreachable, failed, skipped), and for
        each DM sent, the seconds since the member's schedule said it was due."""
        ...

    def queued(self, items: int, nudges: int) -> None: ...

    def llm_tokens(self, kind: str, count: int) -> None:
        """Tokens of one kind (input, output, cache_read, cache_write) spent on an answer."""
        ...

    def llm_error(self, reason: str) -> None:
        """An answer the model could not give (timeout, connection, busy, refused, …)."""
        ...

    def tick(self, seconds: float) -> None:
        """A delivery tick ran for this long."""
        ...
