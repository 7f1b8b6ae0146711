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

# Block Kit's limits (api.slack.com/reference/block-kit): characters per text object and
# elements per container. Longer text is cut at paragraphs into more sections.
SECTION_CHARS = 3000
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
HEADER_CHARS = 150
BUTTON_CHARS = 75
BUTTON_VALUE_CHARS = 2000
BUTTONS_PER_BLOCK = 25
FIELDS_PER_SECTION = 10
FIELD_CHARS = 2000
CONTEXT_CHARS = 3000
OPTION_CHARS = 75
OPTION_VALUE_CHARS = 150
OPTIONS_PER_SELECT = 100
PLACEHOLDER_CHARS = 150
MODAL_TITLE_CHARS = 24
INPUT_LABEL_CHARS = 2000
INPUT_MAX_LENGTH = 3000
PRIVATE_METADATA_CHARS = 3000
# A slash command's or a click's response_url takes five messages within 30 minutes.
RESPONSE_URL_USES = 5
# How many of a DM's newest messages are searched for a delivery's metadata before a resend.
HISTORY_LOOKBACK = 50
# 429s are waited out (Retry-After) and retried this often before a DM goes back to the queue.
RATE_LIMIT_RETRIES = 3
# The metadata event type that marks a lesson DM with its delivery's key.
DELIVERY_EVENT = "mentorbot_delivery"
