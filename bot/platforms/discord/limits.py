"""Discord facts the delivery pipeline needs: the DM rate, and which refusals mean unreachable."""

from __future__ import annotations

from bot.core.ports import Rate

# Discord allows 50 requests/s per bot; a DM costs one request, two when the DM channel has to
# be opened first, so 20 DMs/s stays at or under 40 requests/s.
RATE = Rate(per_second=20, burst=20)

# JSON error codes that mean "this member cannot get DMs from us": the member is marked
# unreachable at the first one, with no retries, until they run `/mentor resume`.
UNREACHABLE = {
    50007: "Discord refused the DM: the member does not accept DMs from this server's members "
    "or has blocked the bot",
    10013: "Discord does not know this user any more",
    10003: "Discord no longer has this DM channel",
}
