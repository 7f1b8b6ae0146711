"""Publishing from the console: a local file or folder stands in for the chat attachment."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.core.publishing.announce import Announcements, channel_for
from bot.settings import DEFAULT_CONTENT_DIR
from tests.conftest import ConsoleDriver
from tests.core.publishing.conftest import LESSON, retitled


async def test_a_local_lesson_file_is_checked_then_published(console: ConsoleDriver, tmp_path):
    """The path after the command is read as the attachment; picking Publish applies it."""
    lesson = tmp_path / "03-ai-first-api-call.md"
    lesson.write_text(retitled((DEFAULT_CONTENT_DIR / LESSON).read_text(), "Edited locally"))
    out = await console.say(f"/mentor-admin publish {lesson}")
    assert "is valid" in out and "[1] Publish" in out
    out = await console.say("1")
    assert "Published as revision 2" in out
    assert "Edited locally" in await console.say("/mentor-admin preview ai-first-api-call")
    assert "2  " in await console.say("/mentor-admin history")


async def test_a_folder_with_a_symlink_is_refused(console: ConsoleDriver, tmp_path: Path):
    """A folder is packed like an upload; a symbolic link in it is named and nothing changes."""
    folder = tmp_path / "explorer"
    shutil.copytree(DEFAULT_CONTENT_DIR / "paths" / "explorer", folder)
    (folder / "07-link.md").symlink_to("/etc/passwd")
    out = await console.say(f"/mentor-admin publish {folder}")
    assert "07-link.md" in out and "symbolic link" in out
    assert console.app.services.content.version == 1


async def test_a_new_lesson_is_announced_once(console: ConsoleDriver, tmp_path: Path):
    """A published new lesson is posted in the configured channel, by one process only."""
    source = DEFAULT_CONTENT_DIR / "paths" / "explorer" / "06-choose.md"
    text = source.read_text().replace("id: ex-choose", "id: ex-extra").replace("day: 6", "day: 7")
    lesson = tmp_path / "07-extra.md"
    lesson.write_text(text.replace("title: ", "title: Extra lesson, ", 1))
    assert "added ex-extra" in await console.say(f"/mentor-admin publish {lesson} explorer")
    await console.say("1")
    announcements = Announcements.configured(
        console.app.services, "console:general", [console.adapter]
    )
    announcements.since = 1
    assert await announcements.send() == 1
    out = await console.say()
    assert "[#general]" in out and "Extra lesson" in out and "new lesson" in out
    assert await announcements.send() == 0


def test_the_channel_setting_names_one_channel_per_platform():
    """A plain channel serves every platform; `platform:channel` pairs pick one each."""
    assert channel_for("general", "slack") == "general"
    assert channel_for("discord:123,slack:C456", "slack") == "C456"
    assert channel_for("discord:123", "slack") is None
