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

# Discord waits 3 s for an interaction's first answer before the member sees "This interaction
# failed"; a handler that has not answered by this time is deferred.
DEFER_AFTER = 1.5

# Messages: one embed's parts, and all embeds of one message together.
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBEDS_PER_MESSAGE = 10
EMBED_CHARACTERS_PER_MESSAGE = 6000
# A message's nonce (deduplicated with enforce_nonce for a few minutes).
NONCE = 25

# Components: buttons, selects and modals.
CUSTOM_ID = 100
BUTTON_LABEL = 80
BUTTONS_PER_ROW = 5
ROWS = 5
SELECT_OPTIONS = 25
OPTION_TEXT = 100
SELECT_PLACEHOLDER = 150
MODAL_TITLE = 45
MODAL_INPUTS = 5
INPUT_LABEL = 45
INPUT_PLACEHOLDER = 100
INPUT_VALUE = 4000

# Slash commands. discord.py itself refuses, when the tree is built, names that are not 1-32
# lowercase characters and more than 25 options or subcommands.
COMMAND_DESCRIPTION = 100
CHOICES = 25
CHOICE_TEXT = 100


def cut(text: str, limit: int) -> str:
    """`text` within `limit` characters, ending in "…" where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
