"""The port every platform's DM sender implements, and how platform refusals map onto it.

The dispatcher speaks only this interface. An adapter (console today, Discord and Slack later)
turns its SDK's results into a `SendResult`: the message went out, the member cannot be reached
(stop trying until they act), or the platform asked us to slow down (try again after so long).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.core.messages import Message


@dataclass(frozen=True)
class Recipient:
    """Who a DM goes to, as the platform knows them."""

    platform: str
    workspace_id: str
    user_id: str
    display_name: str
    timezone: str


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


class Messenger(Protocol):
    """Sends one direct message. Raises only for faults of our own (bad token, a bug)."""

    async def send_dm(self, to: Recipient, message: Message) -> SendResult: ...


# The refusals that mean "this member cannot get DMs from us": the member is marked unreachable
# at the first one, with no retries, until they run `/mentor resume`. Adapters look their
# platform's error code up here; anything not listed that is not a rate limit is raised.
UNREACHABLE_ERRORS: dict[str, dict[int | str, str]] = {
    "discord": {
        50007: "Discord refused the DM: the member does not accept DMs from this server's members "
        "or has blocked the bot",
        10013: "Discord does not know this user any more",
        10003: "Discord no longer has this DM channel",
    },
    "slack": {
        "cannot_dm_bot": "Slack does not let apps DM this account (it is a bot)",
        "user_not_found": "Slack does not know this user in the workspace",
        "user_not_visible": "Slack hides this user from the app",
        "user_disabled": "the member's Slack account is deactivated",
        "channel_not_found": "Slack cannot find the DM channel with this member",
        "is_archived": "the DM channel is archived",
    },
}

# The answers that mean "slow down": both carry how long to wait, which the adapter passes on
# as `retry_after` (Discord: HTTP 429 with `retry_after` in the JSON body and a Retry-After
# header; Slack: HTTP 429 with error `ratelimited` and a Retry-After header, in seconds).
# A server error (HTTP 5xx) on either platform is also "retry later", with no hint: adapters
# pass `RETRY_AFTER_SERVER_ERROR`.
RETRY_LATER_ERRORS: dict[str, tuple[int | str, ...]] = {
    "discord": (429,),
    "slack": (429, "ratelimited"),
}
RETRY_AFTER_SERVER_ERROR = 30.0
