"""The console's DMs: printed in line with the session, headed by the member's local send time."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.core.clock import Clock
from bot.core.messages import Message
from bot.core.ports import Recipient, SendResult
from bot.platforms.console.render import render


class ConsoleMessenger:
    platform = "console"
    rate = None

    def __init__(self, write: Callable[[str], None], clock: Clock) -> None:
        self._write = write
        self._clock = clock

    async def send_dm(self, to: Recipient, message: Message, key: str) -> SendResult:
        local = self._clock.now().astimezone(ZoneInfo(to.timezone))
        self._write(f"[DM · {local:%a %H:%M} {to.timezone}] {render(message)}")
        return SendResult.sent()
