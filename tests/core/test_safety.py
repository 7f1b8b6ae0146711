"""Outgoing text cannot ping a crowd or a person on Discord or Slack."""

from __future__ import annotations

import pytest

from bot.core.messages import Choice, Message, MessageRef
from bot.core.safety import ZWSP, guarded, neutralise_mentions, safe_message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hey @everyone", f"hey @{ZWSP}everyone"),
        ("@here now", f"@{ZWSP}here now"),
        ("@Everyone", f"@{ZWSP}Everyone"),
        ("ask <@123456>", f"ask @{ZWSP}123456"),
        ("ask <@!123456>", f"ask @{ZWSP}123456"),
        ("the <@&987> role", f"the @{ZWSP}role role"),
        ("<!channel> look", f"@{ZWSP}channel look"),
        ("<!here|here>", f"@{ZWSP}here"),
        ("<!everyone>", f"@{ZWSP}everyone"),
        ("<@U024BE7LH>", f"@{ZWSP}U024BE7LH"),
        ("<@U024BE7LH|bob>", f"@{ZWSP}bob"),
        ("<!subteam^SAZ94GDB8|@devs>", f"@{ZWSP}devs"),
        ("@channel", f"@{ZWSP}channel"),
    ],
)
def test_mentions_are_neutralised(text: str, expected: str):
    """Each kind of mass, role or user mention becomes inert text."""
    assert neutralise_mentions(text) == expected


def test_ordinary_text_is_untouched_and_neutralising_twice_changes_nothing():
    """E-mail addresses, decorators and links stay; a second pass is a no-op."""
    text = "mail me@example.com, use @dataclass, see <https://example.com|docs> and <#C123>"
    assert neutralise_mentions(text) == text
    once = neutralise_mentions("@everyone <@1>")
    assert neutralise_mentions(once) == once


def test_every_part_of_a_message_is_made_safe():
    """Title, body, footer and choice labels are all neutralised."""
    message = Message(
        body="@here", title="@everyone", footer="<!channel>", choices=(Choice("<@1>", "x"),)
    )
    safe = safe_message(message)
    assert "@here" not in safe.body and "@everyone" not in (safe.title or "")
    assert "<!channel>" not in (safe.footer or "") and "<@1>" not in safe.choices[0].label
    assert safe.choices[0].action == "x"


async def test_the_guarded_replier_sends_and_edits_safely():
    """Sends and edits through the guard reach the adapter neutralised; guarding is idempotent."""
    seen: list[str] = []

    class Adapter:
        async def send(self, message: Message) -> MessageRef:
            seen.append(message.body)
            return MessageRef("p", "c", "1")

        async def edit(self, ref: MessageRef, message: Message) -> None:
            seen.append(message.body)

    reply = guarded(Adapter())
    assert guarded(reply) is reply
    ref = await reply.send(Message(body="@everyone"))
    await reply.edit(ref, Message(body="@everyone <!here>"))
    assert seen == [f"@{ZWSP}everyone", f"@{ZWSP}everyone @{ZWSP}here"]
