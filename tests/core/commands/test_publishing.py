"""`/mentor-admin publish|preview|history|rollback` through the router, as any platform calls it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.core.actions import Act
from bot.core.commands import Router, build_actions, build_commands
from bot.core.content.loader import read_directory
from bot.core.members import Caller
from bot.core.messages import Action, Attachment
from bot.core.models import AuditEntry
from bot.core.publishing.sync import open_content
from bot.core.services import Services
from bot.settings import DEFAULT_CONTENT_DIR
from tests.core.delivery.conftest import Replies
from tests.core.publishing.conftest import LESSON, retitled

MOD = Caller("discord", "guild", "m1", "Mona", is_moderator=True)
MEMBER = Caller("discord", "guild", "u1", "Uma")


def attachment(name: str, data: bytes) -> Attachment:
    async def read() -> bytes:
        return data

    return Attachment(name, len(data), "text/markdown", read)


@pytest.fixture
async def router(services: Services) -> Router:
    content, version = await open_content(
        services.db, read_directory(DEFAULT_CONTENT_DIR), services.clock
    )
    services.content.replace(content, version)
    return Router(services, build_commands(), build_actions())


async def _command(router: Router, caller: Caller, name: str, args: str = "", files=()):
    replies = Replies()
    await router.command(caller, "mentor-admin", name, args, replies, tuple(files))
    return replies


async def _audit(services: Services) -> list[AuditEntry]:
    async with services.db() as session:
        return list((await session.exec(select(AuditEntry).order_by(AuditEntry.id))).all())


def _edited_lesson(title: str) -> Attachment:
    text = retitled((DEFAULT_CONTENT_DIR / LESSON).read_text(), title)
    return attachment("03-ai-first-api-call.md", text.encode())


async def test_a_member_cannot_publish_and_the_attempt_is_audited(router: Router, services):
    """A non-moderator is refused before the file is read, and the log names them."""
    for name in ("publish", "preview", "rollback"):
        replies = await _command(router, MEMBER, name, "1", [_edited_lesson("Nope")])
        assert "for moderators only" in replies.text
    entries = await _audit(services)
    assert [(e.actor, e.action, e.detail["outcome"]) for e in entries] == [
        ("discord:u1 Uma", f"/mentor-admin {name}", "refused: not a moderator")
        for name in ("publish", "preview", "rollback")
    ]
    assert services.content.version == 1


async def test_publish_shows_the_outcome_and_applies_on_confirm(router: Router, services):
    """A valid lesson is summarised with a Publish button; clicking it stores revision 2."""
    replies = await _command(router, MOD, "publish", files=[_edited_lesson("Revised")])
    (message,) = replies.messages
    assert "changed ai-first-api-call" in message.body and message.private
    assert services.content.version == 1
    publish_button = message.choices[0]
    clicked = Replies()
    await router.action(MOD, Action(publish_button.action, publish_button.value), clicked)
    assert "Published as revision 2" in clicked.text
    assert services.content.current.item("ai-first-api-call").title == "Revised"
    again = Replies()
    await router.action(MOD, Action(publish_button.action, publish_button.value), again)
    assert "no longer waiting" in again.text


async def test_only_the_moderator_who_sent_it_can_confirm(router: Router, services):
    """Someone else clicking Publish (a forged click, say) is refused and audited."""
    replies = await _command(router, MOD, "publish", files=[_edited_lesson("Revised")])
    value = replies.messages[0].choices[0].value
    clicked = Replies()
    await router.action(MEMBER, Action(Act.PUBLISH, value), clicked)
    assert "for moderators only" in clicked.text
    assert services.content.version == 1
    assert (await _audit(services))[-1].detail["outcome"] == "refused: not a moderator"


async def test_a_bad_upload_lists_every_problem_and_changes_nothing(router: Router, services):
    """Two mistakes in one lesson are both shown with file and line; nothing is held."""
    text = (DEFAULT_CONTENT_DIR / LESSON).read_text().replace("kind: lesson", "kind: essay")
    text = text.replace("\nminutes:", "\nminuts:")
    replies = await _command(
        router, MOD, "publish", files=[attachment("03-ai-first-api-call.md", text.encode())]
    )
    assert "not published" in replies.text and "Nothing was changed" in replies.text
    assert "03-ai-first-api-call.md:3: kind:" in replies.text
    assert "unknown field 'minuts'" in replies.text
    assert all(not m.choices for m in replies.messages)
    assert services.content.version == 1


async def test_publish_without_a_file_says_what_to_attach(router: Router):
    """The command alone explains what to attach."""
    replies = await _command(router, MOD, "publish")
    assert "Attach the file to publish" in replies.text


async def test_preview_shows_the_item_privately(router: Router):
    """Preview renders the lesson as members get it, to the moderator only."""
    replies = await _command(router, MOD, "preview", "ai-first-api-call")
    (message,) = replies.messages
    assert message.private and message.title.startswith("Day 3 · Lesson:")
    assert "Preview" in message.footer
    assert "There is no item" in (await _command(router, MOD, "preview", "nope")).text


async def test_history_and_rollback_in_chat(router: Router, services):
    """History lists revisions newest first; rollback 1 brings the original lesson back."""
    replies = await _command(router, MOD, "publish", files=[_edited_lesson("Revised")])
    choice = replies.messages[0].choices[0]
    await router.action(MOD, Action(choice.action, choice.value), Replies())
    history = (await _command(router, MOD, "history")).text
    assert history.index("\n2  Mona (discord)") < history.index("\n1  content directory")
    assert "Stored as revision 3" in (await _command(router, MOD, "rollback", "1")).text
    assert services.content.current.item("ai-first-api-call").title != "Revised"
    assert "There is no revision 9" in (await _command(router, MOD, "rollback", "9")).text


async def test_a_refused_rollback_is_audited(router: Router, services):
    """Rolling back to a revision that does not exist is refused, and still on record."""
    await _command(router, MOD, "rollback", "9")
    entry = (await _audit(services))[-1]
    assert (entry.action, entry.detail["version"]) == ("content-rollback", 9)
    assert entry.detail["outcome"].startswith("refused: There is no revision 9")
