"""Slack facts the delivery pipeline needs: the DM rate, and which refusals mean unreachable."""

from __future__ import annotations

from bot.core.ports import Rate

# chat.postMessage allows about one message per second per channel, and each DM is its own
# channel, under a workspace-wide limit Slack does not publish; 5/s per workspace (300 a minute)
# stays well inside it.
RATE = Rate(per_second=5, burst=10, per_workspace=True)

# Web API errors that mean "this member cannot get DMs from us": the member is marked
# unreachable at the first one, with no retries, until they run `/mentor resume`.
UNREACHABLE = {
    "cannot_dm_bot": "Slack does not let apps DM this account (it is a bot)",
    "user_not_found": "Slack does not know this user in the workspace",
    "user_not_visible": "Slack hides this user from the app",
    "user_disabled": "the member's Slack account is deactivated",
    "account_inactive": "the member's Slack account is inactive",
    "channel_not_found": "Slack cannot find the DM channel with this member",
    "is_archived": "the DM channel is archived",
    "messages_tab_disabled": "the member has turned off the app's Messages tab",
}
