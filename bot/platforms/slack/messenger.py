"""Lesson DMs through the Web API, each marked with its delivery's key in message metadata.

The key is what lets a resend after a crash look in the DM's recent history first and find
the message that went out before its outcome was written down.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError

from bot.core.messages import Message
from bot.core.ports import RETRY_AFTER_SERVER_ERROR, Recipient, SendResult
from bot.platforms.slack import limits
from bot.platforms.slack.web import SlackWeb


class SlackMessenger:
    platform = "slack"
    rate = limits.RATE

    def __init__(self, web: SlackWeb) -> None:
        self.web = web

    async def send_dm(self, to: Recipient, message: Message, key: str) -> SendResult:
        metadata = {"event_type": limits.DELIVERY_EVENT, "event_payload": {"key": key}}
        try:
            # A user id as the channel posts in the app's DM with them, with no
            # conversations.open (a slower tier) per lesson.
            await self.web.post(to.user_id, message, metadata=metadata)
        except SlackApiError as error:
            return _outcome(error)
        return SendResult.sent()

    async def already_sent(self, to: Recipient, key: str) -> bool:
        try:
            opened = await self.web.client.conversations_open(users=to.user_id)
            history = await self.web.client.conversations_history(
                channel=opened["channel"]["id"],
                limit=limits.HISTORY_LOOKBACK,
                include_all_metadata=True,
            )
        except SlackApiError as error:
            if _code(error) in limits.UNREACHABLE:
                return False  # the send that follows says why
            raise
        return any(_key_of(m) == key for m in history.get("messages", []))

    async def aclose(self) -> None:
        await self.web.aclose()


def _key_of(message: dict[str, Any]) -> str | None:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != limits.DELIVERY_EVENT:
        return None
    return (metadata.get("event_payload") or {}).get("key")


def _code(error: SlackApiError) -> str:
    return str(error.response.get("error", ""))


def _outcome(error: SlackApiError) -> SendResult:
    """Slack's refusal as the delivery pipeline's outcome; our own faults are raised."""
    response = error.response
    code = _code(error)
    if response.status_code == 429:
        # Still limited after the retries: the row waits and goes out later.
        return SendResult.retry_later(float(response.headers.get("Retry-After", 1)), "ratelimited")
    if code in limits.UNREACHABLE:
        return SendResult.unreachable(f"{limits.UNREACHABLE[code]} ({code})")
    if response.status_code >= 500:
        return SendResult.retry_later(RETRY_AFTER_SERVER_ERROR, f"Slack answered {code or 500}")
    raise error
