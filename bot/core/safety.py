"""Outgoing text can never ping a crowd or a person, whoever wrote it (a lesson, a member, a model).

Every message the Router's replier sends passes through `safe_message`. The Discord adapter also
sends with allowed mentions off; this is the belt to that pair of braces, and the only guard on
Slack, where `<!channel>` in a bot's text notifies the whole channel.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.core.messages import Field, Form, Message, MessageRef, Option
from bot.core.ports import Replier

# A zero-width space after the "@" keeps the text readable while no platform parses a mention.
ZWSP = "\u200b"

# Slack: <!channel>, <!here>, <!everyone>, optionally with a label after "|".
_SLACK_BROADCAST = re.compile(r"<!(channel|here|everyone)(?:\|[^>]*)?>", re.IGNORECASE)
# Slack user groups: <!subteam^S123> or <!subteam^S123|@team>.
_SLACK_SUBTEAM = re.compile(r"<!subteam\^([A-Za-z0-9]+)(?:\|@?([^>]*))?>", re.IGNORECASE)
# Discord <@123>, <@!123>, <@&123> (a role) and Slack <@U123>, <@U123|name>.
_USER_OR_ROLE = re.compile(r"<@([!&]?)([A-Za-z0-9]+)(?:\|([^>]*))?>")
# Bare words both platforms (or their link_names option) turn into pings; no word boundary on
# purpose: Discord pings "@here" inside "@heretic" too.
_BARE = re.compile(r"@(everyone|here|channel)", re.IGNORECASE)


def _user_or_role(match: re.Match[str]) -> str:
    kind, ident, label = match.groups()
    if kind == "&":
        return f"@{ZWSP}role"
    return f"@{ZWSP}{label or ident}"


def _subteam(match: re.Match[str]) -> str:
    ident, label = match.groups()
    return f"@{ZWSP}{label or ident}"


def neutralise_mentions(text: str) -> str:
    """The same text with every mass, role and user mention made inert."""
    if "@" not in text and "<!" not in text:
        return text
    text = _SLACK_BROADCAST.sub(lambda m: f"@{ZWSP}{m.group(1)}", text)
    text = _SLACK_SUBTEAM.sub(_subteam, text)
    text = _USER_OR_ROLE.sub(_user_or_role, text)
    return _BARE.sub(lambda m: f"@{ZWSP}{m.group(1)}", text)


def safe_message(message: Message) -> Message:
    """The message with mentions neutralised in every piece of text a platform shows."""
    safe = neutralise_mentions
    choices = tuple(replace(c, label=safe(c.label)) for c in message.choices)
    select = message.select
    if select is not None:
        options = tuple(
            Option(safe(o.label), o.value, safe(o.description) if o.description else None)
            for o in select.options
        )
        select = replace(select, options=options, placeholder=safe(select.placeholder))
    return replace(
        message,
        body=safe(message.body),
        title=safe(message.title) if message.title else message.title,
        footer=safe(message.footer) if message.footer else message.footer,
        choices=choices,
        select=select,
        fields=tuple(Field(safe(f.name), safe(f.value), f.inline) for f in message.fields),
    )


class SafeReplier:
    """Wraps an adapter's replier so nothing it is handed can ping anyone."""

    def __init__(self, inner: Replier) -> None:
        self.inner = inner

    async def send(self, message: Message) -> MessageRef:
        return await self.inner.send(safe_message(message))

    async def edit(self, ref: MessageRef, message: Message) -> None:
        await self.inner.edit(ref, safe_message(message))

    async def form(self, form: Form) -> bool:
        return await self.inner.form(replace(form, title=neutralise_mentions(form.title)))


def guarded(reply: Replier) -> Replier:
    """The replier wrapped once, however often this is called on it."""
    return reply if isinstance(reply, SafeReplier) else SafeReplier(reply)
